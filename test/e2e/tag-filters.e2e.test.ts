import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newId } from '../../src/db/ids.js';
import { makePost, makeUser } from '../helpers/factories.js';
import { logInAs, useBrowserTest } from '../helpers/server.js';

// As `npm start` runs: caches on, hits answered before the app.
const { db, server, browser } = useBrowserTest({ caching: true });

const titles = (page: Page) => page.locator('.frontpage .post-item-title').allTextContents();

async function addFilter(page: Page, tag: string, mode: string) {
  await page.locator('.tag-filter-add summary').click();
  await page.getByLabel('Tag', { exact: true }).selectOption({ label: tag });
  await page.getByLabel('Mode', { exact: true }).selectOption({ label: mode });
  await page.getByRole('button', { name: 'Add filter' }).click();
  await page.waitForURL(`${server.url}/`);
}

describe('frontpage tag filters in the browser', () => {
  it('hides a tagged post when its tag is set to Hidden, and shows it again at Default, with and without JavaScript', async () => {
    const reader = await makeUser(db);
    const other = await makeUser(db);
    const tagId = newId();
    await db.query(
      `INSERT INTO tags (id, name, slug, created_by) VALUES ($1, 'Decision theory', 'decision-theory', $2)`,
      [tagId, reader.id],
    );
    const tagged = await makePost(db, { title: 'Newcomb, once more' });
    await makePost(db, { title: 'An untagged note' });
    await db.query(`INSERT INTO post_tags (post_id, tag_id, relevance, applied_by) VALUES ($1, $2, 1, $3)`, [
      tagged.id,
      tagId,
      reader.id,
    ]);

    const page = await browser.newPage();
    await logInAs(page, server.url, reader);
    expect(await titles(page)).toEqual(expect.arrayContaining(['Newcomb, once more', 'An untagged note']));

    await addFilter(page, 'Decision theory', 'Hidden');
    expect(await titles(page)).not.toContain('Newcomb, once more');
    expect(await titles(page)).toContain('An untagged note');
    const chip = page.locator('.tag-filter-chip', { hasText: 'Decision theory' });
    await expect(chip.getByLabel('Filter for Decision theory').inputValue()).resolves.toBe('hidden');

    await chip.getByLabel('Filter for Decision theory').selectOption({ label: 'Default' });
    await chip.getByRole('button', { name: 'Set' }).click();
    await page.waitForURL(`${server.url}/`);
    expect(await titles(page)).toContain('Newcomb, once more');
    await expect(page.locator('.tag-filter-chip').count()).resolves.toBe(0);
    await page.close();

    // Without JavaScript the same forms work; another reader's frontpage is not touched by it.
    const context = await browser.newContext({ javaScriptEnabled: false });
    const plain = await context.newPage();
    await logInAs(plain, server.url, other);
    await addFilter(plain, 'Decision theory', 'Hidden');
    expect(await titles(plain)).not.toContain('Newcomb, once more');
    const first = await browser.newPage();
    await first.goto(`${server.url}/`);
    expect(await titles(first)).toContain('Newcomb, once more');
    await context.close();
    await first.close();
  });
});
