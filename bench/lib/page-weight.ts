import { chromium } from 'playwright-core';

export interface PageWeight {
  url: string;
  /** Bytes on the wire (compressed) for HTML, CSS and JS, KaTeX fonts aside. */
  transferredBytes: number;
  fontBytes: number;
  requests: number;
}

/** Loads a page cold in headless Chromium and adds up what crossed the wire, by resource type. */
export async function measurePageWeight(url: string): Promise<PageWeight> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const types = new Map<string, string>();
    let transferredBytes = 0;
    let fontBytes = 0;
    let requests = 0;
    cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
    cdp.on('Network.loadingFinished', (e) => {
      requests++;
      if (types.get(e.requestId) === 'Font') fontBytes += e.encodedDataLength;
      else transferredBytes += e.encodedDataLength;
    });
    await page.goto(url, { waitUntil: 'networkidle' });
    return { url, transferredBytes, fontBytes, requests };
  } finally {
    await browser.close();
  }
}
