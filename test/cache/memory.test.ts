import { describe, expect, it } from 'vitest';
import { ByteBudget } from '../../src/cache/budget.js';
import { PageCache } from '../../src/cache/page-cache.js';
import { pageKey } from '../../src/cache/page-key.js';
import { approximateBytes } from '../../src/cache/size.js';
import { TaggedCache } from '../../src/cache/tagged-cache.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { makePost } from '../helpers/factories.js';

// An attack pass grew one process to 2+ GB by asking for one large page under many query strings. These tests
// hold every cache to its byte budget and its lifetime, whatever the requests.
describe('cache keys', () => {
  it('ignores query parameters no page reads, so tracking tags and cache-busters share one entry', () => {
    expect(pageKey('/posts/a/b?utm_source=x')).toBe('/posts/a/b');
    expect(pageKey('/posts/a/b?fbclid=1&utm_medium=2&_=1733')).toBe('/posts/a/b');
    expect(pageKey('/?view=top&utm_source=news&period=month')).toBe(pageKey('/?period=month&view=top'));
  });

  it('keys the parameters pages read by the value the routes see, first occurrence first', () => {
    // An encoded name is read as "view" by the route, so it must not share the plain frontpage's entry.
    expect(pageKey('/?vi%65w=top')).toBe(pageKey('/?view=top'));
    expect(pageKey('/?vi%65w=top')).not.toBe(pageKey('/'));
    expect(pageKey('/?view=top&view=recent')).toBe(pageKey('/?view=top'));
    expect(pageKey('/?sort=a+b')).toBe(pageKey('/?sort=a%20b'));
    expect(pageKey('/posts/x/y?sort=new#comments')).toBe('/posts/x/y?sort=new');
    expect(pageKey('/?view')).toBe('/?view=');
  });
});

describe('byte budgets and lifetimes', () => {
  const page = (body: string) => ({ body, contentType: 'text/html; charset=UTF-8', tags: ['front'] });
  // Incompressible text, so each page weighs about the same in every encoding.
  const noise = (n: number) => Array.from({ length: n }, () => Math.random().toString(36).slice(2, 3)).join('');

  it('keeps pages within the byte budget, dropping the least recently used', async () => {
    const cache = new PageCache({ ttlMs: 60_000, maxEntries: 10_000, maxWeight: 200_000 });
    for (let i = 0; i < 100; i++) await cache.storePage(`/p/${i}`, cache.begin(), page(noise(10_000)));
    expect(cache.bytes).toBeLessThanOrEqual(200_000);
    expect(cache.size).toBeGreaterThan(0);
    expect(cache.get('/p/99')).toBeDefined();
    expect(cache.get('/p/0')).toBeUndefined();
  });

  it('does not keep one page that would take over the budget', async () => {
    const cache = new PageCache({ ttlMs: 60_000, maxEntries: 100, maxWeight: 100_000 });
    await cache.storePage('/small', cache.begin(), page('<p>small</p>'));
    expect(await cache.storePage('/huge', cache.begin(), page(noise(60_000)))).toBe(false);
    expect(cache.get('/small')).toBeDefined();
  });

  it('lets a cache hold what another leaves of their shared budget, and has it give that back first', () => {
    const budget = new ByteBudget(100);
    const weigh = (value: string) => value.length;
    const trees = new TaggedCache<string>({ ttlMs: 60_000, maxEntries: 100, maxWeight: 50, weigh, budget });
    const pages = new TaggedCache<string>({ ttlMs: 60_000, maxEntries: 100, maxWeight: 50, weigh, budget });
    for (let i = 0; i < 9; i++) trees.store(`t${i}`, trees.begin(), 'x'.repeat(10), ['t']);
    // Past its share of 50 while the pages use none of theirs.
    expect(trees.bytes).toBe(90);
    expect(trees.peek('t0')).toBeDefined();
    // The pages take their share back: the trees give way, least recently used first, down to their own share.
    trees.get('t1');
    for (let i = 0; i < 5; i++) pages.store(`p${i}`, pages.begin(), 'y'.repeat(10), ['p']);
    expect(pages.bytes).toBe(50);
    expect(trees.bytes).toBe(50);
    expect(['t0', 't2', 't3', 't4'].map((key) => trees.peek(key))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(trees.peek('t1')).toBe('x'.repeat(10));
    // Now the pages are the ones past their share: their own oldest goes, not a tree.
    pages.store('p5', pages.begin(), 'y'.repeat(10), ['p']);
    expect(pages.peek('p0')).toBeUndefined();
    expect(trees.bytes).toBe(50);
    expect(budget.used).toBe(100);
  });

  it('weighs an emptied cache at nothing, whatever fractions its entries weighed', () => {
    const cache = new TaggedCache<number>({ ttlMs: 60_000, maxEntries: 100, weigh: (value) => value });
    for (const [key, weight] of [
      ['a', 0.1],
      ['b', 0.2],
      ['c', 0.3],
    ] as const)
      cache.store(key, cache.begin(), weight, ['t']);
    cache.invalidate('t');
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it('counts what an entry grew by in place, and keeps the budget when that takes it over', () => {
    const budget = new ByteBudget(200);
    const weigh = (value: string[]) => value.join('').length;
    const discussions = new TaggedCache<string[]>({ ttlMs: 60_000, maxEntries: 100, maxWeight: 200, weigh, budget });
    const kept = (key: string) => discussions.peek(key) !== undefined;
    const a = ['x'.repeat(10)];
    discussions.store('a', discussions.begin(), a, ['a']);
    discussions.store('b', discussions.begin(), ['y'.repeat(10)], ['b']);
    a.push('x'.repeat(20));
    discussions.grew('a', a, 20);
    expect(discussions.bytes).toBe(40);
    // A value no longer kept under its key (dropped, or replaced by a newer read) counts for nothing.
    discussions.grew('a', ['z'], 1_000);
    discussions.grew('missing', a, 1_000);
    expect(discussions.bytes).toBe(40);
    for (const key of ['c', 'd', 'e', 'f', 'g']) discussions.store(key, discussions.begin(), ['w'.repeat(30)], [key]);
    expect(discussions.bytes).toBe(190);
    // Growing past the budget lets the least recently used go (b: a was read since)...
    discussions.get('a');
    a.push('x'.repeat(20));
    discussions.grew('a', a, 20);
    expect([kept('a'), kept('b')]).toEqual([true, false]);
    expect(discussions.bytes).toBe(200);
    // ...and past a quarter of the budget, the grown entry itself, as `store` would not keep it.
    discussions.grew('c', discussions.peek('c')!, 30);
    expect(kept('c')).toBe(false);
    expect(discussions.bytes).toBe(170);
    expect(budget.used).toBe(170);
  });

  it('drops expired entries on a sweep, without anyone asking for them', () => {
    const cache = new TaggedCache<string>({ ttlMs: 1_000, maxEntries: 100, weigh: (v) => v.length });
    cache.store('old', cache.begin(), 'aaaa', ['x'], 0);
    cache.store('new', cache.begin(), 'bbbb', ['x'], 900);
    expect(cache.sweep(1_500)).toBe(1);
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBe(4);
    expect(cache.peek('new')).toBe('bbbb');
  });

  it('estimates what cached values keep alive', () => {
    const short = approximateBytes({ id: 'a', title: 'x' });
    const long = approximateBytes({ id: 'a', title: 'x'.repeat(10_000) });
    expect(long - short).toBeGreaterThanOrEqual(10_000);
    expect(approximateBytes(['a'.repeat(1000), new Map([['k', 'v'.repeat(1000)]])])).toBeGreaterThan(2000);
    expect(approximateBytes(Buffer.alloc(5000))).toBeGreaterThanOrEqual(5000);
  });
});

describe('caches in the running app', () => {
  // A small budget (1 MB in all) so that the test can fill it.
  const test = useTestApp({ PAGE_CACHE_TTL_MS: '60000', CACHE_MAX_MB: '1' });
  const { db } = test;

  it('keeps one copy of a large page requested under many distinct query strings', async () => {
    const words = Array.from({ length: 4_000 }, (_, i) => `word${i}`).join(' ');
    const post = await makePost(db, { title: 'Much read', markdown: words });
    const client = new TestClient(test.app);
    const path = `/posts/${post.id}/much-read`;
    await eventually(async () => (await client.get(path)).headers.get('x-cache') === 'hit');
    const pages = test.caching!.caches.pages;
    const before = pages.size;
    for (let i = 0; i < 200; i++) {
      const response = await client.get(`${path}?utm_source=campaign${i}&ref=${i}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-cache')).toBe('hit');
    }
    expect(pages.size).toBe(before);
  });

  it('does not serve a page rendered for an encoded parameter name as the plain page', async () => {
    await makePost(db, { title: 'Frontpage filler' });
    const client = new TestClient(test.app);
    const plain = await (await client.get('/')).text();
    await client.get('/?vi%65w=recent');
    await client.get('/?vi%65w=recent');
    expect(await (await client.get('/')).text()).toBe(plain);
  });

  it('stays within its byte budget however many distinct pages are asked for', async () => {
    const words = Array.from({ length: 3_000 }, (_, i) => `term${i}`).join(' ');
    const client = new TestClient(test.app);
    const pages = test.caching!.caches.pages;
    for (let i = 0; i < 40; i++) {
      const post = await makePost(db, { title: `Distinct ${i}`, markdown: `${words} ${i}` });
      const path = `/posts/${post.id}/distinct-${i}`;
      expect((await client.get(path)).status).toBe(200);
      // Kept once rendered with no change announced meanwhile: each new post announces one, which PostgreSQL
      // delivers a little later, sometimes while the next page renders (the cache then declines to keep it).
      await eventually(async () => (await client.get(path)).headers.get('x-cache') === 'hit');
    }
    expect(pages.size).toBeGreaterThan(0);
    // The pages pass their share (30 %) while the other caches leave theirs unused; all stay within the budget.
    expect(pages.bytes).toBeGreaterThan(test.config.cacheMaxBytes * 0.3);
    const all = test.caching!.caches;
    const total = [
      all.pages,
      all.readerPages,
      all.fragments,
      all.commentTrees,
      all.discussions,
      all.commentSegments,
      all.commentHeads,
      all.sessions,
    ].reduce((sum, cache) => sum + cache.bytes, 0);
    expect(total).toBeLessThanOrEqual(test.config.cacheMaxBytes);
  });
});

describe('expired entries in the running app', () => {
  const test = useTestApp({ PAGE_CACHE_TTL_MS: '300' });
  const { db } = test;

  it('forgets pages past their lifetime on a timer, with no further requests', async () => {
    const post = await makePost(db, { title: 'Briefly kept' });
    const client = new TestClient(test.app);
    const caches = test.caching!.caches;
    await eventually(async () => {
      await client.get(`/posts/${post.id}/briefly-kept`);
      return caches.pages.size > 0;
    });
    await eventually(async () => caches.pages.size === 0 && caches.fragments.size === 0 && caches.pages.bytes === 0);
  });
});
