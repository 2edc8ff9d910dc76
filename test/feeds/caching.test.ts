import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteComment } from '../../src/comments/service.js';
import { deletePost } from '../../src/posts/service.js';
import { addPostToSequence } from '../../src/sequences/service.js';
import { makeTestApp, TestClient, useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { actorOf, makeComment, makePost, makeUser } from '../helpers/factories.js';
import { makeSequence } from '../sequences/helpers.js';

const BASE_URL = 'https://lyceum.example';
const HOUR = 3_600_000;

const { db, app } = useTestApp({ BASE_URL });
let client: TestClient;

beforeAll(() => {
  client = new TestClient(app);
});

describe('conditional requests', () => {
  it('sends an ETag and Last-Modified, and answers 304 with no body to If-None-Match or If-Modified-Since', async () => {
    const writer = await makeUser(db, { username: 'cond_writer' });
    const at = new Date(Date.now() - 7 * HOUR);
    await makePost(db, { authorId: writer.id, title: 'Cached', at });
    for (const extension of ['xml', 'atom']) {
      const path = `/users/cond_writer/feed.${extension}`;
      const first = await client.get(path);
      const etag = first.headers.get('etag')!;
      const lastModified = first.headers.get('last-modified')!;
      expect(etag).toMatch(/^W\/"[\w-]+"$/);
      expect(lastModified).toBe(at.toUTCString());
      expect(first.headers.get('cache-control')).toBe('no-cache');

      for (const headers of [{ 'if-none-match': etag }, { 'if-modified-since': lastModified }] as Record<
        string,
        string
      >[]) {
        const again = await client.get(path, headers);
        expect(again.status).toBe(304);
        expect(await again.text()).toBe('');
        expect(again.headers.get('etag')).toBe(etag);
        expect(again.headers.get('content-type')).toBeNull();
      }
      // A list of tags, or the strong form of ours (as caches may send it), matches too.
      expect((await client.get(path, { 'if-none-match': `"other", ${etag.slice(2)}` })).status).toBe(304);
      // If-None-Match decides when present, even if the date would match.
      const stale = await client.get(path, { 'if-none-match': 'W/"other"', 'if-modified-since': lastModified });
      expect(stale.status).toBe(200);
    }
  });

  it('changes the ETag and Last-Modified when a post is published, and answers old validators in full', async () => {
    const writer = await makeUser(db, { username: 'growing' });
    await makePost(db, { authorId: writer.id, title: 'Earlier', at: new Date(Date.now() - 2 * HOUR) });
    const before = await client.get('/users/growing/feed.atom');
    const etag = before.headers.get('etag')!;
    const lastModified = before.headers.get('last-modified')!;

    await makePost(db, { authorId: writer.id, title: 'Later' });
    const after = await client.get('/users/growing/feed.atom', { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(await after.text()).toContain('Later');
    const byDate = await client.get('/users/growing/feed.atom', { 'if-modified-since': lastModified });
    expect(byDate.status).toBe(200);

    // The frontpage feed moves too.
    const front = await client.get('/feed.xml');
    await makePost(db, { title: 'Brand new' });
    const moved = await client.get('/feed.xml', { 'if-none-match': front.headers.get('etag')! });
    expect(moved.status).toBe(200);
    expect(await moved.text()).toContain('Brand new');
  });

  it('answers in full when the newest post is deleted, although Last-Modified then goes back in time', async () => {
    const writer = await makeUser(db, { username: 'regretful' });
    await makePost(db, { authorId: writer.id, title: 'Keeper', at: new Date(Date.now() - 2 * HOUR) });
    const regret = await makePost(db, { authorId: writer.id, title: 'Regret', at: new Date(Date.now() - HOUR) });
    const before = await client.get('/users/regretful/feed.xml');
    await deletePost(db, actorOf(writer.id), regret.id);

    const after = await client.get('/users/regretful/feed.xml', {
      'if-modified-since': before.headers.get('last-modified')!,
    });
    expect(after.status).toBe(200);
    expect(new Date(after.headers.get('last-modified')!).getTime()).toBeLessThan(
      new Date(before.headers.get('last-modified')!).getTime(),
    );
    expect(await after.text()).not.toContain('Regret');
  });

  it('changes the comments feed ETag when a comment is added or deleted', async () => {
    const post = await makePost(db, { title: 'Talked about' });
    const path = `/posts/${post.id}/talked-about/comments.atom`;
    const empty = (await client.get(path)).headers.get('etag');
    const comment = await makeComment(db, { postId: post.id, markdown: 'Hello.' });
    const one = (await client.get(path)).headers.get('etag');
    await deleteComment(db, actorOf(comment.authorId), comment.id);
    const none = (await client.get(path)).headers.get('etag');
    expect(one).not.toBe(empty);
    expect(none).not.toBe(one);
  });
});

describe('with the page cache on', () => {
  let cached: Awaited<ReturnType<typeof makeTestApp>>;
  let reader: TestClient;

  beforeAll(async () => {
    cached = await makeTestApp(db, { BASE_URL, PAGE_CACHE_TTL_MS: '60000' });
    reader = new TestClient(cached.app);
  });
  afterAll(async () => {
    await cached.caching?.stop();
  });

  it('serves feeds to logged-out readers from the cache and drops them when a post or comment changes', async () => {
    const post = await makePost(db, { title: 'Cache me' });
    const paths = ['/feed.atom', `/posts/${post.id}/cache-me/comments.xml`];
    for (const path of paths) {
      // The post's own change notification may still be on its way and drop the first copy: retry until stored.
      await eventually(async () => (await reader.get(path)).headers.get('x-cache') === 'hit');
      const hit = await reader.get(path);
      expect(hit.headers.get('x-cache')).toBe('hit');
      expect(hit.headers.get('content-type')).toMatch(/^application\/(atom|rss)\+xml/);
      expect(hit.headers.get('etag')).toBeTruthy();
    }

    await makePost(db, { title: 'Fresh arrival' });
    await eventually(async () => (await (await reader.get('/feed.atom')).text()).includes('Fresh arrival'));
    // A sequence's feed: cached, and dropped when a post joins the sequence.
    const author = await makeUser(db);
    const series = await makeSequence(db, author.id, { One: ['Part one'] }, 'Cached series');
    const feed = `/s/${series.id}/feed.xml`;
    await eventually(async () => (await reader.get(feed)).headers.get('x-cache') === 'hit');
    const joining = await makePost(db, { authorId: author.id, title: 'Part two' });
    await addPostToSequence(db, actorOf(author.id), { sequenceId: series.id, postId: joining.id });
    await eventually(async () => (await (await reader.get(feed)).text()).includes('Part two'));
    await makeComment(db, { postId: post.id, markdown: 'A cached reply.' });
    await eventually(async () => (await (await reader.get(paths[1]!)).text()).includes('A cached reply.'));
  });
});
