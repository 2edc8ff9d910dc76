import { afterEach, describe, expect, it, vi } from 'vitest';
import { TaggedCache } from '../../src/cache/tagged-cache.js';
import { type CommentHeads, sharedCommentBytes } from '../../src/comments/heads.js';
import { paginateThreads } from '../../src/comments/paging.js';
import { commentsOfPost, readShownBodies } from '../../src/comments/queries.js';
import { type CommentSort, commentComparator } from '../../src/comments/sort.js';
import { buildCommentTree } from '../../src/comments/tree.js';
import { MAX_INDENT_DEPTH } from '../../src/comments/views.js';
import { useTestDatabase } from '../helpers/app.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';

// A post's tree is made again for each order and after each new comment from the comments' heads kept since the
// last rendering (comments/heads.ts). Whatever changed, the tree made from kept heads must be exactly the tree
// rendered whole.
describe("a comment tree made from its comments' kept heads", () => {
  const { db } = useTestDatabase();
  afterEach(() => {
    vi.useRealTimers();
  });

  // Kept for a day: the clock is moved on in one case.
  const newCache = () => new TaggedCache<CommentHeads>({ ttlMs: 86_400_000, maxEntries: 100 });

  async function threadsOf(postId: string, sort: CommentSort = 'old') {
    const { rows } = await commentsOfPost(db, postId);
    const threads = paginateThreads(buildCommentTree(rows, commentComparator(sort)).roots, 1);
    await readShownBodies(db, threads.nodes);
    return threads;
  }

  /** The tree from the kept heads, checked against the tree rendered whole, as text. */
  async function madeFromKept(
    post: { id: string; slug: string },
    cache: TaggedCache<CommentHeads>,
    sort?: CommentSort,
  ) {
    const kept = await sharedCommentBytes(await threadsOf(post.id, sort), post, cache);
    const whole = await sharedCommentBytes(await threadsOf(post.id, sort), post);
    expect(kept.toString()).toBe(whole.toString());
    return kept.toString();
  }

  async function discussion() {
    const post = await makePost(db, { title: 'Kept heads' });
    const [ann, ben, cat] = await Promise.all([makeUser(db), makeUser(db), makeUser(db)]);
    const at = (minutes: number) => new Date(Date.now() - (120 - minutes) * 60_000);
    const top = await makeComment(db, { postId: post.id, authorId: ann!.id, at: at(1), markdown: 'Top, ünïcode ✓.' });
    const reply = await makeComment(db, { postId: post.id, authorId: ben!.id, parentId: top.id, at: at(2) });
    const other = await makeComment(db, { postId: post.id, authorId: cat!.id, at: at(3), markdown: 'Other.' });
    return { post, ann: ann!, ben: ben!, cat: cat!, top, reply, other, at };
  }

  it('holds whatever changed: replies and their counts, edits, retraction, deletion, removal, names, orders', async () => {
    const d = await discussion();
    const cache = newCache();
    await madeFromKept(d.post, cache);

    // A reply changes its ancestors' reply counts ("[+2 replies hidden]").
    await makeComment(db, { postId: d.post.id, authorId: d.cat.id, parentId: d.reply.id, at: d.at(10) });
    expect(await madeFromKept(d.post, cache)).toContain('[+2 replies hidden]');

    // An edit, a retraction, a deletion and a moderator's removal.
    await db.query(`UPDATE comments SET body_html = '<p>Edited text.</p>', edited_at = now() WHERE id = $1`, [
      d.top.id,
    ]);
    expect(await madeFromKept(d.post, cache)).toContain('Edited text.');
    await db.query('UPDATE comments SET retracted = true WHERE id = $1', [d.other.id]);
    expect(await madeFromKept(d.post, cache)).toContain('comment-retracted');
    await db.query('UPDATE comments SET deleted = true WHERE id = $1', [d.reply.id]);
    expect(await madeFromKept(d.post, cache)).toContain('[deleted]');
    await db.query(`UPDATE comments SET deleted = true, removed_reason = 'Off topic' WHERE id = $1`, [d.other.id]);
    expect(await madeFromKept(d.post, cache)).toContain('Off topic');

    // The body changed with nothing else (the rendering pipeline rendered it again): the new text shows.
    await db.query(`UPDATE comments SET body_html = '<p>Rendered again.</p>' WHERE id = $1`, [d.top.id]);
    expect(await madeFromKept(d.post, cache)).toContain('Rendered again.');

    // An author renamed, and the post's slug changed (every comment's links).
    await db.query(`UPDATE users SET display_name = 'Annabel Renamed' WHERE id = $1`, [d.ann.id]);
    expect(await madeFromKept(d.post, cache)).toContain('Annabel Renamed');
    await db.query(`UPDATE posts SET slug = 'a-new-slug' WHERE id = $1`, [d.post.id]);
    expect(await madeFromKept({ id: d.post.id, slug: 'a-new-slug' }, cache)).toContain('a-new-slug#comment-');

    // Other orders, from the same heads.
    for (const sort of ['new', 'top', 'magic'] as const) await madeFromKept(d.post, cache, sort);
  });

  it('holds past the depth where replies stop indenting, whose parent author shows', async () => {
    const post = await makePost(db, { title: 'Deep' });
    const [a, b] = await Promise.all([makeUser(db), makeUser(db)]);
    let parentId: string | null = null;
    const chain: string[] = [];
    for (let i = 0; i <= MAX_INDENT_DEPTH + 1; i++) {
      const author = i % 2 === 0 ? a! : b!;
      const made = await makeComment(db, {
        postId: post.id,
        authorId: author.id,
        parentId,
        at: new Date(Date.now() - (60 - i) * 60_000),
      });
      chain.push(made.id);
      parentId = made.id;
    }
    const cache = newCache();
    expect(await madeFromKept(post, cache)).toContain('replying to');
    await db.query(`UPDATE users SET display_name = 'Renamed Parent' WHERE id = $1`, [a!.id]);
    expect(await madeFromKept(post, cache)).toContain('replying to Renamed Parent');
  });

  it('holds as time passes ("just now" becomes "5 minutes ago")', async () => {
    const d = await discussion();
    const cache = newCache();
    const fresh = await makeComment(db, { postId: d.post.id, authorId: d.ann.id, at: new Date() });
    expect(await madeFromKept(d.post, cache)).toContain('just now');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 5 * 60_000);
    const tree = await madeFromKept(d.post, cache);
    expect(tree).toContain('5 minutes ago');
    expect(tree).toContain(`comment-${fresh.id}`);
  });

  it('renders again only the new comment and those whose reply counts it changed', async () => {
    const d = await discussion();
    const cache = newCache();
    await madeFromKept(d.post, cache);
    const before = new Map(cache.peek(d.post.id));
    const late = await makeComment(db, { postId: d.post.id, authorId: d.cat.id, parentId: d.reply.id });
    await madeFromKept(d.post, cache);
    const after = cache.peek(d.post.id)!;
    // The same kept bytes for the comment outside the new reply's thread; new ones for its ancestors and itself.
    expect(after.get(d.other.id)!.html).toBe(before.get(d.other.id)!.html);
    expect(after.get(d.top.id)!.html).not.toBe(before.get(d.top.id)!.html);
    expect(after.get(d.reply.id)!.html).not.toBe(before.get(d.reply.id)!.html);
    expect(after.has(late.id)).toBe(true);
  });
});
