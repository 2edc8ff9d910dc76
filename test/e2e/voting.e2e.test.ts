import { describe, expect, it } from 'vitest';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';
import { logInAs, useBrowserTest } from '../helpers/server.js';

const { db, server, browser } = useBrowserTest();

describe('voting in the browser', () => {
  it('labels the controls, puts a post’s karma by its title and at its end, and shows a strong vote apart', async () => {
    const voter = await makeUser(db, { username: 'labelled_voter' });
    await db.query('UPDATE users SET karma = 100 WHERE id = $1', [voter.id]);
    const post = await makePost(db, { title: 'Labelled votes' });

    const page = await browser.newPage();
    await logInAs(page, server.url, voter);
    await page.goto(`${server.url}/posts/${post.id}/labelled-votes`);
    const karma = page.getByRole('group', { name: 'Karma' });
    await expect(karma.count()).resolves.toBe(2);
    const [top, bottom] = [karma.first(), karma.last()];
    const bodyTop = (await page.locator('.post-body').boundingBox())!.y;
    expect((await top.boundingBox())!.y).toBeLessThan(bodyTop);
    expect((await bottom.boundingBox())!.y).toBeGreaterThan(bodyTop);
    await expect(top.locator('.vote-label').textContent()).resolves.toBe('Karma');

    const button = (group: typeof top, name: string) => group.getByRole('button', { name, exact: true });
    await button(top, 'Upvote').click();
    // Both controls show the vote, and the score's tooltip counts it.
    await expect.poll(() => button(bottom, 'Upvote').getAttribute('aria-pressed')).toBe('true');
    await expect(bottom.locator('.vote-score').getAttribute('title')).resolves.toMatch(/^Karma \d+, from 2 votes$/);
    const look = (name: string) => button(top, name).evaluate((b) => getComputedStyle(b).backgroundColor);
    const normal = await look('Upvote');
    await button(bottom, 'Strong upvote').click();
    await expect.poll(() => button(top, 'Strong upvote').getAttribute('aria-pressed')).toBe('true');
    expect(await look('Strong upvote')).not.toBe(normal);
    await page.close();
  });

  it("strong-upvotes a comment, sees its score and the author's karma change, and agrees with it", async () => {
    const voter = await makeUser(db, { username: 'voter_e2e' });
    // 100 karma: a strong vote has power 3.
    await db.query('UPDATE users SET karma = 100 WHERE id = $1', [voter.id]);
    const author = await makeUser(db, { username: 'author_e2e' });
    const post = await makePost(db, { title: 'Vote here' });
    const comment = await makeComment(db, { postId: post.id, authorId: author.id, markdown: 'Worth a strong vote' });

    const page = await browser.newPage();
    await logInAs(page, server.url, voter);
    await page.goto(`${server.url}/posts/${post.id}/vote-here`);

    const article = page.locator(`#comment-${comment.id}`);
    const karma = article.locator('.vote-karma .vote-score');
    await expect(karma.textContent()).resolves.toBe('1'); // the author's own vote
    await article.getByRole('button', { name: 'Strong upvote', exact: true }).click();
    await expect.poll(() => karma.textContent()).toBe('4');
    await expect(
      article.getByRole('button', { name: 'Strong upvote', exact: true }).getAttribute('aria-pressed'),
    ).resolves.toBe('true');

    await article.getByRole('button', { name: 'Agree', exact: true }).click();
    await expect.poll(() => article.locator('.vote-agreement .vote-score').textContent()).toBe('1');
    // Agreement does not move karma.
    await expect(karma.textContent()).resolves.toBe('4');

    await page.goto(`${server.url}/users/author_e2e`);
    await expect(page.locator('.profile-karma').textContent()).resolves.toBe('3 karma');
    // After a reload the votes are still shown as the reader's own.
    await page.goto(`${server.url}/posts/${post.id}/vote-here`);
    await expect(
      article.getByRole('button', { name: 'Strong upvote', exact: true }).getAttribute('aria-pressed'),
    ).resolves.toBe('true');
    await expect(
      article.getByRole('button', { name: 'Agree', exact: true }).getAttribute('aria-pressed'),
    ).resolves.toBe('true');
  });
});
