import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makeUser } from '../helpers/factories.js';
import { logInAs, useBrowserTest } from '../helpers/server.js';
import { makeTag, makeTagger } from '../tags/tags-helpers.js';

const { db, server, browser } = useBrowserTest({ caching: true });

/** The relevance shown beside a tag on the post page. */
function relevanceOf(page: Page, name: string) {
  return page.locator('.post-tag', { hasText: name }).locator('.tag-relevance-score').textContent();
}

describe('tagging posts in the browser', () => {
  it('an author picks tags with the type-ahead, and another reader votes on their relevance', async () => {
    const [decision, bandits, logic] = await Promise.all([
      makeTag(db, { name: 'Decision theory' }),
      makeTag(db, { name: 'Bandit problems' }),
      makeTag(db, { name: 'Logic' }),
    ]);
    const author = await makeUser(db);
    const page = await browser.newPage();
    await logInAs(page, server.url, author);
    await page.goto(`${server.url}/posts/new`);
    await page.getByLabel('Title').fill('Choosing under uncertainty');
    await page.getByLabel('Body').fill('Expected utility, and arms to pull.');

    // The select is replaced by a search box whose suggestions come from the page's own options.
    expect(await page.locator('select[name="tags"]').isHidden()).toBe(true);
    const search = page.getByRole('combobox', { name: 'Tags' });
    await search.fill('decis');
    await expect(page.getByRole('option').allTextContents()).resolves.toEqual(['Decision theory']);
    await search.press('Enter');
    await search.fill('o');
    await page.getByRole('option', { name: 'Logic' }).click();
    await search.fill('band');
    await search.press('Enter');
    const chips = page.locator('.tag-chip');
    await expect(chips.allTextContents()).resolves.toEqual(['Bandit problems ×', 'Decision theory ×', 'Logic ×']);
    await page.getByRole('button', { name: 'Remove Logic' }).click();
    await expect(chips.count()).resolves.toBe(2);

    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/\/posts\/[0-9A-Za-z]{17}\/choosing-under-uncertainty$/);
    const postUrl = page.url();
    const tagLinks = page.locator('.post-tag-list .post-tag-link');
    await expect(tagLinks.allTextContents()).resolves.toEqual(['Bandit problems', 'Decision theory']);
    expect(await tagLinks.first().getAttribute('href')).toBe(`/tags/${bandits.slug}`);
    expect(await page.locator(`.post-tag-link[href="/tags/${logic.slug}"]`).count()).toBe(0);

    const reader = await browser.newPage();
    await logInAs(reader, server.url, await makeUser(db));
    await reader.goto(postUrl);
    await expect(relevanceOf(reader, decision.name)).resolves.toBe('1');
    // With JavaScript the vote is sent in the background and shown in place.
    const more = reader.getByRole('button', { name: 'More relevant: Decision theory' });
    await more.click();
    await expect.poll(() => relevanceOf(reader, decision.name)).toBe('2');
    await expect(more.getAttribute('aria-pressed')).resolves.toBe('true');
    await reader.reload();
    await expect(relevanceOf(reader, decision.name)).resolves.toBe('2');
    // Pressed again: the vote is taken back.
    await more.click();
    await expect.poll(() => relevanceOf(reader, decision.name)).toBe('1');
    await expect(more.getAttribute('aria-pressed')).resolves.toBe('false');
    await page.close();
    await reader.close();
  });

  it('works without JavaScript: the editor’s select, "Add a tag" and the relevance buttons', async () => {
    const [proofs] = await Promise.all([makeTag(db, { name: 'Proofs' }), makeTag(db, { name: 'Games' })]);
    const author = await makeUser(db);
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await logInAs(page, server.url, author);
    await page.goto(`${server.url}/posts/new`);
    await page.getByLabel('Title').fill('A short proof');
    await page.getByLabel('Body').fill('By induction.');
    await page.getByLabel('Tags').selectOption([proofs.id]);
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/\/a-short-proof$/);
    const postUrl = page.url();
    await expect(page.locator('.post-tag-list .post-tag-link').allTextContents()).resolves.toEqual(['Proofs']);

    const tagger = await makeTagger(db);
    const other = await context.browser()!.newContext({ javaScriptEnabled: false });
    const reader = await other.newPage();
    await logInAs(reader, server.url, tagger);
    await reader.goto(postUrl);
    // A name typed (any case) into the box, which suggests the most used tags through its datalist.
    await expect(reader.locator('#post-tag-options option[value="Games"]').count()).resolves.toBe(1);
    await reader.getByLabel('Add a tag').fill('games');
    await reader.getByRole('button', { name: 'Add', exact: true }).click();
    await reader.waitForURL(/#post-tags$/);
    await expect(reader.locator('.post-tag-list .post-tag-link').allTextContents()).resolves.toEqual([
      'Games',
      'Proofs',
    ]);
    // Back at the same address (#post-tags): wait for the new page itself.
    await Promise.all([
      reader.waitForEvent('load'),
      reader.getByRole('button', { name: 'Less relevant: Proofs' }).click(),
    ]);
    await expect(relevanceOf(reader, proofs.name)).resolves.toBe('0');
    await context.close();
    await other.close();
  });
});
