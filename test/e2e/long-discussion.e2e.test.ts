import { describe, expect, it } from 'vitest';
import { makeComment, makePost } from '../helpers/factories.js';
import { useBrowserTest } from '../helpers/server.js';

const { db, server, browser } = useBrowserTest();

describe('a discussion too long for one page, in the browser', () => {
  it('appends the next page in place with JavaScript, follows a plain link without, and finds a linked comment', async () => {
    const post = await makePost(db, { title: 'Long talk' });
    const ids: string[] = [];
    // About 40 KB of HTML each: a page (COMMENT_PAGE_BUDGET) holds about twelve.
    for (let i = 0; i < 20; i++) {
      const markdown = `Comment number ${i}. ${'lorem ipsum dolor '.repeat(2_200)}`;
      ids.push((await makeComment(db, { postId: post.id, markdown })).id);
    }
    const path = `${server.url}/posts/${post.id}/long-talk`;

    const page = await browser.newPage();
    await page.goto(path);
    const before = await page.locator('[data-list="comments"] > article.comment').count();
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(ids.length);
    let navigated = false;
    page.on('framenavigated', () => {
      navigated = true;
    });
    await page.getByRole('link', { name: /More comments/ }).click();
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-list="comments"] > article.comment').length === n,
      ids.length,
    );
    expect(navigated).toBe(false);
    await expect(page.getByRole('link', { name: /More comments/ }).count()).resolves.toBe(0);

    // A link to a comment that is on the second page lands on a page showing it.
    const firstPage = await page.evaluate(async (url) => (await fetch(url)).text(), path);
    const target = ids.find((id) => !firstPage.includes(`id="comment-${id}"`))!;
    expect(target).toBeDefined();
    const linked = await browser.newPage();
    await linked.goto(`${path}#comment-${target}`);
    await linked.waitForURL(`**/comment/${target}`);
    await expect(linked.locator(`#comment-${target}`).count()).resolves.toBe(1);
    await linked.close();

    // Without JavaScript, "More comments" is a link to the next page.
    const context = await browser.newContext({ javaScriptEnabled: false });
    const plain = await context.newPage();
    await plain.goto(path);
    await plain.getByRole('link', { name: /More comments/ }).click();
    await plain.waitForURL(/page=2/);
    await expect(plain.locator('[data-list="comments"] > article.comment').count()).resolves.toBe(ids.length - before);
    await expect(plain.getByRole('link', { name: /Earlier comments/ }).count()).resolves.toBeGreaterThan(0);
    await context.close();
    await page.close();
  });
});
