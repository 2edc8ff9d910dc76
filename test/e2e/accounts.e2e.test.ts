import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoContent } from '../../src/demo/seed.js';
import { useTestDatabase } from '../helpers/app.js';
import { launchBrowser, startServer } from '../helpers/server.js';

const { db } = useTestDatabase();
let browser: Browser;
let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  await loadDemoContent(db);
  server = await startServer(db);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a newcomer in the browser', () => {
  it('signs up, reads a demo post with KaTeX math, logs out, fails a login, and logs in again', async () => {
    const page = await browser.newPage();
    const scriptErrors: string[] = [];
    page.on('pageerror', (e) => scriptErrors.push(e.message));
    page.on('console', (m) => {
      // The failed login answers 422, which Chromium reports as a failed resource; anything else is a bug.
      if (m.type() === 'error' && !m.text().includes('status of 422')) scriptErrors.push(m.text());
    });

    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'Sign up' }).click();
    await page.getByLabel('Username').fill('newcomer_e2e');
    await page.getByLabel('Email').fill('newcomer@example.org');
    await page.getByLabel('Password').fill('a fine long passphrase');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.waitForURL(`${server.url}/`);
    await expect(page.getByRole('link', { name: 'newcomer_e2e' }).isVisible()).resolves.toBe(true);

    // The first post on the frontpage is demo content with math.
    const firstPost = page.locator('.post-item-title a').first();
    const title = (await firstPost.textContent())!;
    await firstPost.click();
    await expect(page.locator('h1#post-title').textContent()).resolves.toBe(title);
    const math = page.locator('.post-body .katex').first();
    await expect(math.isVisible()).resolves.toBe(true);
    // KaTeX's fonts and stylesheet load from our origin: a rendered formula has real height.
    const box = await math.boundingBox();
    expect(box!.height).toBeGreaterThan(5);
    expect(await page.locator('.post-body .katex-mathml math').count()).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${server.url}/`);
    await expect(page.getByRole('link', { name: 'Log in' }).isVisible()).resolves.toBe(true);

    await page.getByRole('link', { name: 'Log in' }).click();
    await page.getByLabel('Username or email').fill('newcomer_e2e');
    await page.getByLabel('Password').fill('not my password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByText('Wrong username, email or password.').isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Username or email').inputValue()).resolves.toBe('newcomer_e2e');

    await page.getByLabel('Password').fill('a fine long passphrase');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${server.url}/`);
    await expect(page.getByRole('link', { name: 'newcomer_e2e' }).isVisible()).resolves.toBe(true);
    expect(scriptErrors).toEqual([]);
  });
});
