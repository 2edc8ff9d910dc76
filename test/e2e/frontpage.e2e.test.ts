import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makePost, makeUser } from '../helpers/factories.js';
import { logInAs, useBrowserTest } from '../helpers/server.js';

const { db, server, browser } = useBrowserTest();

const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);

describe('the frontpage in the browser', () => {
  it('moves an older post to the top of Recent Discussion when a comment is posted on it, with its excerpt', async () => {
    const commenter = await makeUser(db, { username: 'discussant_e2e' });
    const old = await makePost(db, {
      title: 'An older result',
      markdown: 'Old but *gold*: $a \\le b$ always.',
      at: daysAgo(20),
    });
    for (let i = 0; i < 3; i++) await makePost(db, { title: `Fresh post ${i}`, at: daysAgo(i) });

    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    const firstTitle = () => page.locator('.recent-discussion .discussion-item .post-item-title').first().textContent();
    expect(await firstTitle()).not.toBe('An older result');

    await logInAs(page, server.url, commenter);
    await page.goto(`${server.url}/posts/${old.id}/an-older-result`);
    await page.getByLabel('Your comment').fill('Revisiting this: the bound $a \\le b$ is tight when $a = b$.');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.locator('article.comment', { hasText: 'Revisiting this' }).waitFor();

    await page.goto(`${server.url}/`);
    expect(await firstTitle()).toBe('An older result');
    const entry = page.locator('.recent-discussion .discussion-item').first();
    // Excerpts show their formulas typeset (MathML, whose tokens innerText puts on lines of their own).
    // biome-ignore lint/performance/useDomNodeTextContent: what is drawn is checked, not the annotations
    const shown = async (excerpt: Locator) => (await excerpt.innerText()).replace(/\n/g, '');
    await expect(shown(entry.locator('.excerpt').first())).resolves.toContain('Old but gold: 𝑎≤𝑏 always.');
    await expect(shown(entry.locator('.discussion-comment'))).resolves.toContain('Revisiting this: the bound 𝑎≤𝑏 is');

    // "Read more" expands the post in place with JavaScript, math rendered.
    await entry.locator('.excerpt').first().getByRole('link', { name: 'Read more' }).click();
    await entry.locator('.expanded .katex').first().waitFor();
    expect(page.url()).toBe(`${server.url}/`);
    // Typeset once: KaTeX's stylesheet came with it, hiding the MathML copy meant for assistive technology.
    await expect(page.locator('head link[rel="stylesheet"][href*="/katex"]').count()).resolves.toBe(1);
    const mathml = entry.locator('.expanded .katex-mathml').first();
    await expect(mathml.evaluate((e) => getComputedStyle(e).position)).resolves.toBe('absolute');
  });
});
