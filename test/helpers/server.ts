import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { serveCachedPage } from '../../src/cache/fast-path.js';
import type { Database } from '../../src/db/database.js';
import { makeTestApp } from './app.js';

/**
 * The real app on a real port (random), for the browser to talk to. With `caching`, as `npm start` runs it:
 * caches on and their hits answered before the app (src/main.ts).
 */
export async function startServer(
  db: Database,
  options: { caching?: boolean } = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const { app, caching } = await makeTestApp(db, {
    BASE_URL: 'http://127.0.0.1',
    ...(options.caching ? { PAGE_CACHE_TTL_MS: '30000' } : {}),
  });
  const handle = getRequestListener(app.fetch);
  const caches = caching?.caches;
  const server = createServer((req, res) => {
    if (caches && serveCachedPage(caches, req, res)) return;
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => caching?.stop()),
  };
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, with the background services that would try to reach the network turned off. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Logs in through the real form, as a reader would, and waits for the frontpage. */
export async function logInAs(page: Page, baseUrl: string, user: { username: string; password: string }) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${baseUrl}/`);
}
