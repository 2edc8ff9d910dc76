import { describe, expect, it } from 'vitest';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';
import { logInAs, useBrowserTest } from '../helpers/server.js';

const { db, server, browser } = useBrowserTest({ live: true });

describe('hearing back in the browser', () => {
  it('B replies to A; A’s open page shows the reply live and her header count goes to 1; she opens the inbox and follows the link', async () => {
    const alice = await makeUser(db, { username: 'inbox_alice' });
    const bob = await makeUser(db, { username: 'inbox_bob' });
    const post = await makePost(db, { title: 'Hearing back' });
    const parent = await makeComment(db, { postId: post.id, authorId: alice.id, markdown: 'A question for anyone.' });

    // Alice has the post open (with its live updates) before Bob answers.
    const alices = await (await browser.newContext()).newPage();
    await logInAs(alices, server.url, alice);
    await alices.goto(`${server.url}/posts/${post.id}/hearing-back`);
    await expect(alices.getByRole('link', { name: 'Notifications', exact: true }).isVisible()).resolves.toBe(true);

    const bobs = await (await browser.newContext()).newPage();
    await logInAs(bobs, server.url, bob);
    await bobs.goto(`${server.url}/posts/${post.id}/hearing-back/comment/${parent.id}/reply`);
    await bobs.getByLabel('Your reply').fill('An answer, for @inbox_alice.');
    await bobs.getByRole('button', { name: 'Reply' }).click();
    await bobs.waitForURL(`**/posts/${post.id}/hearing-back#comment-*`);
    const replyId = new URL(bobs.url()).hash.slice('#comment-'.length);

    // Without reloading, her page shows the reply in its thread, marked new, and the header counts it.
    const live = alices.locator(`#comment-${parent.id} #comment-${replyId}`);
    await live.waitFor();
    await expect(live.getAttribute('class')).resolves.toContain('comment-new');
    await expect(live.textContent()).resolves.toContain('An answer, for @inbox_alice.');
    const inboxLink = alices.getByRole('link', { name: /Notifications \(1 unread\)/ });
    await inboxLink.waitFor();
    expect(alices.url()).toBe(`${server.url}/posts/${post.id}/hearing-back`);
    await inboxLink.click();
    await alices.waitForURL(`${server.url}/notifications`);
    await expect(alices.getByRole('heading', { name: '1 new comment on Hearing back' }).isVisible()).resolves.toBe(
      true,
    );
    // A reply that mentions her is one notification, the reply.
    expect(await alices.locator('.notification').count()).toBe(1);
    await alices.getByRole('link', { name: 'replied to your comment' }).click();
    await alices.waitForURL(`**/comment/${replyId}#comment-${replyId}`);
    const reply = alices.locator(`#comment-${replyId}`);
    await expect(reply.isVisible()).resolves.toBe(true);
    await expect(reply.textContent()).resolves.toContain('An answer, for @inbox_alice.');
    // The mention is a link to her profile.
    await expect(reply.locator('a.mention').getAttribute('href')).resolves.toBe('/users/inbox_alice');

    // Marked read from the inbox: the header's count goes.
    await alices.goto(`${server.url}/notifications`);
    await alices.getByRole('button', { name: 'Mark all read' }).click();
    await alices.waitForURL(`${server.url}/notifications`);
    await expect(alices.getByRole('link', { name: 'Notifications', exact: true }).isVisible()).resolves.toBe(true);
    expect(await alices.locator('.notification.unread').count()).toBe(0);
  });
});
