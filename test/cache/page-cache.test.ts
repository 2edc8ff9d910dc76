import { brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodedAnswer, PageCache, RECOMPRESS_AFTER_HITS } from '../../src/cache/page-cache.js';
import { TaggedCache } from '../../src/cache/tagged-cache.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';

describe('the page cache', () => {
  const page = (tags: string[]) => ({ body: '<p>page</p>', contentType: 'text/html; charset=UTF-8', tags });

  it('drops exactly the pages carrying a dropped tag', async () => {
    const cache = new PageCache({ ttlMs: 60_000, maxEntries: 100 });
    await cache.storePage('/posts/a/x', cache.begin(), page(['post:a']));
    await cache.storePage('/posts/b/y', cache.begin(), page(['post:b']));
    await cache.storePage('/', cache.begin(), page(['front']));
    cache.invalidate('post:a');
    expect(cache.get('/posts/a/x')).toBeUndefined();
    expect(cache.get('/')).toBeDefined();
    expect(cache.get('/posts/b/y')).toBeDefined();
    cache.invalidate('front');
    expect(cache.get('/')).toBeUndefined();
    cache.flushAll();
    expect(cache.size).toBe(0);
  });

  it('does not store a page whose content changed while it was being rendered', async () => {
    const cache = new PageCache({ ttlMs: 60_000, maxEntries: 100 });
    const since = cache.begin();
    cache.invalidate('post:a');
    await cache.storePage('/posts/a/x', since, page(['post:a']));
    expect(cache.get('/posts/a/x')).toBeUndefined();
    const unrelated = cache.begin();
    cache.invalidate('user:z');
    await cache.storePage('/posts/a/x', unrelated, page(['post:a']));
    expect(cache.get('/posts/a/x')).toBeDefined();
  });

  it('keeps a page compressed quickly, and compresses it harder once it is asked for a few times', async () => {
    const cache = new PageCache({ ttlMs: 60_000, maxEntries: 10 });
    const body = Array.from({ length: 3_000 }, (_, i) => `<p>Comment ${i % 97} on the thread, reply ${i}.</p>`).join(
      '',
    );
    await cache.storePage('/posts/a/x', cache.begin(), { ...page(['post:a']), body });
    const stored = cache.get('/posts/a/x')!;
    const first = encodedAnswer(stored, 'br');
    expect(brotliDecompressSync(first.body).toString()).toBe(body);
    // Until then the quick compression is sent: most pages are dropped by a change after one or two answers.
    for (let i = 1; i < RECOMPRESS_AFTER_HITS; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(encodedAnswer(stored, 'br').body).toBe(first.body);
    }
    await eventually(async () => stored.encoded.br!.byteLength < first.body.byteLength);
    const again = encodedAnswer(stored, 'br');
    expect(brotliDecompressSync(again.body).toString()).toBe(body);
    const length = again.headers[again.headers.indexOf('Content-Length') + 1];
    expect(length).toBe(String(again.body.byteLength));
  });

  it('expires pages after their lifetime and evicts the least recently used beyond its size', async () => {
    const cache = new PageCache({ ttlMs: 1_000, maxEntries: 2 });
    await cache.storePage('/a', cache.begin(), page(['front']), 0);
    await cache.storePage('/b', cache.begin(), page(['front']), 0);
    cache.get('/a', 10);
    await cache.storePage('/c', cache.begin(), page(['front']), 10);
    expect(cache.get('/b', 20)).toBeUndefined();
    expect(cache.get('/a', 20)).toBeDefined();
    expect(cache.get('/a', 2_000)).toBeUndefined();
  });
});

describe('fragments', () => {
  it('builds a fragment once, and builds again after a change to what it shows', async () => {
    const cache = new TaggedCache<string>({ ttlMs: 60_000, maxEntries: 10 });
    let builds = 0;
    const build = async () => `list ${++builds}`;
    expect(await cache.remember('posts', ['front'], build)).toBe('list 1');
    expect(await cache.remember('posts', ['front'], build)).toBe('list 1');
    cache.invalidate('front');
    expect(await cache.remember('posts', ['front'], build)).toBe('list 2');
  });

  it('keeps fragments within a byte budget, dropping the least recently used', () => {
    const cache = new TaggedCache<string>({ ttlMs: 60_000, maxEntries: 100, maxWeight: 16, weigh: (v) => v.length });
    for (const key of ['a', 'b', 'c', 'd']) cache.store(key, cache.begin(), key.repeat(4), [`post:${key}`]);
    cache.get('a');
    cache.store('e', cache.begin(), 'eeee', ['post:e']);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('aaaa');
    expect(cache.get('e')).toBe('eeee');
    expect(cache.bytes).toBe(16);
  });

  it('does not keep a fragment whose content changed while it was being built', async () => {
    const cache = new TaggedCache<string>({ ttlMs: 60_000, maxEntries: 10 });
    const built = await cache.remember('reader:u:new', ['reader:u'], async () => {
      cache.invalidate('reader:u');
      return 'stale counts';
    });
    expect(built).toBe('stale counts');
    expect(cache.get('reader:u:new')).toBeUndefined();
  });
});

describe('cached pages in the app', () => {
  const test = useTestApp({ PAGE_CACHE_TTL_MS: '60000' });
  const { db } = test;

  it('serves logged-out readers from the cache with an ETag, and answers 304 to a matching request', async () => {
    const post = await makePost(db, { title: 'Cached post' });
    const client = new TestClient(test.app);
    const first = await client.get(`/posts/${post.id}/cached-post`);
    expect(first.headers.get('x-cache')).toBe('miss');
    // The post's own creation notice may still be on its way and drop that first copy: wait for a hit.
    let second = await client.get(`/posts/${post.id}/cached-post`);
    await eventually(async () => {
      second = await client.get(`/posts/${post.id}/cached-post`);
      return second.headers.get('x-cache') === 'hit';
    });
    expect(await second.text()).toBe(await first.text());
    const etag = second.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect(second.headers.get('last-modified')).toBeTruthy();
    const conditional = await client.get(`/posts/${post.id}/cached-post`, { 'if-none-match': etag });
    expect(conditional.status).toBe(304);
    expect(await conditional.text()).toBe('');
    const byDate = await client.get(`/posts/${post.id}/cached-post`, {
      'if-modified-since': second.headers.get('last-modified')!,
    });
    expect(byDate.status).toBe(304);
  });

  it('shows a new comment at once: the change notification drops the post page and the frontpage', async () => {
    const post = await makePost(db, { title: 'Lively' });
    const client = new TestClient(test.app);
    await eventually(async () => (await client.get(`/posts/${post.id}/lively`)).headers.get('x-cache') === 'hit');
    await eventually(async () => (await client.get('/')).headers.get('x-cache') === 'hit');
    await makeComment(db, { postId: post.id, markdown: 'Breaking comment' });
    await eventually(async () =>
      (await (await client.get(`/posts/${post.id}/lively`)).text()).includes('Breaking comment'),
    );
    await eventually(async () => (await (await client.get('/')).text()).includes('Breaking comment'));
  });

  it('drops every page when a display name changes', async () => {
    const author = await makeUser(db);
    const post = await makePost(db, { authorId: author.id, title: 'Named' });
    const client = new TestClient(test.app);
    await client.get(`/posts/${post.id}/named`);
    await db.query(`UPDATE users SET display_name = 'Renamed Person' WHERE id = $1`, [author.id]);
    await eventually(async () =>
      (await (await client.get(`/posts/${post.id}/named`)).text()).includes('Renamed Person'),
    );
  });

  it('never caches a post page for logged-in readers', async () => {
    const user = await makeUser(db);
    const post = await makePost(db, { title: 'Personal' });
    const client = new TestClient(test.app);
    await client.logIn(user.username, user.password);
    const response = await client.get(`/posts/${post.id}/personal`);
    expect(response.headers.get('x-cache')).toBeNull();
    expect(await response.text()).toContain(user.username);
    const anonymous = await (await new TestClient(test.app).get(`/posts/${post.id}/personal`)).text();
    expect(anonymous).not.toContain(user.username);
    expect(anonymous).not.toContain('name="_csrf"');
  });
});
