import { describe, expect, it } from 'vitest';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';
import { logInAs, useBrowserTest } from '../helpers/server.js';

// The other browser tests run with caching off, to change rows directly and look at once. This one runs the
// app as `npm start` does, caches and all, and checks that a reader never notices them.
const { db, server, browser } = useBrowserTest({ caching: true });

describe('a reader on the deployed forum', () => {
  it('reads from the caches, writes, votes and logs out without ever seeing a stale or foreign page', async () => {
    const author = await makeUser(db, { username: 'deployed_author' });
    const reader = await makeUser(db, { username: 'deployed_reader' });
    const post = await makePost(db, { authorId: author.id, title: 'Deployed thread' });
    const comment = await makeComment(db, { postId: post.id, authorId: author.id, markdown: 'Opening remark' });
    const path = `/posts/${post.id}/deployed-thread`;

    const anonymous = await browser.newPage();
    let cached = '';
    for (let i = 0; i < 50 && cached !== 'hit'; i++) {
      const response = await anonymous.goto(`${server.url}/`);
      cached = response?.headers()['x-cache'] ?? '';
    }
    expect(cached).toBe('hit');
    await expect(anonymous.getByRole('link', { name: 'Deployed thread' }).count()).resolves.toBeGreaterThan(0);

    const page = await browser.newPage();
    await logInAs(page, server.url, reader);
    await expect(page.locator('.nav-user').textContent()).resolves.toContain('deployed_reader');
    // Reloaded, the frontpage is the reader's own copy.
    const again = await page.goto(`${server.url}/`);
    expect(again?.headers()['cache-control']).toBe('private, no-cache');
    await expect(page.locator('.nav-user').textContent()).resolves.toContain('deployed_reader');

    await page.goto(server.url + path);
    await page.getByLabel('Your comment').fill('A reply from the reader');
    await page.getByRole('button', { name: 'Comment' }).click();
    await expect.poll(() => page.locator('article.comment', { hasText: 'A reply from the reader' }).count()).toBe(1);
    await page.goto(server.url + path);
    await expect(page.locator('article.comment', { hasText: 'A reply from the reader' }).count()).resolves.toBe(1);

    const opening = page.locator(`#comment-${comment.id}`);
    await opening.getByRole('button', { name: 'Agree', exact: true }).click();
    await expect.poll(() => opening.locator('.vote-agreement .vote-score').textContent()).toBe('1');
    await page.goto(server.url + path);
    await expect(
      opening.getByRole('button', { name: 'Agree', exact: true }).getAttribute('aria-pressed'),
    ).resolves.toBe('true');

    // The logged-out copy of the post follows too.
    await anonymous.goto(server.url + path);
    await expect(anonymous.locator('article.comment', { hasText: 'A reply from the reader' }).count()).resolves.toBe(1);
    await expect(anonymous.locator('.nav-user').count()).resolves.toBe(0);

    await page.goto(`${server.url}/`);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${server.url}/`);
    await expect(page.locator('.nav-user').count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'Log in' }).count()).resolves.toBeGreaterThan(0);
  });
});
