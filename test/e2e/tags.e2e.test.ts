import { describe, expect, it } from 'vitest';
import { makePost } from '../helpers/factories.js';
import { logInAs, useBrowserTest } from '../helpers/server.js';
import { linkPost, makeTagger } from '../tags/tags-helpers.js';

const { db, server, browser } = useBrowserTest();

describe('a member writing a tag', () => {
  it('creates a tag through the form, edits its description, reads the diff and finds a tagged post', async () => {
    const member = await makeTagger(db, 25);
    const page = await browser.newPage();
    await logInAs(page, server.url, member);

    await page.goto(`${server.url}/tags/new`);
    await page.getByLabel('Name').fill('Information theory');
    await page.getByLabel('Description').fill('Entropy $H(X) = -\\sum_x p(x) \\log p(x)$ measures surprise.');
    await page.getByRole('button', { name: 'Create tag' }).click();
    await page.waitForURL(`${server.url}/tags/information-theory`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Information theory');
    await expect(page.locator('.tag-description .katex').count()).resolves.toBe(1);
    await expect(
      page.locator('link[rel="alternate"][type="application/rss+xml"]').first().getAttribute('href'),
    ).resolves.toBe('/tags/information-theory/feed.xml');

    // A name that exists, differently cased: the form comes back with the text and a link to the tag.
    await page.goto(`${server.url}/tags/new`);
    await page.getByLabel('Name').fill('INFORMATION THEORY');
    await page.getByLabel('Description').fill('A second try.');
    await page.getByRole('button', { name: 'Create tag' }).click();
    await expect(page.locator('#field-name-error').textContent()).resolves.toContain('exists already');
    await expect(page.getByLabel('Description').inputValue()).resolves.toBe('A second try.');
    await page.getByRole('link', { name: 'Information theory', exact: true }).click();
    await page.waitForURL(`${server.url}/tags/information-theory`);

    await page.getByRole('link', { name: 'Edit tag' }).click();
    await page.getByLabel('Description').fill('Entropy $H(X) = -\\sum_x p(x) \\log p(x)$ measures average surprise.');
    await page.getByLabel('What changed (optional)').fill('Average, not total');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(`${server.url}/tags/information-theory`);
    await expect(page.locator('.tag-description').textContent()).resolves.toContain('average surprise');

    await page.getByRole('link', { name: 'History' }).click();
    await expect(page.locator('.revision-list li').first().textContent()).resolves.toMatch(
      /^Revision 2 \(current\).*— Average, not total$/,
    );
    await page.getByRole('link', { name: 'Revision 2', exact: true }).click();
    await expect(page.locator('.diff-body ins').allTextContents()).resolves.toEqual(['average ']);
    await expect(page.locator('.diff-title').textContent()).resolves.toBe('Name (unchanged): Information theory');

    // A post linked to the tag (as the post-tagging service does) is found on the tag page.
    const [tag] = await db.query<{ id: string }>(`SELECT id FROM tags WHERE slug = 'information-theory'`);
    const post = await makePost(db, { title: 'Coding theorems for noisy channels' });
    await linkPost(db, post.id, tag!.id, 2, member.id);
    await page.goto(`${server.url}/tags/information-theory?sort=new`);
    await page.getByRole('link', { name: 'Coding theorems for noisy channels' }).click();
    await page.waitForURL(new RegExp(`/posts/${post.id}/`));
    await page.close();
  });
});
