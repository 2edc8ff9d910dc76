import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/db/database.js';
import { newId } from '../../src/db/ids.js';
import type { PostListItem } from '../../src/frontpage/queries.js';
import { adjustedListName, adjustedMagicList } from '../../src/frontpage/tag-filter-queries.js';
import { type FilterMode, filterSet, type TagFilter } from '../../src/frontpage/tag-filters.js';
import { magicScore } from '../../src/votes/ranking.js';
import { makeTestApp, TestClient, useTestApp } from '../helpers/app.js';
import { makePost, makeUser, TEST_PASSWORD } from '../helpers/factories.js';

const { db, app } = useTestApp();

const HOUR = 3_600_000;
const hoursAgo = (h: number) => new Date(Date.now() - h * HOUR);

let tagAuthor = '';
async function makeTag(name: string): Promise<string> {
  tagAuthor ||= (await makeUser(db)).id;
  const id = newId();
  await db.query('INSERT INTO tags (id, name, slug, created_by) VALUES ($1, $2, $3, $4)', [
    id,
    name,
    `${name.toLowerCase().replace(/\W+/g, '-')}-${id.slice(0, 5)}`,
    tagAuthor,
  ]);
  return id;
}

async function tagPost(postId: string, tagId: string, relevance = 1, q: Queryable = db) {
  await q.query('INSERT INTO post_tags (post_id, tag_id, relevance, applied_by) VALUES ($1, $2, $3, $4)', [
    postId,
    tagId,
    relevance,
    tagAuthor,
  ]);
}

/** A published post with a chosen stored Magic score (and age), so orders are exact. */
async function post(title: string, magic: number, ageHours = 24) {
  const p = await makePost(db, { title, at: hoursAgo(ageHours) });
  await db.query('UPDATE posts SET magic_score = $2, base_score = 0 WHERE id = $1', [p.id, magic]);
  return p.id;
}

function section(html: string, id: string) {
  const start = html.indexOf(`id="${id}"`);
  return html.slice(start, html.indexOf('</section>', start));
}

function listed(html: string): string[] {
  return [
    ...section(html, 'latest-heading').matchAll(/class="post-item-title"><a href="\/posts\/([0-9A-Za-z]{17})\//g),
  ].map((m) => m[1]!);
}

async function reader() {
  const user = await makeUser(db);
  const client = new TestClient(app);
  await client.logIn(user.username, TEST_PASSWORD);
  return { user, client };
}

async function setFilter(client: TestClient, tagId: string, mode: string) {
  const response = await client.post('/tag-filters', { tagId, mode, returnTo: '/' });
  expect(response.status).toBe(303);
}

async function frontpage(client: TestClient, query = '') {
  const response = await client.get(`/${query}`);
  expect(response.status).toBe(200);
  return listed(await response.text());
}

// Each test starts from an empty frontpage.
beforeEach(async () => {
  await db.query('UPDATE posts SET deleted_at = now() WHERE deleted_at IS NULL');
  await db.query('DELETE FROM site_tag_filters');
});

describe('the rules', () => {
  it('Hidden removes tagged posts from every order; a link below 0 relevance does not count', async () => {
    const x = await makeTag('Hidden topic');
    const tagged = await post('Tagged', 3);
    const doubted = await post('Doubted', 2);
    const plain = await post('Plain', 1);
    await tagPost(tagged, x, 0);
    await tagPost(doubted, x, -1);
    const { client } = await reader();
    expect(await frontpage(client)).toEqual([tagged, doubted, plain]);
    await setFilter(client, x, 'hidden');
    expect(await frontpage(client)).toEqual([doubted, plain]);
    expect(new Set(await frontpage(client, '?view=recent'))).toEqual(new Set([doubted, plain]));
    expect(new Set(await frontpage(client, '?view=top&period=all'))).toEqual(new Set([doubted, plain]));
    const html = await (await client.get('/')).text();
    expect(html).toMatch(
      /class="tag-filter-chip tag-filter-hidden"[\s\S]*Hidden topic[\s\S]*<option value="hidden" selected/,
    );
    // Back to Default: the filter is gone and the post returns.
    await setFilter(client, x, 'default');
    expect(await frontpage(client)).toEqual([tagged, doubted, plain]);
    expect(await db.query('SELECT 1 FROM user_tag_filters WHERE tag_id = $1', [x])).toEqual([]);
  });

  it('Required keeps only posts with every required tag, in every order', async () => {
    const x = await makeTag('Required one');
    const y = await makeTag('Required two');
    const onlyX = await post('Only X', 4);
    const both = await post('Both', 3);
    const onlyY = await post('Only Y', 2);
    const none = await post('None', 1);
    await tagPost(onlyX, x);
    await tagPost(both, x);
    await tagPost(both, y);
    await tagPost(onlyY, y);
    await tagPost(none, x, -3);
    const { client } = await reader();
    await setFilter(client, x, 'required');
    expect(await frontpage(client)).toEqual([onlyX, both]);
    expect(new Set(await frontpage(client, '?view=recent'))).toEqual(new Set([onlyX, both]));
    await setFilter(client, y, 'required');
    expect(await frontpage(client)).toEqual([both]);
    expect(await frontpage(client, '?view=top&period=all')).toEqual([both]);
  });

  it('Reduced halves and Subscribed adds 25 karma in the Magic formula; Recent is untouched', async () => {
    const reduced = await makeTag('Reduced topic');
    const subscribed = await makeTag('Subscribed topic');
    const high = await post('High but reduced', 10, 30);
    const middle = await post('Middle', 6, 20);
    const low = await post('Low but subscribed', 1, 2.5);
    const twice = await post('Reduced twice over?', 9, 10);
    await tagPost(high, reduced);
    await tagPost(low, subscribed);
    await tagPost(twice, reduced);
    await tagPost(twice, subscribed, -1); // does not count
    const { client } = await reader();
    await setFilter(client, reduced, 'reduced');
    await setFilter(client, subscribed, 'subscribed');
    // low: 1 + 25 / (2.5 + 2)^1.15 ≈ 5.4: below middle (6), above high (10 × 0.5) and twice (9 × 0.5).
    expect(await frontpage(client)).toEqual([middle, low, high, twice]);
    expect(await frontpage(client, '?view=recent')).toEqual([low, twice, middle, high]);

    // The arithmetic exactly, straight from the query.
    const set = filterSet([
      { tagId: reduced, name: 'r', slug: 'r', mode: 'reduced' },
      { tagId: subscribed, name: 's', slug: 's', mode: 'subscribed' },
    ]);
    const asOf = new Date();
    const rows = await adjustedMagicList(db, set, 10, asOf);
    const [published] = await db.query<{ publishedAt: Date }>(
      'SELECT published_at AS "publishedAt" FROM posts WHERE id = $1',
      [low],
    );
    const boost = magicScore(25, 0, (asOf.getTime() - published!.publishedAt.getTime()) / HOUR);
    expect(rows.map((r) => [r.id, r.adjustedScore])).toEqual([
      [middle, expect.closeTo(6, 9)],
      [low, expect.closeTo(1 + boost, 9)],
      [high, expect.closeTo(5, 9)],
      [twice, expect.closeTo(4.5, 9)],
    ]);
  });
});

describe('paging with filters', () => {
  it('pages the adjusted Magic list through "Load more" and through small windows without gaps or repeats', async () => {
    const r = await makeTag('Paged reduced');
    const s = await makeTag('Paged subscribed');
    const h = await makeTag('Paged hidden');
    const ids: string[] = [];
    for (let i = 0; i < 45; i++) {
      // Scores tie in pairs, so the id breaks ties across page boundaries too.
      const id = await post(`Paged ${i}`, Math.floor(i / 2) * 0.05, (i * 37) % 400);
      ids.push(id);
      if (i % 3 === 0) await tagPost(id, r);
      if (i % 4 === 1) await tagPost(id, s);
      if (i % 5 === 2) await tagPost(id, h);
    }
    const filters: TagFilter[] = [
      { tagId: r, name: 'r', slug: 'r', mode: 'reduced' },
      { tagId: s, name: 's', slug: 's', mode: 'subscribed' },
      { tagId: h, name: 'h', slug: 'h', mode: 'hidden' },
    ];
    const set = filterSet(filters);
    const asOf = new Date();
    // Every page of 3 (a window of 15) after the cursor of the last, against one query for everything.
    const whole = await adjustedMagicList(db, set, 100, asOf);
    expect(whole).toHaveLength(45 - 9);
    const paged: PostListItem[] = [];
    let cursor: { list: string; key: number; id: string } | undefined;
    let statements = 0;
    let pages = 0;
    const counting: Queryable = {
      query: <T>(sql: string, params?: unknown[]) => {
        statements++;
        return db.query<T>(sql, params);
      },
      exec: (sql) => db.exec(sql),
      transaction: (fn) => db.transaction(fn),
    };
    for (;;) {
      pages++;
      const page = await adjustedMagicList(counting, set, 3, asOf, cursor);
      paged.push(...page);
      const last = page.at(-1);
      if (page.length < 3 || !last) break;
      cursor = { list: adjustedListName(set, asOf), key: last.adjustedScore!, id: last.id };
    }
    expect(paged.map((p) => p.id)).toEqual(whole.map((p) => p.id));
    // Some pages needed a wider window or a longer horizon (posts up to 16 days old, horizon first 3 days).
    expect(statements).toBeGreaterThan(pages);

    // The same through the pages a reader follows.
    const { client } = await reader();
    for (const f of filters) await setFilter(client, f.tagId, f.mode);
    const seen: string[] = [];
    let html = await (await client.get('/')).text();
    seen.push(...listed(html));
    for (let next = html.match(/href="(\/posts\?[^"]+)" data-load-more/); next; ) {
      html = await (await client.get(next[1]!.replaceAll('&amp;', '&'))).text();
      seen.push(...listed(html));
      next = html.match(/href="(\/posts\?[^"]+)" data-load-more/);
    }
    expect(seen).toEqual(whole.map((p) => p.id));
  });
});

describe('logged-out readers', () => {
  it('get the site defaults as chips without controls; a reader without filters sees everything', async () => {
    const x = await makeTag('Site hidden');
    const tagged = await post('Hidden by default', 2);
    const plain = await post('Shown', 1);
    await tagPost(tagged, x);
    await db.query(`INSERT INTO site_tag_filters (tag_id, mode) VALUES ($1, 'hidden')`, [x]);
    const anonymous = new TestClient(app);
    const html = await (await anonymous.get('/')).text();
    expect(listed(html)).toEqual([plain]);
    expect(html).toContain('class="tag-filter-chip tag-filter-hidden"');
    expect(html).toContain('Site hidden');
    expect(html).not.toContain('action="/tag-filters"');
    expect(html).toMatch(/Log in<\/a> to choose your own/);
    const { client } = await reader();
    expect(await frontpage(client)).toEqual([tagged, plain]);
    // Logged out, setting a filter is refused with the frontpage and a message.
    const refused = await anonymous.post('/tag-filters', { tagId: x, mode: 'hidden' });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/Latest posts[\s\S]*role="alert"><p>Log in to choose your own tag filters/);
  });
});

describe('bad input', () => {
  it('answers each mistake with a 4xx naming the field, on the frontpage with what was chosen', async () => {
    const x = await makeTag('Valid tag');
    const { client } = await reader();
    const other = await makeUser(db);
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ tagId: newId(), mode: 'hidden' }, 422, /tagId names no tag/],
      [{ tagId: x, mode: 'invisible' }, 422, /mode must be hidden, reduced, default, subscribed or required/],
      [{ mode: 'hidden' }, 422, /tagId is missing/],
      [{ tagId: x }, 422, /mode (is missing|must be)/],
      [{ tagId: 'x'.repeat(10_000), mode: 'hidden' }, 422, /tagId is too long/],
      [{ tagId: `<script>${x}`, mode: 'hidden' }, 422, /tagId is not a tag id/],
      [{ tagId: x, mode: 'hidden', userId: other.id }, 403, /userId is not yours/],
      [{ tagId: x, mode: 'hidden', returnTo: 'y'.repeat(5000) }, 422, /returnTo is too long/],
    ];
    for (const [form, status, message] of cases) {
      const response = await client.post('/tag-filters', form);
      expect(response.status, JSON.stringify(form).slice(0, 80)).toBe(status);
      const html = await response.text();
      expect(html).toMatch(message);
      expect(html).toContain('Latest posts');
      expect(html).not.toContain('<script>');
    }
    // The add form shows the reader's choice again.
    const again = await (await client.post('/tag-filters', { tagId: x, mode: 'bogus' })).text();
    expect(again).toMatch(new RegExp(`<option value="${x}" selected`));
    expect(await db.query('SELECT 1 FROM user_tag_filters WHERE tag_id = $1', [x])).toEqual([]);
  });
});

describe('with caches on', () => {
  let cached: Awaited<ReturnType<typeof makeTestApp>>;
  beforeAll(async () => {
    cached = await makeTestApp(db, { PAGE_CACHE_TTL_MS: '600000', LIST_REFRESH_MS: '600000' });
  });
  afterAll(async () => {
    await cached?.caching?.stop();
  });

  it('keeps readers with different filters apart and shows a reader their own change on their next page', async () => {
    const x = await makeTag('Cached topic');
    const tagged = await post('Cached tagged', 2);
    const plain = await post('Cached plain', 1);
    await tagPost(tagged, x);
    const clients = [];
    const modes: (FilterMode | 'none')[] = ['hidden', 'required', 'none'];
    for (const mode of modes) {
      const user = await makeUser(db);
      const client = new TestClient(cached.app);
      await client.logIn(user.username, TEST_PASSWORD);
      if (mode !== 'none') await setFilter(client, x, mode);
      clients.push(client);
    }
    const anonymous = new TestClient(cached.app);
    await cached.caching!.caches.settle();
    const expected = [[plain], [tagged], [tagged, plain]];
    // Twice each, interleaved: the second round comes from the caches.
    for (let round = 0; round < 2; round++) {
      for (const [i, client] of clients.entries()) expect(await frontpage(client)).toEqual(expected[i]);
      expect(await frontpage(anonymous)).toEqual([tagged, plain]);
    }
    expect((await clients[2]!.get('/')).headers.get('x-cache')).toBe('hit');
    // Read-your-writes: the hiding reader sets Default and sees the post on their very next page.
    await setFilter(clients[0]!, x, 'default');
    expect(await frontpage(clients[0]!)).toEqual([tagged, plain]);
    // A link that stops counting reaches the filtered lists.
    await db.query('UPDATE post_tags SET relevance = -1 WHERE post_id = $1 AND tag_id = $2', [tagged, x]);
    await cached.caching!.caches.settle();
    expect(await frontpage(clients[1]!)).toEqual([]);
    // The site's defaults reach logged-out pages.
    await db.query('UPDATE post_tags SET relevance = 1 WHERE post_id = $1 AND tag_id = $2', [tagged, x]);
    await db.query(`INSERT INTO site_tag_filters (tag_id, mode) VALUES ($1, 'required')`, [x]);
    await cached.caching!.caches.settle();
    expect(await frontpage(anonymous)).toEqual([tagged]);
  });
});

describe('where a filter is set', () => {
  it("a tag's own page sets the reader's filter on it; the frontpage offers only the most used tags", async () => {
    const common = await makeTag('Common filter tag');
    const rare = await makeTag('Rare filter tag');
    const kept = await post('Post without the rare tag', 5);
    const gone = await post('Post with the rare tag', 9);
    await tagPost(gone, rare);
    // More than the frontpage offers: the rare tag (on one post) is left out of its select, the common one not.
    await db.query('UPDATE tags SET post_count = 1000 WHERE id = $1', [common]);
    await db.query(
      `INSERT INTO tags (id, name, slug, created_by, post_count)
       SELECT 'filler' || n, 'Filler ' || n, 'filler-' || n, $1, 10 FROM generate_series(1, 100) AS n`,
      [tagAuthor],
    );
    const { client } = await reader();
    const front = await (await client.get('/')).text();
    expect(front).toContain(`<option value="${common}"`);
    expect(front).not.toContain(`<option value="${rare}"`);

    const slug = `rare-filter-tag-${rare.slice(0, 5).toLowerCase()}`;
    await db.query('UPDATE tags SET slug = $2 WHERE id = $1', [rare, slug]);
    const tagPage = await (await client.get(`/tags/${slug}`)).text();
    expect(tagPage).toContain('posts tagged “Rare filter tag” are');
    expect(tagPage).toMatch(/<option value="default" selected="">Default<\/option>/);
    const response = await client.post('/tag-filters', { tagId: rare, mode: 'hidden', returnTo: `/tags/${slug}` });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/tags/${slug}`);
    expect(await (await client.get(`/tags/${slug}`)).text()).toMatch(
      /<option value="hidden" selected="">Hidden<\/option>/,
    );
    expect(await frontpage(client)).toEqual([kept]);
    // Logged out: no control, the page as cached for everyone.
    expect(await (await new TestClient(app).get(`/tags/${slug}`)).text()).not.toContain('posts tagged “Rare');
    await db.query("DELETE FROM tags WHERE id LIKE 'filler%'");
  });
});
