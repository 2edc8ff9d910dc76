import { describe, expect, it } from 'vitest';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';
import { logInAs, useBrowserTest } from '../helpers/server.js';

const { db, server, browser } = useBrowserTest();

describe('a discussion in the browser', () => {
  it('replies to a reply in place, opens its permalink, collapses a thread, and sees a new comment marked new', async () => {
    const alice = await makeUser(db, { username: 'alice_e2e' });
    const bob = await makeUser(db, { username: 'bob_e2e' });
    const post = await makePost(db, { title: 'Thread test', at: new Date(Date.now() - 86_400_000) });
    const root = await makeComment(db, {
      postId: post.id,
      authorId: bob.id,
      markdown: 'Root comment',
      at: new Date(Date.now() - 7_200_000),
    });
    const reply = await makeComment(db, {
      postId: post.id,
      parentId: root.id,
      authorId: bob.id,
      markdown: 'First reply',
      at: new Date(Date.now() - 7_000_000),
    });

    const page = await browser.newPage();
    await logInAs(page, server.url, alice);
    await page.goto(`${server.url}/posts/${post.id}/thread-test`);

    // Inline reply to the reply: the form opens under it and the new comment appears without a reload.
    const replyArticle = page.locator(`#comment-${reply.id}`);
    await replyArticle.getByRole('link', { name: 'Reply' }).first().click();
    await replyArticle.getByLabel('Your reply').fill('A reply to the reply with $a^2+b^2$');
    let navigated = false;
    page.on('framenavigated', () => {
      navigated = true;
    });
    await replyArticle.getByRole('button', { name: 'Reply' }).click();
    const nested = replyArticle.locator('.comment-replies > article.comment').first();
    await nested.waitFor();
    expect(navigated).toBe(false);
    await expect(nested.locator('.katex').count()).resolves.toBeGreaterThan(0);
    const nestedId = (await nested.getAttribute('id'))!.replace('comment-', '');

    // Its permalink shows the chain of parents.
    await page.goto(`${server.url}/posts/${post.id}/thread-test`);
    await page.locator(`#comment-${nestedId}`).getByRole('link', { name: 'Permalink' }).click();
    await page.waitForURL(new RegExp(`/comment/${nestedId}$`));
    await expect(page.locator('.ancestor-chain').textContent()).resolves.toContain('Root comment');
    await expect(page.locator('.ancestor-chain').textContent()).resolves.toContain('First reply');

    // Collapse the root thread: its replies are hidden, and the summary says how many.
    await page.goto(`${server.url}/posts/${post.id}/thread-test`);
    const rootSummary = page.locator(`#comment-${root.id} > details > summary`);
    await rootSummary.click();
    await expect(page.locator(`#comment-${reply.id}`).isVisible()).resolves.toBe(false);
    await expect(rootSummary.textContent()).resolves.toContain('[+2 replies hidden]');
    await rootSummary.click();
    await expect(page.locator(`#comment-${reply.id}`).isVisible()).resolves.toBe(true);

    // Bob posts a new comment; on Alice's next visit it is marked new.
    await db.query("UPDATE post_visits SET last_visited_at = now() - interval '1 minute'");
    const bobPage = await browser.newPage();
    await logInAs(bobPage, server.url, bob);
    await bobPage.goto(`${server.url}/posts/${post.id}/thread-test`);
    await bobPage.getByLabel('Your comment').fill('Something new from Bob');
    await bobPage.getByRole('button', { name: 'Comment' }).click();
    await bobPage.locator('article.comment', { hasText: 'Something new from Bob' }).waitFor();

    await page.goto(`${server.url}/posts/${post.id}/thread-test`);
    const bobsComment = page.locator('article.comment-new', { hasText: 'Something new from Bob' });
    await expect(bobsComment.count()).resolves.toBe(1);
    await expect(page.getByRole('link', { name: '1 new comment since your last visit' }).isVisible()).resolves.toBe(
      true,
    );
    await expect(page.locator('article.comment-new', { hasText: 'A reply to the reply' }).count()).resolves.toBe(0);
  });
});
