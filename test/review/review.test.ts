import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../src/db/ids.js';
import { actorFor, type Role } from '../../src/policy/actor.js';
import { approveComment, approvePost, rejectPost } from '../../src/review/service.js';
import { saveSetting } from '../../src/settings/settings.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';

const { db, app } = useTestApp();

// The test template has review off (helpers/db.ts openWriteGates); these tests are of the review queue.
beforeEach(async () => {
  await saveSetting(db, 'review', { newMembers: true });
});

async function loggedIn(options: { role?: Role } = {}) {
  const user = await makeUser(db, options);
  const client = new TestClient(app);
  await client.logIn(user.username, user.password);
  return { user, client };
}

async function publishAsNewMember(client: TestClient, title: string) {
  const answer = await client.post('/posts/new', { title, body: `The body of ${title}.`, intent: 'publish' });
  expect(answer.status).toBe(303);
  const [post] = await db.query<{ id: string; slug: string }>('SELECT id, slug FROM posts WHERE title = $1', [title]);
  return post!;
}

async function postRow(id: string) {
  const [row] = await db.query<{
    status: string;
    published_at: Date | null;
    submitted_at: Date | null;
    review_rejection: string | null;
    comment_count: number;
  }>('SELECT status, published_at, submitted_at, review_rejection, comment_count FROM posts WHERE id = $1', [id]);
  return row!;
}

async function logOf(targetId: string) {
  return db.query<{ action: string; reason: string; moderator_id: string }>(
    'SELECT action, reason, moderator_id FROM moderation_log WHERE target_id = $1 ORDER BY id',
    [targetId],
  );
}

describe("a new member's first post", () => {
  it('waits for review: pending, seen by its author and the staff only, and nowhere in the lists', async () => {
    const { user, client } = await loggedIn();
    const post = await publishAsNewMember(client, 'Held first post');
    const row = await postRow(post.id);
    expect(row.status).toBe('pending');
    expect(row.submitted_at).not.toBeNull();
    expect(row.published_at).toBeNull();
    const path = `/posts/${post.id}/${post.slug}`;
    expect(await (await client.get(path)).text()).toContain('Awaiting review');
    const drafts = await (await client.get(`/users/${user.username}?tab=drafts`)).text();
    expect(drafts).toContain('Held first post');
    expect(drafts).toContain('Awaiting review');
    expect((await new TestClient(app).get(path)).status).toBe(404);
    expect((await (await loggedIn()).client.get(path)).status).toBe(404);
    const moderator = await loggedIn({ role: 'moderator' });
    expect((await moderator.client.get(path)).status).toBe(200);
    expect(await (await new TestClient(app).get('/?view=recent')).text()).not.toContain('Held first post');
    expect(await (await new TestClient(app).get(`/users/${user.username}`)).text()).not.toContain('Held first post');
    expect(await (await moderator.client.get('/moderation')).text()).toContain('Held first post');
  });

  it('is published on approval with its original time, logged once; a second approval is refused', async () => {
    const { client } = await loggedIn();
    const post = await publishAsNewMember(client, 'Approve me');
    await db.query(`UPDATE posts SET submitted_at = now() - interval '3 hours' WHERE id = $1`, [post.id]);
    const submitted = (await postRow(post.id)).submitted_at!;
    const moderator = await loggedIn({ role: 'moderator' });
    const approved = await moderator.client.post(`/moderation/review/posts/${post.id}/approve`, {});
    expect(approved.status).toBe(303);
    const row = await postRow(post.id);
    expect(row.status).toBe('published');
    expect(row.published_at!.getTime()).toBe(submitted.getTime());
    expect(await logOf(post.id)).toMatchObject([{ action: 'approve-post', moderator_id: moderator.user.id }]);
    expect((await new TestClient(app).get(`/posts/${post.id}/${post.slug}`)).status).toBe(200);

    const again = await moderator.client.post(`/moderation/review/posts/${post.id}/approve`, {});
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('not waiting for review');
    expect(await logOf(post.id)).toHaveLength(1);
    // The member is no longer new: their next post is published at once.
    const next = await publishAsNewMember(client, 'Second post, published');
    expect((await postRow(next.id)).status).toBe('published');
  });

  it('goes back to drafts on rejection, with the reason shown to its author, and waits again when resubmitted', async () => {
    const { user, client } = await loggedIn();
    const post = await publishAsNewMember(client, 'Reject me');
    const moderator = await loggedIn({ role: 'moderator' });
    const url = `/moderation/review/posts/${post.id}/reject`;
    const missing = await moderator.client.post(url, { reason: '  ' });
    expect(missing.status).toBe(422);
    expect(await missing.text()).toContain('Give a reason for rejecting it');
    const long = 'r'.repeat(1001);
    const oversized = await moderator.client.post(url, { reason: long });
    expect(oversized.status).toBe(422);
    expect(await oversized.text()).toContain(long);
    expect((await postRow(post.id)).status).toBe('pending');
    expect(await logOf(post.id)).toHaveLength(0);

    expect((await moderator.client.post(url, { reason: 'Please add sources.' })).status).toBe(303);
    const row = await postRow(post.id);
    expect(row.status).toBe('draft');
    expect(row.review_rejection).toBe('Please add sources.');
    expect(await logOf(post.id)).toMatchObject([{ action: 'reject-post', reason: 'Please add sources.' }]);
    expect(await (await client.get(`/users/${user.username}?tab=drafts`)).text()).toContain('Please add sources.');
    expect((await moderator.client.post(url, { reason: 'Twice' })).status).toBe(409);

    const resubmitted = await client.post(`/posts/${post.id}/edit`, {
      title: 'Reject me',
      body: 'Now with sources.',
      intent: 'publish',
    });
    expect(resubmitted.status).toBe(303);
    expect(await postRow(post.id)).toMatchObject({ status: 'pending', review_rejection: null });
  });

  it('is not held for staff, for members with approved content, or with the setting off', async () => {
    const moderator = await loggedIn({ role: 'moderator' });
    expect((await postRow((await publishAsNewMember(moderator.client, 'Staff post')).id)).status).toBe('published');
    const member = await loggedIn();
    await makeComment(db, { authorId: member.user.id });
    expect((await postRow((await publishAsNewMember(member.client, 'Known member')).id)).status).toBe('published');
    await saveSetting(db, 'review', { newMembers: false });
    const fresh = await loggedIn();
    expect((await postRow((await publishAsNewMember(fresh.client, 'Review off')).id)).status).toBe('published');
  });

  it('refuses a member crafting the approve form, and approving what is not pending', async () => {
    const { client } = await loggedIn();
    const post = await publishAsNewMember(client, 'Crafted approval');
    const member = await loggedIn();
    const crafted = await member.client.post(`/moderation/review/posts/${post.id}/approve`, {});
    expect(crafted.status).toBe(403);
    expect((await client.post(`/moderation/review/posts/${post.id}/approve`, {})).status).toBe(403);
    expect((await postRow(post.id)).status).toBe('pending');
    const published = await makePost(db);
    const moderator = await loggedIn({ role: 'moderator' });
    expect((await moderator.client.post(`/moderation/review/posts/${published.id}/approve`, {})).status).toBe(409);
    expect((await moderator.client.post('/moderation/review/posts/nope/approve', {})).status).toBe(404);
    expect(await logOf(post.id)).toHaveLength(0);
  });
});

describe('deciding on held posts at the same moment', () => {
  it('publishes a post once when two moderators approve it together', async () => {
    const { client } = await loggedIn();
    const post = await publishAsNewMember(client, 'Raced post');
    const a = actorFor((await makeUser(db, { role: 'moderator' })).id, { role: 'moderator' });
    const b = actorFor((await makeUser(db, { role: 'moderator' })).id, { role: 'moderator' });
    const outcomes = await Promise.allSettled([approvePost(db, a, post.id), rejectPost(db, b, post.id, 'No')]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason.status).toBe(409);
    expect(await logOf(post.id)).toHaveLength(1);
    expect(['published', 'draft']).toContain((await postRow(post.id)).status);
  });

  it('refuses unknown items (404) and logged-out decisions (403)', async () => {
    const moderator = await loggedIn({ role: 'moderator' });
    expect((await moderator.client.post(`/moderation/review/comments/${newId()}/approve`, {})).status).toBe(404);
    expect((await moderator.client.post(`/moderation/review/posts/${newId()}/reject`, { reason: 'x' })).status).toBe(
      404,
    );
    const { client } = await loggedIn();
    const post = await publishAsNewMember(client, 'Logged-out attempt');
    const anonymous = new TestClient(app);
    expect((await anonymous.post(`/moderation/review/posts/${post.id}/approve`, {})).status).toBe(403);
    expect((await postRow(post.id)).status).toBe('pending');
  });
});

describe("a new member's first comment", () => {
  let threads = 0;
  async function heldComment(text: string) {
    const post = await makePost(db, { title: `Discussion ${++threads}` });
    const { user, client } = await loggedIn();
    const answer = await client.post(`/posts/${post.id}/comments`, { body: text, intent: 'submit' });
    expect(answer.status).toBe(303);
    const [held] = await db.query<{ id: string; created_at: Date }>(
      'SELECT id, created_at FROM pending_comments WHERE author_id = $1',
      [user.id],
    );
    return { post, user, client, held: held!, path: `/posts/${post.id}/${post.slug}` };
  }

  it('waits apart from the discussion: no tree, count or list sees it; its author sees it marked', async () => {
    const { post, client, held, path } = await heldComment('A held thought');
    expect(await db.query('SELECT 1 FROM comments WHERE id = $1', [held.id])).toHaveLength(0);
    expect((await postRow(post.id)).comment_count).toBe(0);
    expect(await (await new TestClient(app).get(path)).text()).not.toContain('A held thought');
    expect(await (await (await loggedIn()).client.get(path)).text()).not.toContain('A held thought');
    expect(await (await new TestClient(app).get('/')).text()).not.toContain('A held thought');
    const own = await (await client.get(path)).text();
    expect(own).toContain('A held thought');
    expect(own).toContain('Awaiting review');
    const moderator = await loggedIn({ role: 'moderator' });
    const queue = await (await moderator.client.get('/moderation')).text();
    expect(queue).toContain('A held thought');
    // The queue shows texts as written, formulas included: it links KaTeX's stylesheet, as a post page does.
    expect(queue).toMatch(/<link rel="stylesheet" href="\/static\/style-math\.[\w-]+\.css"/);
  });

  it('joins the discussion on approval with its original time and counts, logged once', async () => {
    const { post, user, held, path } = await heldComment('Approve this thought');
    await db.query(`UPDATE pending_comments SET created_at = now() - interval '2 hours' WHERE id = $1`, [held.id]);
    const [{ created_at: original }] = (await db.query<{ created_at: Date }>(
      'SELECT created_at FROM pending_comments WHERE id = $1',
      [held.id],
    )) as [{ created_at: Date }];
    const moderator = await loggedIn({ role: 'moderator' });
    const approved = await moderator.client.post(`/moderation/review/comments/${held.id}/approve`, {});
    expect(approved.status).toBe(303);
    const [comment] = await db.query<{ created_at: Date; base_score: number }>(
      'SELECT created_at, base_score FROM comments WHERE id = $1',
      [held.id],
    );
    expect(comment!.created_at.getTime()).toBe(original.getTime());
    expect(comment!.base_score).toBeGreaterThan(0);
    expect((await postRow(post.id)).comment_count).toBe(1);
    expect(await db.query('SELECT 1 FROM pending_comments WHERE id = $1', [held.id])).toHaveLength(0);
    const [counter] = await db.query<{ n: number }>('SELECT pending_comment_count AS n FROM users WHERE id = $1', [
      user.id,
    ]);
    expect(counter!.n).toBe(0);
    expect(await logOf(held.id)).toMatchObject([{ action: 'approve-comment' }]);
    expect(await (await new TestClient(app).get(path)).text()).toContain('Approve this thought');

    const again = await moderator.client.post(`/moderation/review/comments/${held.id}/approve`, {});
    expect(again.status).toBe(409);
    expect((await postRow(post.id)).comment_count).toBe(1);
    expect(await logOf(held.id)).toHaveLength(1);
  });

  it('is approved once when two moderators approve it at the same moment', async () => {
    const { post, held } = await heldComment('Raced thought');
    const a = actorFor((await makeUser(db, { role: 'moderator' })).id, { role: 'moderator' });
    const b = actorFor((await makeUser(db, { role: 'admin' })).id, { role: 'admin' });
    const outcomes = await Promise.allSettled([approveComment(db, a, held.id), approveComment(db, b, held.id)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason.status).toBe(409);
    expect((await postRow(post.id)).comment_count).toBe(1);
    expect(await logOf(held.id)).toHaveLength(1);
  });

  it('stays out on rejection, shown to its author with the reason, and leaves the queue', async () => {
    const { client, held, path } = await heldComment('Reject this thought');
    const moderator = await loggedIn({ role: 'moderator' });
    const url = `/moderation/review/comments/${held.id}/reject`;
    expect((await moderator.client.post(url, {})).status).toBe(422);
    expect((await moderator.client.post(url, { reason: 'Be kinder.' })).status).toBe(303);
    expect(await logOf(held.id)).toMatchObject([{ action: 'reject-comment', reason: 'Be kinder.' }]);
    const own = await (await client.get(path)).text();
    expect(own).toContain('Reject this thought');
    expect(own).toContain('Be kinder.');
    expect(await (await moderator.client.get('/moderation')).text()).not.toContain('Reject this thought');
    expect((await moderator.client.post(`/moderation/review/comments/${held.id}/approve`, {})).status).toBe(409);
    expect((await moderator.client.post(url, { reason: 'Again' })).status).toBe(409);
    expect(await db.query('SELECT 1 FROM comments WHERE id = $1', [held.id])).toHaveLength(0);
  });

  it('cannot be approved once its post is gone (409), nor by a member', async () => {
    const { post, held } = await heldComment('Orphaned thought');
    const member = await loggedIn();
    expect((await member.client.post(`/moderation/review/comments/${held.id}/approve`, {})).status).toBe(403);
    await db.query('UPDATE posts SET deleted_at = now() WHERE id = $1', [post.id]);
    const moderator = await loggedIn({ role: 'moderator' });
    const answer = await moderator.client.post(`/moderation/review/comments/${held.id}/approve`, {});
    expect(answer.status).toBe(409);
    expect(await answer.text()).toContain('Reject it instead');
    expect(await db.query('SELECT 1 FROM pending_comments WHERE id = $1', [held.id])).toHaveLength(1);
    expect(await logOf(held.id)).toHaveLength(0);
  });

  it('answers a script with the held comment marked as waiting', async () => {
    const post = await makePost(db);
    const { client } = await loggedIn();
    await client.get('/login');
    const answer = await client.request(`/posts/${post.id}/comments`, {
      method: 'POST',
      body: new URLSearchParams({ body: 'Inline held', intent: 'submit', _csrf: client.cookies.get('lyceum_csrf')! }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        origin: 'http://localhost',
      },
    });
    expect(answer.status).toBe(201);
    const body = (await answer.json()) as { pending: boolean; html: string };
    expect(body.pending).toBe(true);
    expect(body.html).toContain('Awaiting review');
    expect(body.html).toContain('Inline held');
  });
});

describe('the review queue with caching on', () => {
  const test = useTestApp({ PAGE_CACHE_TTL_MS: '60000' });

  it('shows a held comment to its author at once, and to everyone once approved', async () => {
    await saveSetting(test.db, 'review', { newMembers: true });
    const post = await makePost(test.db, { title: 'Cached discussion' });
    const path = `/posts/${post.id}/cached-discussion`;
    const anonymous = new TestClient(test.app);
    await eventually(async () => (await anonymous.get(path)).headers.get('x-cache') === 'hit');
    const author = await makeUser(test.db);
    const client = new TestClient(test.app);
    await client.logIn(author.username, author.password);
    await client.get(path);
    await client.post(`/posts/${post.id}/comments`, { body: 'Cached held words', intent: 'submit' });
    const own = await (await client.get(path)).text();
    expect(own).toContain('Cached held words');
    expect(own).toContain('Awaiting review');
    expect(await (await anonymous.get(path)).text()).not.toContain('Cached held words');

    const [held] = await test.db.query<{ id: string }>('SELECT id FROM pending_comments WHERE author_id = $1', [
      author.id,
    ]);
    const moderator = await makeUser(test.db, { role: 'moderator' });
    const modClient = new TestClient(test.app);
    await modClient.logIn(moderator.username, moderator.password);
    expect((await modClient.post(`/moderation/review/comments/${held!.id}/approve`, {})).status).toBe(303);
    await eventually(async () => (await (await anonymous.get(path)).text()).includes('Cached held words'));
    // Its author's own view no longer marks it as waiting.
    await eventually(async () => !(await (await client.get(path)).text()).includes('Awaiting review'));
  });
});
