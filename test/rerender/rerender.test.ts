import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editComment } from '../../src/comments/service.js';
import { RenderPool, stopRenderPool } from '../../src/content/pool.js';
import { renderContent } from '../../src/content/render.js';
import type { Listener } from '../../src/db/database.js';
import { newId } from '../../src/db/ids.js';
import { savePost } from '../../src/posts/service.js';
import { keysetPage } from '../../src/rerender/batches.js';
import { type RerenderOptions, type RerenderReport, rerenderStoredContent } from '../../src/rerender/rerender.js';
import type { Renderer } from '../../src/rerender/stored-content.js';
import { useTestDatabase } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { actorOf, makePost, makeUser } from '../helpers/factories.js';
import { RUNAWAY_MARKER, RUNAWAY_WORKER } from '../helpers/runaway.js';
import { makeForum, makeStale, OLD_HTML, renderings, rowVersions } from './forum.js';

const { db } = useTestDatabase();
// The command's own pool; the services the factories call render in the process's pool, as a server would.
let pool: RenderPool;

beforeAll(async () => {
  pool = new RenderPool({ size: 1, maxQueue: Number.POSITIVE_INFINITY, timeoutMs: 60_000 });
});
afterAll(async () => {
  await pool.close();
  await stopRenderPool();
});

const rerender = (options: RerenderOptions = {}) => rerenderStoredContent(db, { pool, batchSize: 2, ...options });
const outcome = (report: RerenderReport, label: string) => report.tables.find((t) => t.label === label)!;
const changedPerTable = (report: RerenderReport) => Object.fromEntries(report.tables.map((t) => [t.label, t.changed]));

/** Listens to the cache channel; `settle` waits until everything sent so far has arrived. */
async function listenToCaches() {
  const messages: string[] = [];
  const listener: Listener = await db.listen('lyceum_cache', { onMessage: (m) => messages.push(m) });
  return {
    messages,
    async settle() {
      const marker = `marker:${randomBytes(6).toString('hex')}`;
      await db.query('SELECT pg_notify($1, $2)', ['lyceum_cache', marker]);
      await eventually(async () => messages.includes(marker), 10);
      await listener.stop();
    },
  };
}

describe('re-rendering stored content', () => {
  it('rewrites stale HTML, excerpts, counts and tables of contents in every table to what a save renders now', async () => {
    const forum = await makeForum(db);
    const saved = await renderings(db, forum);
    // What the current pipeline stores: typeset math, footnotes under the row's id, titled links, a contents.
    expect(saved.post!.body_html).toContain('class="katex"');
    expect(saved.post!.body_html).toContain(`fn-${forum.postId}-1`);
    expect(saved.post!.body_html).toContain('title="The linked target"');
    expect(saved.post!.toc).toEqual([
      expect.objectContaining({ text: 'Estimates' }),
      expect.objectContaining({ text: 'Proof' }),
    ]);
    expect(saved.commentRevisions).toHaveLength(1);
    expect(saved.tag!.description_html).toContain(`fn-${forum.tagId}-1`);
    expect(saved.tagRevisions).toHaveLength(2);
    expect(changedPerTable(await rerender())).toEqual({
      posts: 0,
      'post guidelines': 0,
      'post revisions': 0,
      comments: 0,
      'comment revisions': 0,
      sequences: 0,
      tags: 0,
      'tag revisions': 0,
      'user bios': 0,
    });

    await makeStale(db, forum);
    await db.query('DELETE FROM post_links WHERE source_id IN ($1, $2)', [forum.postId, forum.commentId]);
    const report = await rerender();

    expect(changedPerTable(report)).toEqual({
      posts: 1,
      'post guidelines': 1,
      'post revisions': 1,
      comments: 1,
      'comment revisions': 1,
      sequences: 1,
      tags: 1,
      'tag revisions': 1,
      'user bios': 1,
    });
    expect(outcome(report, 'tags').columns).toEqual({
      description_html: 1,
      description_excerpt: 1,
      description_excerpt_html: 1,
    });
    expect(outcome(report, 'posts').columns).toEqual({
      body_html: 1,
      excerpt: 1,
      excerpt_html: 1,
      word_count: 1,
      reading_minutes: 1,
      toc: 1,
    });
    expect(outcome(report, 'posts').examples).toEqual([forum.postId]);
    expect(report.failures).toEqual([]);
    expect(await renderings(db, forum)).toEqual(saved);
    // The links are recorded again, as a save records them: the target's backlinks are back.
    const links = await db.query('SELECT source_kind, source_id FROM post_links WHERE target_post_id = $1', [
      forum.targetId,
    ]);
    expect(links).toEqual(
      expect.arrayContaining([
        { source_kind: 'post', source_id: forum.postId },
        { source_kind: 'comment', source_id: forum.commentId },
      ]),
    );
  });

  it('writes no row whose stored rendering is current, and announces nothing about them', async () => {
    const forum = await makeForum(db);
    const deleted = await makeForum(db);
    await db.query(
      `UPDATE comments SET deleted = true, body_markdown = '', body_html = '', excerpt = '' WHERE id = $1`,
      [deleted.commentId],
    );
    const versions = await rowVersions(db, forum);
    const deletedVersions = await rowVersions(db, deleted);
    const caches = await listenToCaches();

    const report = await rerender();
    await caches.settle();

    expect(report.tables.every((t) => t.changed === 0 && t.skipped === 0)).toBe(true);
    expect(outcome(report, 'comments').unchanged).toBeGreaterThan(0);
    expect(await rowVersions(db, forum)).toEqual(versions);
    expect(await rowVersions(db, deleted)).toEqual(deletedVersions);
    const ours = [forum.postId, forum.targetId, deleted.postId, `sequence:${forum.sequenceId}`, `tag:${forum.tagId}`];
    expect(caches.messages.filter((m) => ours.some((id) => m.includes(id)))).toEqual([]);
  });

  it("tells running servers' caches of every row it rewrites", async () => {
    // One stale row per table, each under a post of its own, so each announcement can only come from its rewrite.
    const a = await makeForum(db);
    const b = await makeForum(db);
    const bystander = await makePost(db);
    await db.query('UPDATE posts SET body_html = $2 WHERE id = $1', [bystander.id, OLD_HTML]);
    await db.query('UPDATE post_revisions SET body_html = $2 WHERE post_id = $1', [a.postId, OLD_HTML]);
    await db.query('UPDATE sequences SET description_html = $2 WHERE id = $1', [a.sequenceId, OLD_HTML]);
    await db.query('UPDATE users SET bio_html = $2 WHERE id = $1', [a.authorId, OLD_HTML]);
    await db.query('UPDATE comments SET body_html = $2 WHERE id = $1', [b.commentId, OLD_HTML]);
    await db.query('UPDATE tags SET description_html = $2 WHERE id = $1', [b.tagId, OLD_HTML]);
    await db.query('UPDATE tag_revisions SET body_html = $2 WHERE tag_id = $1', [a.tagId, OLD_HTML]);
    const caches = await listenToCaches();

    const report = await rerender();
    await caches.settle();

    expect(changedPerTable(report)).toEqual({
      posts: 1,
      'post guidelines': 0,
      'post revisions': 2,
      comments: 1,
      'comment revisions': 0,
      sequences: 1,
      tags: 1,
      'tag revisions': 2,
      'user bios': 1,
    });
    expect(caches.messages).toEqual(
      expect.arrayContaining([
        `post:${bystander.id}`, // posts: the table's trigger
        `post:${a.postId}`, // post revisions: announced by the command
        `comments:${b.postId}`, // comments: the table's trigger, under their post
        `sequence:${a.sequenceId}`,
        'sequences',
        `tag:${b.tagId}`, // tags: the table's trigger
        `tag:${a.tagId}`, // tag revisions: announced by the command
        'all', // a bio shows wherever its author's name does
      ]),
    );
  });

  it('leaves a row edited while the command runs to the HTML its own save rendered', async () => {
    const edited = await makeForum(db);
    await makeStale(db, edited);
    const [post] = await db.query<{ title: string; markdown: string }>(
      'SELECT title, body_markdown AS markdown FROM posts WHERE id = $1',
      [edited.postId],
    );
    const [comment] = await db.query<{ markdown: string; authorId: string }>(
      'SELECT body_markdown AS markdown, author_id AS "authorId" FROM comments WHERE id = $1',
      [edited.commentId],
    );
    // Between rendering a row and writing it, its author saves a new text (once, as the row is first rendered).
    const editing = new Map<string, () => Promise<unknown>>([
      [
        post!.markdown,
        () =>
          savePost(
            db,
            actorOf(edited.authorId),
            edited.postId,
            { title: post!.title, body: 'Rewritten while the command ran, $y$.', note: '' },
            'save',
          ),
      ],
      [
        comment!.markdown,
        () => editComment(db, actorOf(comment!.authorId), edited.commentId, 'Edited meanwhile, $z$.'),
      ],
    ]);
    const interfering: Renderer = {
      options: pool.options,
      async render(markdown, options) {
        const edit = editing.get(markdown);
        editing.delete(markdown);
        await edit?.();
        return pool.render(markdown, options);
      },
      renderHtml: (markdown, options) => pool.renderHtml(markdown, options),
      diffRevisions: (before, after) => pool.diffRevisions(before, after),
    };

    const report = await rerender({ pool: interfering });

    expect(editing.size).toBe(0);
    expect(outcome(report, 'posts')).toMatchObject({ skipped: 1 });
    expect(outcome(report, 'comments')).toMatchObject({ skipped: 1 });
    const [postNow] = await db.query<{ markdown: string; html: string; excerpt: string }>(
      'SELECT body_markdown AS markdown, body_html AS html, excerpt FROM posts WHERE id = $1',
      [edited.postId],
    );
    expect(postNow!.markdown).toBe('Rewritten while the command ran, $y$.');
    expect(postNow!.html).toBe(renderContent(postNow!.markdown, { docId: edited.postId }).html);
    expect(postNow!.excerpt).toBe('Rewritten while the command ran, $y$.');
    const [commentNow] = await db.query<{ html: string }>('SELECT body_html AS html FROM comments WHERE id = $1', [
      edited.commentId,
    ]);
    expect(commentNow!.html).toBe(renderContent('Edited meanwhile, $z$.', { docId: edited.commentId }).html);
    // Rows nobody touched were still brought up to date.
    expect(outcome(report, 'sequences').changed).toBe(1);
    expect(outcome(report, 'tags').changed).toBe(1);
  });

  it('reports what a dry run would change and writes nothing', async () => {
    const stale = await makeForum(db);
    const saved = await renderings(db, stale);
    await makeStale(db, stale);
    const staleRenderings = await renderings(db, stale);
    const versions = await rowVersions(db, stale);

    const dry = await rerender({ dryRun: true });

    expect(dry.dryRun).toBe(true);
    expect(changedPerTable(dry)).toEqual({
      posts: 1,
      'post guidelines': 1,
      'post revisions': 1,
      comments: 1,
      'comment revisions': 1,
      sequences: 1,
      tags: 1,
      'tag revisions': 1,
      'user bios': 1,
    });
    expect(outcome(dry, 'user bios').examples).toEqual([stale.authorId]);
    expect(await rowVersions(db, stale)).toEqual(versions);
    expect(await renderings(db, stale)).toEqual(staleRenderings);

    await rerender();
    expect(await renderings(db, stale)).toEqual(saved);
  });

  it('fills the word diff of a post or tag revision saved without one', async () => {
    const revised = await makeForum(db);
    const storedDiffs = async () => ({
      post: await db.query<{ number: number; diff: unknown }>(
        'SELECT number, diff FROM post_revisions WHERE post_id = $1 ORDER BY number',
        [revised.postId],
      ),
      tag: await db.query<{ number: number; diff: unknown }>(
        'SELECT number, diff FROM tag_revisions WHERE tag_id = $1 ORDER BY number',
        [revised.tagId],
      ),
    });
    const saved = await storedDiffs();
    const added = { body: expect.arrayContaining([{ kind: 'added', text: expect.any(String) }]) };
    expect(saved.post).toEqual([
      { number: 1, diff: null },
      { number: 2, diff: expect.objectContaining(added) },
    ]);
    expect(saved.tag).toEqual([
      { number: 1, diff: null },
      { number: 2, diff: expect.objectContaining(added) },
    ]);
    await db.query('UPDATE post_revisions SET diff = NULL WHERE post_id = $1', [revised.postId]);
    await db.query('UPDATE tag_revisions SET diff = NULL WHERE tag_id = $1', [revised.tagId]);

    expect((await rerender({ dryRun: true })).diffs).toEqual({ missing: 2, filled: 0 });
    expect((await rerender()).diffs).toEqual({ missing: 2, filled: 2 });

    expect(await storedDiffs()).toEqual(saved);
  });

  it('names a row past the render time limit, keeps its HTML, and goes on with the rest', async () => {
    const author = await makeUser(db);
    const heavyId = newId();
    const heavy = `A text that never finishes rendering in the test worker. ${RUNAWAY_MARKER}`;
    await db.query(
      `INSERT INTO posts (id, author_id, title, slug, body_markdown, body_html, excerpt, status)
       VALUES ($1, $2, 'Heavy', 'heavy', $3, $4, 'old', 'published')`,
      [heavyId, author.id, heavy, OLD_HTML],
    );
    const stale = await makePost(db);
    await db.query('UPDATE posts SET body_html = $2 WHERE id = $1', [stale.id, OLD_HTML]);
    // The runaway text meets a pool whose worker never finishes it; the rest keep the usual pool and limit.
    const tight = new RenderPool({
      size: 1,
      maxQueue: Number.POSITIVE_INFINITY,
      timeoutMs: 150,
      entry: RUNAWAY_WORKER,
    });
    const limited: Renderer = {
      options: pool.options,
      render: (markdown, options) => (markdown === heavy ? tight : pool).render(markdown, options),
      renderHtml: (markdown, options) => (markdown === heavy ? tight : pool).renderHtml(markdown, options),
      diffRevisions: (before, after) => pool.diffRevisions(before, after),
    };
    try {
      const dry = await rerender({ pool: limited, dryRun: true });
      expect(dry.failures).toEqual([{ table: 'posts', id: heavyId, message: expect.stringMatching(/took longer/) }]);
      expect(outcome(dry, 'posts')).toMatchObject({ failed: 1, changed: 1, examples: [stale.id] });

      const report = await rerender({ pool: limited });
      expect(report.failures.map((f) => f.id)).toEqual([heavyId]);
      const html = await db.query<{ id: string; html: string }>(
        'SELECT id, body_html AS html FROM posts WHERE id = ANY ($1::text[]) ORDER BY id = $2 DESC',
        [[heavyId, stale.id], heavyId],
      );
      expect(html[0]!.html).toBe(OLD_HTML);
      expect(html[1]!.html).not.toBe(OLD_HTML);
    } finally {
      await tight.close();
      await db.query('DELETE FROM posts WHERE id = $1', [heavyId]);
    }
  });

  it('ends a batch once its Markdown passes the character budget, after at least one row', async () => {
    const author = await makeUser(db);
    const lengths = [3_000, 5_000, 1_000, 4_000];
    // In the database's own order of ids (its collation, which need not be JavaScript's).
    const ids = (
      await db.query<{ id: string }>('SELECT unnest($1::text[]) AS id ORDER BY 1', [lengths.map(() => newId())])
    ).map((r) => r.id);
    for (const [i, id] of ids.entries()) {
      await db.query(
        `INSERT INTO posts (id, author_id, title, slug, body_markdown, body_html, excerpt)
         VALUES ($1, $2, 'Long', 'long', $3, '', '')`,
        [id, author.id, 'x'.repeat(lengths[i]!)],
      );
    }
    const inner = `SELECT t.id, length(t.body_markdown) AS chars FROM posts t
                    WHERE t.id > $1 AND t.id = ANY ('{${ids.join(',')}}'::text[]) ORDER BY t.id LIMIT $2`;
    const page = async (after: string, rows: number, maxChars: number) =>
      (await keysetPage(db, inner, after, rows, maxChars)).map((r) => r.id);

    expect(await page('', 10, 1_000_000)).toEqual(ids);
    expect(await page('', 3, 1_000_000)).toEqual(ids.slice(0, 3));
    expect(await page('', 10, 8_001)).toEqual(ids.slice(0, 3)); // 3,000 + 5,000 before the third
    expect(await page('', 10, 8_000)).toEqual(ids.slice(0, 2));
    expect(await page('', 10, 1)).toEqual(ids.slice(0, 1)); // a row longer than the budget still goes alone
    expect(await page(ids[1]!, 10, 1_000_000)).toEqual(ids.slice(2));
    await db.query('DELETE FROM posts WHERE id = ANY ($1::text[])', [ids]);
  });
});
