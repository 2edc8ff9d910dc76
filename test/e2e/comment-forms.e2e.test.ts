import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';
import { logInAs, useBrowserTest } from '../helpers/server.js';

const { db, server, browser } = useBrowserTest();

/** Collects script errors and failed fetches' messages shown to the reader. */
function watchErrors(page: Page) {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

describe('comment forms with JavaScript', () => {
  it('previews a comment in place, then posts it: it appears and the box empties, with no page change', async () => {
    const writer = await makeUser(db, { username: 'preview_writer' });
    const post = await makePost(db, { title: 'Preview in place' });
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await logInAs(page, server.url, writer);
    await page.goto(`${server.url}/posts/${post.id}/preview-in-place`);
    let navigations = 0;
    page.on('framenavigated', () => navigations++);

    const form = page.locator('.comments > form[data-comment-form]');
    await form.getByLabel('Your comment').fill('Energy is $E = mc^2$, roughly.');
    await form.getByRole('button', { name: 'Preview' }).click();
    await form.locator('.comment-preview .katex').waitFor();
    expect(await form.locator('.comment-preview').textContent()).toContain('roughly');
    expect(page.url()).toBe(`${server.url}/posts/${post.id}/preview-in-place`);

    await form.getByRole('button', { name: 'Comment' }).click();
    const added = page.locator('[data-list="comments"] article.comment', { hasText: 'roughly' });
    await added.waitFor();
    expect(await form.getByLabel('Your comment').inputValue()).toBe('');
    expect(await form.locator('.comment-preview').count()).toBe(0);
    expect(navigations).toBe(0);
    expect(errors).toEqual([]);
    const [{ n }] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM comments WHERE post_id = $1`, [
      post.id,
    ])) as [{ n: number }];
    expect(n).toBe(1);
  });

  it('edits a comment and returns to it on the post, without a script error', async () => {
    const writer = await makeUser(db, { username: 'edit_writer' });
    const post = await makePost(db, { title: 'Editing comments' });
    const comment = await makeComment(db, { postId: post.id, authorId: writer.id, markdown: 'First draft' });
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await logInAs(page, server.url, writer);
    await page.goto(`${server.url}/comments/${comment.id}/edit`);
    await page.getByLabel('Your comment').fill('Second draft, better');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('.comment-preview', { hasText: 'Second draft' }).waitFor();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(`**/posts/${post.id}/editing-comments#comment-${comment.id}`);
    expect(await page.locator(`#comment-${comment.id}`).textContent()).toContain('Second draft, better');
    expect(errors).toEqual([]);
    expect(await page.locator('.form-error').count()).toBe(0);
  });

  it('posts from the separate reply page by going back to the discussion, showing the reply', async () => {
    const writer = await makeUser(db, { username: 'reply_page_writer' });
    const post = await makePost(db, { title: 'Reply page' });
    const parent = await makeComment(db, { postId: post.id, markdown: 'Parent comment' });
    const page = await browser.newPage();
    await logInAs(page, server.url, writer);
    await page.goto(`${server.url}/posts/${post.id}/reply-page/comment/${parent.id}/reply`);
    await page.getByLabel('Your reply').fill('Answer from the reply page');
    await page.getByRole('button', { name: 'Reply' }).click();
    await page.waitForURL(`**/posts/${post.id}/reply-page#comment-*`);
    expect(await page.locator('.comment-body', { hasText: 'Answer from the reply page' }).count()).toBe(1);
  });
});

describe('forms that come back with an error', () => {
  it('shows a wrong password as an alert above the login form and moves focus to it', async () => {
    const member = await makeUser(db, { username: 'alert_member' });
    const page = await browser.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Username or email').fill(member.username);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Wrong username, email or password.');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('form-error'))).toBe(true);
    expect(await page.getByLabel('Username or email').inputValue()).toBe(member.username);
  });
});
