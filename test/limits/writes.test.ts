import { beforeAll, describe, expect, it } from 'vitest';
import { addComment } from '../../src/comments/service.js';
import { newId } from '../../src/db/ids.js';
import { RateLimited } from '../../src/errors.js';
import { clockText, durationText } from '../../src/limits/limits.js';
import { SETTINGS, saveSetting } from '../../src/settings/settings.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makePost, makeUser } from '../helpers/factories.js';

const { db, app } = useTestApp();

/** A logged-in member with this karma (and role), and a post of someone else's to comment on. */
async function member(karma: number, role: 'member' | 'moderator' | 'admin' = 'member') {
  const user = await makeUser(db, { karma, role });
  const client = new TestClient(app);
  await client.logIn(user.username, user.password);
  return { user, client };
}

async function comment(client: TestClient, postId: string, body: string) {
  return client.post(`/posts/${postId}/comments`, { body, intent: 'submit' });
}

async function publish(client: TestClient, title: string, body = 'A post body.') {
  return client.post('/posts/new', { title, body, note: '', intent: 'publish' });
}

describe('karma-tier write limits (LessWrong defaults on)', () => {
  let postId: string;
  beforeAll(async () => {
    // Test databases start with the limits off (helpers/db.ts openWriteGates): these tests turn them on.
    await saveSetting(db, 'rateLimits', {
      ...SETTINGS.rateLimits.default,
      tiers: [...SETTINGS.rateLimits.default.tiers],
    });
    postId = (await makePost(db)).id;
  });

  it('lets a 0-karma member comment 3 times a day, then refuses with 429, Retry-After, when, and their text', async () => {
    const { client } = await member(0);
    for (let i = 1; i <= 3; i++) expect((await comment(client, postId, `Comment number ${i}`)).status).toBe(303);
    const refused = await comment(client, postId, 'My fourth thought, kept for me');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(86_000);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    const page = await refused.text();
    expect(page).toMatch(
      /You have written 3 comments in the last day, the most members with less than 5 karma may; you may comment again (at|on \d+ \w+ at) \d\d:\d\d UTC, in 24 hours\./,
    );
    expect(page).toContain('My fourth thought, kept for me');
  });

  it('says when the oldest counted comment leaves the day', async () => {
    const { user, client } = await member(0);
    // Three comments 21, 10 and 1 hours ago: the next fits in 3 hours.
    for (const hours of [21, 10, 1]) {
      await db.query(
        `INSERT INTO comments (id, post_id, author_id, body_markdown, body_html, excerpt, created_at)
         VALUES ($1, $2, $3, 'old', '<p>old</p>', 'old', now() - make_interval(hours => $4))`,
        [newId(), postId, user.id, hours],
      );
    }
    const refused = await comment(client, postId, 'Too soon');
    expect(refused.status).toBe(429);
    const freeAt = new Date(Date.now() + 3 * 3600_000);
    expect(await refused.text()).toContain(`you may comment again ${clockText(freeAt, new Date())}, in 3 hours.`);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3 * 3600 - 120);
  });

  it('counts comments awaiting review and deleted comments, not comments older than a day', async () => {
    const { user, client } = await member(0);
    await db.query(
      `INSERT INTO pending_comments (id, post_id, author_id, body_markdown, body_html, excerpt)
       VALUES ($1, $2, $3, 'held', '<p>held</p>', 'held')`,
      [newId(), postId, user.id],
    );
    await db.query(
      `INSERT INTO comments (id, post_id, author_id, body_markdown, body_html, excerpt, deleted, created_at)
       VALUES ($1, $2, $3, '', '', '', true, now() - interval '1 hour'),
              ($4, $2, $3, 'old', '<p>old</p>', 'old', false, now() - interval '25 hours')`,
      [newId(), postId, user.id, newId()],
    );
    expect((await comment(client, postId, 'The third of today')).status).toBe(303);
    expect((await comment(client, postId, 'The fourth of today')).status).toBe(429);
  });

  it('at exactly 5 karma no tier applies; at exactly -2 the below-5 tier does; below -2 one comment a day', async () => {
    const five = await member(5);
    for (let i = 1; i <= 5; i++) expect((await comment(five.client, postId, `Five ${i}`)).status).toBe(303);

    const minusTwo = await member(-2);
    for (let i = 1; i <= 3; i++) expect((await comment(minusTwo.client, postId, `Minus two ${i}`)).status).toBe(303);
    expect((await comment(minusTwo.client, postId, 'Minus two, fourth')).status).toBe(429);

    const negative = await member(-7);
    expect((await comment(negative.client, postId, 'Negative, first')).status).toBe(303);
    const refused = await comment(negative.client, postId, 'Negative, second');
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain(
      'You have written 1 comment in the last day, the most members with less than -2 karma may',
    );
  });

  it('exempts moderators and admins', async () => {
    for (const role of ['moderator', 'admin'] as const) {
      const { client } = await member(-10, role);
      for (let i = 1; i <= 4; i++) expect((await comment(client, postId, `${role} ${i}`)).status).toBe(303);
      for (let i = 1; i <= 2; i++) expect((await publish(client, `${role} post ${i}`)).status).toBe(303);
    }
  });

  it('lets concurrent comments through only up to the limit', async () => {
    const { user } = await member(0);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => addComment(db, { postId, authorId: user.id, markdown: `Burst ${i}` })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refusals = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
    expect(refusals.every((reason) => reason instanceof RateLimited)).toBe(true);
    const [count] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM comments WHERE author_id = $1', [
      user.id,
    ]);
    expect(count!.n).toBe(3);
  });

  it('lets a 0-karma member publish 2 posts a week, drafts not counted, and re-shows the third', async () => {
    const { client } = await member(0);
    expect(
      (await client.post('/posts/new', { title: 'A draft', body: 'Draft', note: '', intent: 'draft' })).status,
    ).toBe(303);
    expect((await publish(client, 'First post')).status).toBe(303);
    expect((await publish(client, 'Second post')).status).toBe(303);
    const refused = await publish(client, 'Third post', 'The body I spent an hour on');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(6 * 86_400);
    const page = await refused.text();
    expect(page).toMatch(
      /You have written 2 posts in the last week, the most members with less than 5 karma may; you may post again on \d+ \w+ at \d\d:\d\d UTC, in 7 days\./,
    );
    expect(page).toContain('The body I spent an hour on');
    expect(page).toContain('value="Third post"');
    // Saving it as a draft is still fine; publishing the draft is refused the same way.
    const draft = await client.post('/posts/new', { title: 'Third post', body: 'Later', note: '', intent: 'draft' });
    expect(draft.status).toBe(303);
    const edit = draft.headers.get('location')!.replace(/\?.*$/, '');
    expect((await client.post(edit, { title: 'Third post', body: 'Later', note: '', intent: 'publish' })).status).toBe(
      429,
    );
  });

  it('counts a deleted post by its publication time, and a post unpublished to a draft no more', async () => {
    const { user, client } = await member(0);
    const gone = await makePost(db, { authorId: user.id });
    await db.query('UPDATE posts SET deleted_at = now() WHERE id = $1', [gone.id]);
    const old = await makePost(db, { authorId: user.id });
    await db.query(`UPDATE posts SET published_at = now() - interval '8 days' WHERE id = $1`, [old.id]);
    const withdrawn = await makePost(db, { authorId: user.id });
    await db.query(`UPDATE posts SET status = 'draft' WHERE id = $1`, [withdrawn.id]);
    expect((await publish(client, 'Counted second')).status).toBe(303);
    expect((await publish(client, 'Refused third')).status).toBe(429);
  });
});

describe('new members’ links to other sites', () => {
  beforeAll(async () => {
    await saveSetting(db, 'rateLimits', { tiers: [], newMemberLinks: 3 });
  });
  const links = (n: number, host = 'spam.example') =>
    Array.from({ length: n }, (_, i) => `[link ${i}](https://${host}/${i})`).join(' ');

  it('refuses a fourth external link with 422 naming the body, and keeps the text', async () => {
    const post = await makePost(db);
    const { client } = await member(4);
    expect((await comment(client, post.id, links(3))).status).toBe(303);
    const refused = await comment(client, post.id, `${links(4)} my words`);
    expect(refused.status).toBe(422);
    const page = await refused.text();
    expect(page).toContain('This text links to other sites 4 times; new members&#39;');
    expect(page).toContain('my words');
  });

  it('does not count links to this site, nor limit members with 5 karma or staff', async () => {
    const post = await makePost(db);
    const { client } = await member(0);
    expect((await comment(client, post.id, links(6, 'localhost'))).status).toBe(303);
    expect((await comment((await member(5)).client, post.id, links(6))).status).toBe(303);
    expect((await comment((await member(0, 'moderator')).client, post.id, links(6))).status).toBe(303);
  });

  it('checks posts on publishing and edits of comments, not drafts', async () => {
    const { client } = await member(0);
    const draft = await client.post('/posts/new', { title: 'Links', body: links(5), note: '', intent: 'draft' });
    expect(draft.status).toBe(303);
    const refused = await publish(client, 'Links', links(5));
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('This text links to other sites 5 times');

    const post = await makePost(db);
    expect((await comment(client, post.id, 'No links yet')).status).toBe(303);
    const [{ id } = { id: '' }] = await db.query<{ id: string }>(
      `SELECT id FROM comments WHERE post_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [post.id],
    );
    const edit = await client.post(`/comments/${id}/edit`, { body: `Now ${links(4)}` });
    expect(edit.status).toBe(422);
    expect(await edit.text()).toContain('Now [link 0]');
  });
});

describe('wait texts', () => {
  it('reads naturally', () => {
    expect(durationText(25 * 60)).toBe('25 minutes');
    expect(durationText(3 * 3600 - 30)).toBe('3 hours');
    expect(durationText(5 * 86_400)).toBe('5 days');
    const now = new Date('2026-12-06T10:00:00Z');
    expect(clockText(new Date('2026-12-06T14:04:30Z'), now)).toBe('at 14:05 UTC');
    expect(clockText(new Date('2026-12-09T14:05:00Z'), now)).toBe('on 9 December at 14:05 UTC');
  });
});
