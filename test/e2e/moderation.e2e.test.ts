import { describe, expect, it } from 'vitest';
import { saveSetting } from '../../src/settings/settings.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';
import { logInAs, useBrowserTest } from '../helpers/server.js';

const { db, server, browser } = useBrowserTest();

describe('moderating a forum in a browser', () => {
  it('holds a new member’s first comment for review, a moderator approves it, a member reports it, the moderator removes it, and the log shows both', async () => {
    // Review of new members is on by default on a real forum; test databases start with it off.
    await saveSetting(db, 'review', { newMembers: true });
    const author = await makeUser(db, { username: 'thread_author' });
    const post = await makePost(db, { authorId: author.id, title: 'On priors' });
    // The author has an approved post, and the reporter an approved comment: neither is new.
    const newcomer = await makeUser(db, { username: 'first_timer' });
    const reporter = await makeUser(db, { username: 'careful_reader' });
    await makeComment(db, { postId: post.id, authorId: reporter.id, markdown: 'An earlier comment.' });
    const moderator = await makeUser(db, { username: 'the_moderator', role: 'moderator' });
    const postUrl = `${server.url}/posts/${post.id}/${post.slug}`;

    // The newcomer comments: it waits, marked for them, and nobody else sees it.
    const newcomerPage = await browser.newPage();
    await logInAs(newcomerPage, server.url, newcomer);
    await newcomerPage.goto(postUrl);
    await newcomerPage.getByLabel('Your comment').fill('A spam-free first thought about $p(x)$.');
    await newcomerPage.getByRole('button', { name: 'Comment', exact: true }).click();
    await expect.poll(() => newcomerPage.locator('body').textContent()).toMatch(/awaiting review/i);
    const readerPage = await browser.newPage();
    await readerPage.goto(postUrl);
    expect(await readerPage.locator('body').textContent()).not.toContain('A spam-free first thought');

    // The moderator approves it from the queue; it appears in the thread for everyone.
    const moderatorPage = await browser.newPage();
    await logInAs(moderatorPage, server.url, moderator);
    await moderatorPage.goto(`${server.url}/moderation`);
    const held = moderatorPage
      .locator('li, article, tr, section')
      .filter({ hasText: 'A spam-free first thought' })
      .last();
    await held.getByRole('button', { name: 'Approve' }).click();
    await moderatorPage.waitForLoadState();
    await readerPage.goto(postUrl);
    const approved = readerPage.locator('article.comment', { hasText: 'A spam-free first thought' });
    await approved.waitFor();
    const commentId = (await approved.getAttribute('id'))!.replace('comment-', '');
    // Its formula is typeset like any comment's.
    expect(await approved.locator('.katex').count()).toBeGreaterThan(0);

    // Another member reports it with a reason.
    const reporterPage = await browser.newPage();
    await logInAs(reporterPage, server.url, reporter);
    await reporterPage.goto(postUrl);
    await reporterPage.locator(`#comment-${commentId}`).getByRole('link', { name: 'Report' }).click();
    await reporterPage.getByLabel('Why are you reporting it?').fill('Off-topic advertising in disguise.');
    await reporterPage.getByRole('button', { name: 'Send report' }).click();
    await expect.poll(() => reporterPage.locator('body').textContent()).toMatch(/report/i);

    // The moderator sees the report in the queue and removes the comment from the thread with a reason.
    await moderatorPage.goto(`${server.url}/moderation`);
    expect(await moderatorPage.locator('body').textContent()).toContain('Off-topic advertising in disguise.');
    await moderatorPage.goto(postUrl);
    const target = moderatorPage.locator(`#comment-${commentId}`);
    await target.getByText('Remove…').click();
    await target.getByLabel('Reason').fill('Advertising');
    await target.getByRole('button', { name: 'Remove (moderator)' }).click();
    await moderatorPage.waitForLoadState();

    // Readers see the reason in its place, not the text.
    await readerPage.goto(postUrl);
    const removed = readerPage.locator(`#comment-${commentId}`);
    await expect.poll(() => removed.textContent()).toContain('Removed by a moderator: Advertising');
    expect(await readerPage.locator('body').textContent()).not.toContain('A spam-free first thought');

    // The public log names both actions, who did them and why, without the removed text.
    await readerPage.goto(`${server.url}/moderation/log`);
    const log = (await readerPage.locator('main').textContent()) ?? '';
    expect(log).toContain('the_moderator');
    expect(log).toMatch(/approved/i);
    expect(log).toMatch(/removed/i);
    expect(log).toContain('Advertising');
    expect(log).not.toContain('A spam-free first thought');
  }, 120_000);
});
