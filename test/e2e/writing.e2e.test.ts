import { describe, expect, it } from 'vitest';
import { makeUser } from '../helpers/factories.js';
import { logInAs, useBrowserTest } from '../helpers/server.js';

const { db, server, browser } = useBrowserTest();

const BODY = [
  '## Setup',
  '',
  'Let $f(x) = x^2$ be convex.[^why]',
  '',
  '$$\\int_0^1 f(x)\\,dx = \\frac{1}{3}$$',
  '',
  '| n | f(n) |',
  '|---|------|',
  '| 2 | 4 |',
  '',
  '[^why]: Its second derivative is positive.',
].join('\n');

describe('a writer in the browser', () => {
  it('writes with live preview, publishes, sees math and footnote, revises with a note and reads the diff', async () => {
    const writer = await makeUser(db, { username: 'writer_e2e' });
    const page = await browser.newPage();
    await logInAs(page, server.url, writer);

    await page.getByRole('link', { name: 'New post' }).click();
    // With live preview there is nothing to press: no hint saying to.
    await expect(page.locator('.preview-empty').count()).resolves.toBe(0);
    await page.getByLabel('Title').fill('Convexity in one page');
    await page.getByLabel('Body').fill(BODY);
    // Live preview (JavaScript): the server renders the math as we type.
    await page.locator('.preview-body .katex').first().waitFor();
    expect(await page.locator('.preview-body table').count()).toBe(1);
    const style = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((e) => {
          const s = getComputedStyle(e);
          return `${s.fontSize} ${s.fontFamily} ${s.textTransform}`;
        });
    const previewHeading = await style('.preview-body h2');
    // The post's "Setup" heading is not styled like the preview's own small-caps label.
    expect(previewHeading).not.toBe(await style('#preview-heading'));

    // The Preview button works too, and leaving with unsaved edits asks first.
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('.preview-body .katex-display').waitFor();
    await expect(page.getByLabel('Title').inputValue()).resolves.toBe('Convexity in one page');

    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/\/posts\/[0-9A-Za-z]{17}\/convexity-in-one-page$/);
    // ...but exactly like the same heading on the published post.
    expect(await style('.post-body h2')).toBe(previewHeading);
    expect(await page.locator('.post-body .katex').count()).toBeGreaterThan(1);
    expect(await page.locator('.post-body table td').first().textContent()).toBe('2');
    const footnote = page.locator('.post-body .footnotes');
    await expect(footnote.textContent()).resolves.toContain('Its second derivative is positive.');
    // Hovering the footnote marker shows its text (JavaScript).
    await page.locator('.post-body sup a').first().hover();
    await expect(page.locator('.footnote-popup').textContent()).resolves.toContain('second derivative');

    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Body').fill(BODY.replace('be convex', 'be strictly convex'));
    await page.getByLabel('What changed? (optional)').fill('Strict convexity');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/\/convexity-in-one-page$/);

    await page.getByRole('link', { name: /Last revised/ }).click();
    await expect(page.locator('.revision-list').textContent()).resolves.toContain('Strict convexity');
    await page.getByRole('link', { name: 'Revision 2' }).click();
    await expect(page.locator('.diff-body ins').allTextContents()).resolves.toContain('strictly ');
  });

  it('warns before leaving the editor with unsaved edits', async () => {
    const writer = await makeUser(db);
    const page = await browser.newPage();
    await logInAs(page, server.url, writer);
    await page.goto(`${server.url}/posts/new`);
    await page.getByLabel('Body').fill('Unsaved thoughts');
    let dialog = '';
    page.on('dialog', async (d) => {
      dialog = d.type();
      await d.dismiss();
    });
    await page.goto(`${server.url}/`, { timeout: 2000 }).catch(() => undefined);
    expect(dialog).toBe('beforeunload');
  });
});
