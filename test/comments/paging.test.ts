import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMENT_PAGE_BUDGET, paginateThreads, type ShownNode } from '../../src/comments/paging.js';
import { type CommentRow, commentsOfPost } from '../../src/comments/queries.js';
import type { CommentNode } from '../../src/comments/tree.js';
import type { Database } from '../../src/db/database.js';
import { makeTestApp, opened, TestClient, useTestApp, useTestDatabase } from '../helpers/app.js';
import { makeComment, makePost } from '../helpers/factories.js';

let nextId = 0;
/** A comment node with a body of `size` characters and the given replies. */
function node(size: number, replies: CommentNode[] = []): CommentNode {
  const comment = { id: `c${nextId++}`, bodyLength: size } as CommentRow;
  const descendantCount = replies.reduce((sum, r) => sum + 1 + r.descendantCount, 0);
  return { comment, replies, descendantCount };
}

function idsOf(nodes: ShownNode[]): string[] {
  const out: string[] = [];
  const stack = [...nodes];
  while (stack.length > 0) {
    const n = stack.pop()!;
    out.push(n.comment.id);
    stack.push(...n.replies);
  }
  return out;
}

function allIds(nodes: CommentNode[]): string[] {
  return idsOf(nodes as ShownNode[]);
}

/**
 * Everything a reader can reach from page 1 of a discussion by following "More" and "Continue this thread":
 * the comments shown, how often each, and the largest page met (in characters of bodies).
 */
function readEverything(roots: CommentNode[], budget: number) {
  const seen = new Map<string, number>();
  let largest = 0;
  const byId = new Map(allIds(roots).map((id) => [id, id]));
  const nodes = new Map<string, CommentNode>();
  const index = (list: CommentNode[]) => {
    for (const n of list) {
      nodes.set(n.comment.id, n);
      index(n.replies);
    }
  };
  index(roots);
  const queue: Array<{ list: CommentNode[]; page: number }> = [{ list: roots, page: 1 }];
  const visited = new Set<string>();
  let steps = 0;
  while (queue.length > 0) {
    const { list, page } = queue.shift()!;
    const key = `${list[0]?.comment.id}:${page}`;
    if (visited.has(key)) continue;
    visited.add(key);
    if (++steps > 10_000) throw new Error('the links go round in circles');
    const shown = paginateThreads(list, page, budget);
    const size = idsOf(shown.nodes).reduce((sum, id) => sum + nodes.get(id)!.comment.bodyLength, 0);
    largest = Math.max(largest, size);
    for (const id of idsOf(shown.nodes)) seen.set(id, (seen.get(id) ?? 0) + 1);
    if (shown.page < shown.pageCount) queue.push({ list, page: shown.page + 1 });
    const walk = (ns: ShownNode[]) => {
      for (const n of ns) {
        if (n.continued) queue.push({ list: nodes.get(n.comment.id)!.replies, page: n.continued.page });
        walk(n.replies);
      }
    };
    walk(shown.nodes);
  }
  return { seen, largest, total: byId.size };
}

describe('paging a discussion', () => {
  it('puts whole threads on a page while they fit, and every comment on exactly one page', () => {
    const roots = Array.from({ length: 30 }, () => node(100, [node(100), node(100, [node(100)])]));
    const budget = 10 * 4 * (100 + 1_500);
    const first = paginateThreads(roots, 1, budget);
    expect(first.pageCount).toBe(3);
    expect(first.nodes).toHaveLength(10);
    expect(first.nodes.every((n) => !n.continued)).toBe(true);
    const pages = [1, 2, 3].map((p) => idsOf(paginateThreads(roots, p, budget).nodes));
    const everyId = pages.flat();
    expect(new Set(everyId).size).toBe(everyId.length);
    expect(everyId.sort()).toEqual(allIds(roots).sort());
  });

  it('cuts a thread too large for one page and says how many replies continue, and where', () => {
    // A chain of 10 large replies: about four fit.
    let chain = node(10_000);
    for (let i = 0; i < 9; i++) chain = node(10_000, [chain]);
    const page = paginateThreads([chain], 1, 4 * 11_500);
    const shown = idsOf(page.nodes);
    expect(shown).toHaveLength(4);
    let deepest = page.nodes[0]!;
    while (deepest.replies[0]) deepest = deepest.replies[0];
    expect(deepest.continued).toEqual({ count: 6, page: 1 });
  });

  it('continues a wide thread on the right page of its comment’s replies', () => {
    const root = node(
      100,
      Array.from({ length: 12 }, () => node(10_000)),
    );
    const budget = 3 * 11_500;
    const page = paginateThreads([root], 1, budget);
    expect(page.nodes[0]!.replies).toHaveLength(2);
    expect(page.nodes[0]!.continued?.count).toBe(10);
    // On the root's permalink its replies come three to a page, so the third reply is on page 1 there.
    expect(page.nodes[0]!.continued?.page).toBe(1);
  });

  it('lets a reader reach every comment of any discussion through bounded pages, without loops', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const grow = (depth: number): CommentNode => {
      const size = random() < 0.1 ? 40_000 : Math.floor(random() * 3_000);
      const count = depth > 6 ? 0 : Math.floor(random() * (depth < 2 ? 6 : 3));
      return node(
        size,
        Array.from({ length: count }, () => grow(depth + 1)),
      );
    };
    for (let round = 0; round < 5; round++) {
      const roots = Array.from({ length: 8 }, () => grow(0));
      const budget = 60_000;
      const { seen, largest, total } = readEverything(roots, budget);
      expect(seen.size).toBe(total);
      // A page holds at most its budget, plus the one comment that alone is larger than the rest of it.
      expect(largest).toBeLessThanOrEqual(budget + 40_000);
    }
  });
});

describe('long discussions in the app', () => {
  const { db, app } = useTestApp();
  let client: TestClient;

  beforeAll(() => {
    client = new TestClient(app);
  });

  // About 200 KB of HTML per comment.
  const bulky = (n: number) => `Comment ${n}. ${'lorem ipsum dolor '.repeat(11_000)}`;

  it('shows a discussion too large for one page in pages of bounded size, each comment once', async () => {
    const post = await makePost(db, { title: 'Heavy discussion' });
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push((await makeComment(db, { postId: post.id, markdown: bulky(i) })).id);
    const path = `/posts/${post.id}/heavy-discussion`;
    const seen: string[] = [];
    let url: string | undefined = path;
    let pages = 0;
    while (url) {
      const response = await client.get(url);
      expect(response.status).toBe(200);
      const html = await response.text();
      pages++;
      expect(html.length).toBeLessThan(COMMENT_PAGE_BUDGET + 300_000);
      seen.push(...ids.filter((id) => html.includes(`id="comment-${id}"`)));
      const next = /<a href="([^"]+)" data-load-more="comments"/.exec(html)?.[1];
      url = next?.replaceAll('&amp;', '&');
    }
    expect(pages).toBeGreaterThan(1);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it('reads a discussion that fits one page with its text in one query, and a longer one’s text apart', async () => {
    const short = await makePost(db, { title: 'Short and sweet' });
    const first = await makeComment(db, { postId: short.id, markdown: 'First, with *emphasis*.' });
    const second = await makeComment(db, { postId: short.id, parentId: first.id, markdown: 'A reply.' });
    const read = await commentsOfPost(db, short.id);
    expect(read.rows.map((row) => row.id)).toEqual([first.id, second.id]);
    // The outlines a cached tree keeps carry no text; the text comes beside them.
    expect(read.rows.every((row) => row.bodyHtml === '')).toBe(true);
    const stored = await db.query<{ id: string; html: string }>(
      'SELECT id, body_html AS html FROM comments WHERE post_id = $1',
      [short.id],
    );
    expect(stored).toHaveLength(2);
    for (const { id, html } of stored) expect(read.bodies?.get(id)).toBe(html);
    expect(read.bodies?.get(first.id)).toContain('<em>emphasis</em>');

    // Past one page (COMMENT_PAGE_BUDGET), only the outlines: each page reads its own comments' text.
    const long = await makePost(db, { title: 'Long and heavy' });
    for (let i = 0; i < 3; i++) await makeComment(db, { postId: long.id, markdown: bulky(i) });
    const heavy = await commentsOfPost(db, long.id);
    expect(heavy.rows).toHaveLength(3);
    expect(heavy.bodies).toBeUndefined();
    expect(heavy.rows.every((row) => row.bodyHtml === '' && row.bodyLength > 150_000)).toBe(true);
    // And an empty discussion is no rows, no text.
    const quiet = await makePost(db, { title: 'Quiet' });
    expect(await commentsOfPost(db, quiet.id)).toEqual({ rows: [], bodies: undefined });
    const page = await (await client.get(`/posts/${long.id}/long-and-heavy`)).text();
    expect(page).toContain('Comment 0. lorem ipsum');
    expect(await (await client.get(`/posts/${short.id}/short-and-sweet`)).text()).toContain('<em>emphasis</em>');
  });

  it('continues a thread too large for its page on the permalink page of the comment it stopped at', async () => {
    const post = await makePost(db, { title: 'Deep chain' });
    const chain: string[] = [];
    let parentId: string | null = null;
    for (let i = 0; i < 20; i++) {
      const reply: { id: string } = await makeComment(db, { postId: post.id, parentId, markdown: bulky(i) });
      chain.push(reply.id);
      parentId = reply.id;
    }
    const html = await (await client.get(`/posts/${post.id}/deep-chain`)).text();
    const shown = chain.filter((id) => html.includes(`id="comment-${id}"`));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(chain.length);
    const link = /<p class="continue-thread"><a href="([^"]+)">Continue this thread: (\d+) more replies/.exec(html);
    expect(link).not.toBeNull();
    expect(Number(link![2])).toBe(chain.length - shown.length);
    const rest = await (await client.get(link![1]!.replaceAll('&amp;', '&'))).text();
    expect(rest).toContain(`id="comment-${chain[shown.length]}"`);
  });

  it('answers a malformed or missing page of comments with 422 and 404, naming the page', async () => {
    const post = await makePost(db, { title: 'Short talk' });
    await makeComment(db, { postId: post.id });
    const path = `/posts/${post.id}/short-talk`;
    for (const bad of ['0', '-1', 'two', '1.5', '99999999']) {
      const response = await client.get(`${path}?page=${bad}`);
      expect(response.status).toBe(422);
      expect(await response.text()).toContain('page must be a whole number');
    }
    const missing = await client.get(`${path}?page=2`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('has 1 page of comments');
    expect((await client.get(`${path}?page=1`)).status).toBe(200);
  });
});

describe("a long discussion's text, read as its pages show it", () => {
  const { db } = useTestDatabase();
  /** The comment ids of each query that read comments' text for a page (comments/queries.ts commentBodies). */
  const textReads: string[][] = [];
  let test: Awaited<ReturnType<typeof makeTestApp>> | undefined;
  beforeAll(async () => {
    const recording: Database = {
      ...db,
      query: (sql, params, prepared) => {
        if (sql.includes('body_html AS "bodyHtml" FROM comments WHERE'))
          textReads.push([...((params?.[0] as string[]) ?? [])]);
        return db.query(sql, params, prepared);
      },
    };
    test = await makeTestApp(recording, { PAGE_CACHE_TTL_MS: '600000' });
  });
  afterAll(() => test?.stop());

  it("keeps a busy discussion's text for its other orders and pages, until it changes", async () => {
    const app = opened(test, 'The test app');
    const post = await makePost(db, { title: 'Orders of a long discussion' });
    // About 60 KB of HTML each: twelve are two pages (COMMENT_PAGE_BUDGET), eight of them on the first.
    const ids: string[] = [];
    const at = (minutes: number) => new Date(Date.now() - (60 - minutes) * 60_000);
    for (let i = 0; i < 12; i++) {
      const markdown = `Comment ${i}. ${'lorem ipsum '.repeat(5_000)}`;
      ids.push((await makeComment(db, { postId: post.id, markdown, at: at(i) })).id);
    }
    const client = new TestClient(app.app);
    const page = async (query: string) => {
      const response = await client.get(`/posts/${post.id}/${post.slug}?${query}`);
      expect(response.status).toBe(200);
      return response.text();
    };
    const shown = (html: string) => ids.filter((_, i) => html.includes(`Comment ${i}. lorem`));
    const reads = () => textReads.map((read) => [...read].sort());

    // A discussion read for one page keeps nothing; from its second page or order on, what they read is kept.
    expect(shown(await page('sort=old'))).toEqual(ids.slice(0, 8));
    expect(shown(await page('sort=new'))).toEqual(ids.slice(4));
    // Top (no votes: oldest first) then needs only what new's page did not show, and old's second page nothing.
    expect(shown(await page('sort=top'))).toEqual(ids.slice(0, 8));
    expect(shown(await page('sort=old&page=2'))).toEqual(ids.slice(8));
    expect(reads()).toEqual([ids.slice(0, 8).sort(), ids.slice(4).sort(), ids.slice(0, 4).sort()]);
    // What the discussion keeps is weighed with it: the text of all twelve, about 720 KB.
    expect(app.caching!.caches.discussions.bytes).toBeGreaterThan(12 * 60_000);

    // A new comment is taken into the kept discussion (comment-added, discussion.ts), which keeps its texts: the
    // first tree showing it reads its text alone, and the next nothing.
    const added = await makeComment(db, { postId: post.id, markdown: 'The newest word.', at: at(30) });
    await app.caching!.caches.settle();
    const newest = await page('sort=new');
    expect(newest).toContain('The newest word.');
    expect(shown(newest)).toEqual(ids.slice(4));
    expect(shown(await page('sort=old'))).toEqual(ids.slice(0, 8));
    expect(reads().slice(3)).toEqual([[added.id]]);
    // An edit drops the discussion with its texts. The next one keeps them from its first page (the post was read
    // in several orders before): its first tree reads its page's text, the next only what is missing.
    await db.query(
      `UPDATE comments SET body_html = '<p>The newest word, edited.</p>', edited_at = now() WHERE id = $1`,
      [added.id],
    );
    await app.caching!.caches.settle();
    const edited = await page('sort=new');
    expect(edited).toContain('The newest word, edited.');
    expect(shown(await page('sort=old'))).toEqual(ids.slice(0, 8));
    expect(reads().slice(4)).toEqual([[added.id, ...ids.slice(4)].sort(), ids.slice(0, 4).sort()]);
  });
});
