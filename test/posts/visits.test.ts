import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VISIT_FLUSH_MS, visitLog } from '../../src/posts/visits.js';
import { makeTestApp, TestClient, useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { makeComment, makePost, makeUser, type TestUser } from '../helpers/factories.js';

// Logged-in readers' visits to posts are written in batches (src/posts/visits.ts), not one write per page view;
// a reader still sees their own visit everywhere at once, and other instances within moments.
describe('visits written in batches', () => {
  const a = useTestApp({ PAGE_CACHE_TTL_MS: '600000' });
  const { db } = a;
  let b: Awaited<ReturnType<typeof makeTestApp>>;
  beforeAll(async () => {
    b = await makeTestApp(db, { PAGE_CACHE_TTL_MS: '600000' });
  });
  afterAll(async () => {
    await b?.stop();
  });

  async function loggedIn(app: typeof a.app, user: TestUser) {
    const client = new TestClient(app);
    await client.logIn(user.username, user.password);
    return client;
  }
  const visitRow = async (userId: string, postId: string) =>
    (
      await db.query<{ at: Date }>(
        'SELECT last_visited_at AS at FROM post_visits WHERE user_id = $1 AND post_id = $2',
        [userId, postId],
      )
    )[0]?.at;

  /** The reader opens the post; their visit is written, then moved an hour back (as if long ago). */
  async function visitedAnHourAgo(client: TestClient, path: string, userId: string, postId: string) {
    await client.get(path);
    await visitLog(db).flush();
    await db.query(
      `UPDATE post_visits SET last_visited_at = now() - interval '1 hour' WHERE user_id = $1 AND post_id = $2`,
      [userId, postId],
    );
  }

  it('writes a view shortly after it, not during it, and a later view only moves the time forward', async () => {
    const user = await makeUser(db);
    const post = await makePost(db, { title: 'Batched' });
    const client = await loggedIn(a.app, user);
    const viewed = Date.now();
    expect((await client.get(`/posts/${post.id}/batched`)).status).toBe(200);
    expect(await visitRow(user.id, post.id)).toBeUndefined();
    await eventually(async () => (await visitRow(user.id, post.id)) !== undefined, (VISIT_FLUSH_MS * 5) / 1000);
    const written = (await visitRow(user.id, post.id))!;
    expect(written.getTime()).toBeGreaterThanOrEqual(viewed - 1_000);
    // An older time arriving late (another process's batch) does not move the visit back.
    visitLog(db).record(user.id, post.id, new Date(viewed - 3_600_000));
    await visitLog(db).flush();
    expect((await visitRow(user.id, post.id))!.getTime()).toBe(written.getTime());
  });

  it("shows the reader's own visit at once: the post's new comments are no longer new, here and on the frontpage", async () => {
    const user = await makeUser(db);
    const post = await makePost(db, { title: 'Followed' });
    const client = await loggedIn(a.app, user);
    const path = `/posts/${post.id}/followed`;
    await visitedAnHourAgo(client, path, user.id, post.id);
    await makeComment(db, { postId: post.id, markdown: 'Something new' });
    // Written beside the app (not through it), the comment and the batch of visits reach this instance's caches
    // through the change feed: wait for them, as a reader coming back later would (CI once saw the post page
    // before the feed had dropped what the first view kept).
    await a.caching!.caches.settle();
    await eventually(async () => (await (await client.get('/?view=recent')).text()).includes('(1 new)'));
    expect(await (await client.get(path)).text()).toContain('1 new comment since your last visit');
    // Not written yet, but the reader's next pages know it.
    expect(await (await client.get(path)).text()).not.toContain('since your last visit');
    expect(await (await client.get('/?view=recent')).text()).not.toContain('(1 new)');
  });

  it("reaches another instance's cached frontpage for the reader within moments", async () => {
    const user = await makeUser(db);
    const post = await makePost(db, { title: 'Elsewhere' });
    const onA = await loggedIn(a.app, user);
    const onB = await loggedIn(b.app, user);
    await visitedAnHourAgo(onA, `/posts/${post.id}/elsewhere`, user.id, post.id);
    await makeComment(db, { postId: post.id, markdown: 'News for B' });
    await eventually(async () => (await (await onB.get('/?view=recent')).text()).includes('(1 new)'));
    await onA.get(`/posts/${post.id}/elsewhere`);
    await eventually(
      async () => !(await (await onB.get('/?view=recent')).text()).includes('(1 new)'),
      (VISIT_FLUSH_MS * 5) / 1000,
    );
  });

  it('drops a visit to a post or by a member no longer there and writes the rest of the batch', async () => {
    const [user, post] = await Promise.all([makeUser(db), makePost(db)]);
    const gone = 'GoneGoneGoneGone0';
    visitLog(db).record(user.id, gone);
    visitLog(db).record(gone, post.id);
    visitLog(db).record(user.id, post.id);
    await visitLog(db).flush();
    expect(await visitRow(user.id, post.id)).toBeInstanceOf(Date);
    expect(await visitRow(user.id, gone)).toBeUndefined();
    expect(await visitRow(gone, post.id)).toBeUndefined();
  });
});
