import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../../src/accounts/queries.js';
import { TaggedCache } from '../../src/cache/tagged-cache.js';
import { sharedCommentBytes } from '../../src/comments/heads.js';
import { ADDED_ID_STAND_IN } from '../../src/comments/marks.js';
import { paginateThreads } from '../../src/comments/paging.js';
import {
  type CommentScores,
  commentScoresOfPost,
  commentsOfPost,
  readShownBodies,
  reviseCommentScores,
} from '../../src/comments/queries.js';
import {
  controlsForScript,
  deflatedCommentSection,
  prepareCommentSection,
  scoresForScript,
  segmentTree,
  wholeCommentSection,
} from '../../src/comments/segments.js';
import { commentComparator } from '../../src/comments/sort.js';
import { buildCommentTree, inReadingOrder } from '../../src/comments/tree.js';
import {
  assembleSharedCommentTree,
  fillCommentSlots,
  renderSharedCommentHeads,
  type ThreadContext,
} from '../../src/comments/views.js';
import { renderPool } from '../../src/content/pool.js';
import { type DeflatedPiece, gzipFromPieces } from '../../src/web/gzip-splice.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';

// A logged-in reader's comment section is spliced from pieces compressed once for everyone and pieces made for
// them (comments/segments.ts): whatever the reader, it must be exactly the section rendered for them alone.
describe('the comment section compressed for logged-in readers', () => {
  // Caching on: a rendered tree is kept, so its section can be compressed once for every reader.
  const test = useTestApp({ PAGE_CACHE_TTL_MS: '60000' });
  const { db } = test;

  /** A post with four threads: a lone comment, a reply chain, a comment with two replies, and a late one. */
  async function discussion() {
    const post = await makePost(db, { title: 'Spliced' });
    const authors = await Promise.all([1, 2, 3].map(() => makeUser(db)));
    const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, minutes));
    const comment = (author: number, minutes: number, parentId: string | null = null, markdown = 'A comment.') =>
      makeComment(db, { postId: post.id, authorId: authors[author]!.id, parentId, at: at(minutes), markdown });
    const lone = await comment(0, 1, null, 'Lone, with $x^2$ and ünïcode ✓.');
    const chainTop = await comment(1, 2);
    const chainMid = await comment(2, 3, chainTop.id);
    await comment(0, 4, chainMid.id);
    const forked = await comment(2, 5);
    await comment(0, 6, forked.id);
    await comment(1, 7, forked.id);
    const late = await comment(1, 30, null, 'A late one.');
    return { post, authors, lone, chainTop, forked, late, at };
  }

  async function sharedTree(postId: string, post: ThreadContext['post']) {
    const { rows } = await commentsOfPost(db, postId);
    const tree = buildCommentTree(rows, commentComparator('old'));
    const threads = paginateThreads(tree.roots, 1);
    const readingOrder = inReadingOrder(tree.roots);
    await readShownBodies(db, threads.nodes);
    return assembleSharedCommentTree(await sharedCommentBytes(threads, post), threads, readingOrder);
  }

  const reader = (id: string, staff = false): SessionUser => ({
    id,
    username: `r${id}`,
    displayName: `R ${id}`,
    karma: 10,
    role: staff ? 'moderator' : 'member',
    bannedUntil: null,
    bannedForever: false,
    banReason: '',
    commentSort: 'old',
    expiresAt: new Date(Date.now() + 3_600_000),
  });

  const spliced = async (
    tree: Awaited<ReturnType<typeof sharedTree>>,
    ctx: ThreadContext,
    scores?: Map<string, CommentScores>,
  ) => {
    await prepareCommentSection(tree, ctx, scores);
    return gunzipSync(gzipFromPieces(deflatedCommentSection(tree, ctx, scores)!)).toString();
  };

  it('is rendered alike in a render worker (which takes long discussions off the event loop)', async () => {
    const { post } = await discussion();
    const { rows } = await commentsOfPost(db, post.id);
    const threads = paginateThreads(buildCommentTree(rows, commentComparator('old')).roots, 1);
    await readShownBodies(db, threads.nodes);
    const here = renderSharedCommentHeads(threads, post);
    expect(here.join('')).toContain('Lone, with');
    expect(await renderPool().renderCommentHeads(threads, { id: post.id, slug: post.slug })).toEqual(here);
  });

  it('is cut before every thread and within long ones, and a reply changes at most three segments', async () => {
    const d = await discussion();
    const { post } = d;
    const tree = await sharedTree(post.id, post);
    const segments = segmentTree(tree);
    // Every comment is in exactly one segment, and each thread's first comment begins one.
    const ids = segments.flatMap((s) => s.ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(tree.comments.keys()));
    for (const top of [d.lone, d.chainTop, d.forked, d.late]) {
      expect(segments.some((s) => s.ids[0] === top.id)).toBe(true);
    }

    // A long thread, answered: the other segments read exactly as before (so their compressed bytes are reused),
    // but for the answered comment's, whose collapsed label counts its replies.
    let parent = d.forked.id;
    for (let i = 0; i < 12; i++) parent = (await makeComment(db, { postId: post.id, parentId: parent })).id;
    const text = (t: Awaited<ReturnType<typeof sharedTree>>) => {
      const ctx = { post, csrfToken: '', user: reader('anyone') };
      return segmentTree(t).map((s) => fillCommentSlots(t, ctx, undefined, s.from, s.to).toString());
    };
    const before = text(await sharedTree(post.id, post));
    expect(before.length).toBeGreaterThan(5);
    await makeComment(db, { postId: post.id, parentId: d.chainTop.id, markdown: 'Joined late.' });
    const after = text(await sharedTree(post.id, post));
    const kept = new Set(before);
    expect(after.filter((segment) => !kept.has(segment)).length).toBeLessThanOrEqual(3);
    expect(after.join('')).toContain('Joined late.');
  });

  it('equals the section rendered for the reader alone, whoever the reader is', async () => {
    const d = await discussion();
    const { post } = d;
    const tree = await sharedTree(post.id, post);
    const scores = await commentScoresOfPost(db, post.id);
    const base = { post, csrfToken: 'tok"en' };
    const readers: [string, ThreadContext][] = [
      ['someone with nothing of their own here', { ...base, user: reader('nobody') }],
      ['an author of comments in two threads', { ...base, user: reader(d.authors[2]!.id) }],
      ['a moderator', { ...base, user: reader('mod', true) }],
      [
        'a reader with votes',
        {
          ...base,
          user: reader('voter'),
          votes: new Map([
            [d.lone.id, { karma: 'up', agreement: null }],
            [d.late.id, { karma: null, agreement: 'disagree' }],
          ]),
        },
      ],
      ['a reader who has not seen the late comment', { ...base, user: reader('back'), newSince: d.at(20) }],
    ];
    for (const [who, ctx] of readers) {
      expect(await spliced(tree, ctx, scores), who).toBe(fillCommentSlots(tree, ctx, scores).toString());
    }
    const marked = await spliced(tree, readers[4]![1], scores);
    expect(marked.match(/ new<\/span>/g)).toHaveLength(1);
    expect(await spliced(tree, readers[3]![1], scores)).toContain(
      `value="comment/${d.lone.id}/up/up" aria-label="Upvote" aria-pressed="true"`,
    );
  });

  it('gives every comment actions naming it and its parent, for posts of any title', async () => {
    // Each comment's actions are its post's, made once, with the comment's ids put in (comments/views.tsx).
    for (const title of ['Spliced', 'Tildes ~ and "quotes" & <angles>']) {
      const d = await discussion();
      await db.query('UPDATE posts SET title = $2 WHERE id = $1', [d.post.id, title]);
      const post = { ...d.post, title };
      const tree = await sharedTree(post.id, post);
      const html = fillCommentSlots(tree, { post, csrfToken: 't', user: reader('someone') }).toString();
      const rows = await db.query<{ id: string; parentId: string | null }>(
        'SELECT id, parent_id AS "parentId" FROM comments WHERE post_id = $1',
        [post.id],
      );
      expect(rows).toHaveLength(8);
      for (const { id, parentId } of rows) {
        const from = html.indexOf(`id="comment-${id}"`);
        const actions = html.slice(html.indexOf('<div class="comment-actions">', from));
        const own = actions.slice(0, actions.indexOf('</div>'));
        expect(own).toContain(`data-target="comment/${id}"`);
        expect(own).toContain(`href="/posts/${post.id}/${post.slug}/comment/${id}/reply" data-reply="${id}"`);
        expect(own).toContain(`href="/subscriptions/comment/${id}"`);
        expect(own).toContain(`value="comment/${id}/up/none"`);
        if (parentId) expect(own).toContain(`href="/posts/${post.id}/${post.slug}#comment-${parentId}">Parent</a>`);
        else expect(own).not.toContain('>Parent</a>');
        expect(own).not.toContain('~');
        expect(own).not.toContain('\0');
      }
    }
  });

  it('compresses what no reader has anything of their own in once, until its scores change', async () => {
    const d = await discussion();
    const { post } = d;
    const tree = await sharedTree(post.id, post);
    const scores = await commentScoresOfPost(db, post.id);
    const one = { post, csrfToken: 'a', user: reader('one') };
    // A tree's first view is compressed whole (most trees are opened once before a change renders them again);
    // from the second, a few segments are compressed on the spot.
    expect(deflatedCommentSection(tree, one, scores)).toBeUndefined();
    const first = deflatedCommentSection(tree, one, scores)!;
    expect(first).toBeDefined();
    const author = { post, csrfToken: 'b', user: reader(d.authors[1]!.id) };
    const second = deflatedCommentSection(tree, author, scores)!;
    // Author 1 wrote the chain's first comment, a reply in the fork and the late comment; nothing in the lone
    // comment's segment, which both readers get as the same bytes.
    const segments = segmentTree(tree);
    const at = (id: string) => segments.findIndex((s) => s.ids.includes(id));
    expect(second[at(d.lone.id)]).toBe(first[at(d.lone.id)]);
    expect(second[at(d.chainTop.id)]).not.toBe(first[at(d.chainTop.id)]);
    expect(second[at(d.late.id)]).not.toBe(first[at(d.late.id)]);
    expect(second[0]).toBe(first[0]);

    // A vote on the lone comment changes its score: its segment is made again.
    const voted = new Map(scores);
    voted.set(d.lone.id, { ...scores.get(d.lone.id)!, baseScore: 42 });
    const ctx = { post, csrfToken: 'c', user: reader('three') };
    const after = deflatedCommentSection(tree, ctx, voted)!;
    expect(after[at(d.lone.id)]).not.toBe(first[at(d.lone.id)]);
    // What comes before it is kept (what follows within DEFLATE's window is compressed again, to refer back).
    expect(after[0]).toBe(first[0]);
    expect(await spliced(tree, ctx, voted)).toBe(fillCommentSlots(tree, ctx, voted).toString());
    expect(await spliced(tree, ctx, voted)).toContain('>42</span>');
    // Two more votes, in other segments, and readers with and without segments of their own: each changed
    // segment and those after it in DEFLATE's window are compressed again, referring back into shared texts that
    // were let go once compressed (segments.ts segmentText fills them again).
    voted.set(d.chainTop.id, { ...scores.get(d.chainTop.id)!, agreementScore: -7 });
    voted.set(d.late.id, { ...scores.get(d.late.id)!, baseScore: 9, voteCount: 3 });
    for (const someone of [ctx, author, { post, csrfToken: 'd', user: reader(d.authors[0]!.id) }]) {
      expect(await spliced(tree, someone, voted)).toBe(fillCommentSlots(tree, someone, voted).toString());
    }

    // The post is busy now (a tree of it was opened twice): its next tree, after a comment, is compressed in
    // segments from its first view.
    await makeComment(db, { postId: post.id, markdown: 'One more.' });
    const next = await sharedTree(post.id, post);
    expect(deflatedCommentSection(next, one, await commentScoresOfPost(db, post.id))).toBeDefined();
    const quiet = await discussion();
    const onQuiet = { ...one, post: quiet.post };
    expect(deflatedCommentSection(await sharedTree(quiet.post.id, quiet.post), onQuiet, undefined)).toBeUndefined();
  });

  it('is the section rendered for the reader alone in a tree made again, whose unchanged segments are not filled again', async () => {
    const d = await discussion();
    const { post } = d;
    const readers = [
      { post, csrfToken: 'a', user: reader('one') },
      { post, csrfToken: 'b', user: reader(d.authors[1]!.id) },
      { post, csrfToken: 'c', user: reader('staff', true) },
    ];
    // Compressed segments kept by their text's hash, as the app keeps them: a hash that did not match the text
    // would show a reader another text's bytes.
    const byContent = new TaggedCache<DeflatedPiece>({ ttlMs: 60_000, maxEntries: 1_000 });
    type Tree = Awaited<ReturnType<typeof sharedTree>>;
    const section = async (tree: Tree, ctx: ThreadContext, scores: Map<string, CommentScores>) => {
      await prepareCommentSection(tree, ctx, scores, byContent);
      return gunzipSync(gzipFromPieces(deflatedCommentSection(tree, ctx, scores, byContent)!)).toString();
    };
    const check = async (tree: Tree, scores: Map<string, CommentScores>) => {
      for (const ctx of readers) {
        expect(await section(tree, ctx, scores)).toBe(fillCommentSlots(tree, ctx, scores).toString());
      }
    };
    const scores = await commentScoresOfPost(db, post.id);
    await check(await sharedTree(post.id, post), scores);
    // After a reply, most segments are those of the tree before: known by what they are filled from.
    await makeComment(db, { postId: post.id, parentId: d.forked.id, markdown: 'A new reply.' });
    const again = await sharedTree(post.id, post);
    const now = await commentScoresOfPost(db, post.id);
    await check(again, now);
    expect(await section(again, readers[0]!, now)).toContain('A new reply.');
    // A score changed and changed back: each segment shows the score it is filled with.
    const voted = new Map(now);
    voted.set(d.lone.id, { ...now.get(d.lone.id)!, baseScore: 17 });
    const third = await sharedTree(post.id, post);
    await check(third, voted);
    expect(await section(third, readers[0]!, voted)).toContain('>17</span>');
    const fourth = await sharedTree(post.id, post);
    await check(fourth, now);
    expect(await section(fourth, readers[0]!, now)).not.toContain('>17</span>');
  });

  it('is one piece, compressed once, for every reader with nothing of their own in it, until its scores change', async () => {
    const d = await discussion();
    const { post } = d;
    const tree = await sharedTree(post.id, post);
    const scores = await commentScoresOfPost(db, post.id);
    const one = { post, csrfToken: 'a', user: reader('one') };
    const two = { post, csrfToken: 'b', user: reader('two') };
    const [first, second] = await Promise.all([
      wholeCommentSection(tree, one, scores, true),
      wholeCommentSection(tree, two, scores, true),
    ]);
    // One piece, made once and the same for both: exactly their section, as rendered for either alone.
    expect(first).toHaveLength(1);
    expect(second![0]).toBe(first![0]);
    const section = gunzipSync(gzipFromPieces(first!)).toString();
    expect(section).toBe(fillCommentSlots(tree, two, scores).toString());
    expect(section).toContain('Lone, with');
    // A reader who wrote some of its comments has controls of their own under them: without the page's script,
    // the section is theirs alone; with it, they get the same piece, and their controls come beside it.
    const writer = { ...one, user: reader(d.authors[0]!.id) };
    expect(await wholeCommentSection(tree, writer, scores, false)).toBeUndefined();
    expect((await wholeCommentSection(tree, writer, scores, true))![0]).toBe(first![0]);
    // A moderator's controls are on every comment, with forms of their own: never left to the script.
    const staff = { ...one, user: reader('staff', true) };
    expect(await wholeCommentSection(tree, staff, scores, false)).toBeUndefined();
    expect(controlsForScript(tree, staff, scores).own).toEqual([]);
    // Without the page's script, a reader's own vote is in their section: theirs alone.
    const voter = { ...one, votes: new Map([[d.lone.id, { karma: 'up', agreement: null }]]) } as ThreadContext;
    expect(await wholeCommentSection(tree, voter, scores, false)).toBeUndefined();
    expect(await wholeCommentSection(tree, voter, scores, true)).toBeDefined();
    // A vote changes a score it shows: from then on the tree's views go through the segments, which a vote
    // changes one at a time, with the new score.
    const voted = new Map(scores);
    voted.set(d.lone.id, { ...scores.get(d.lone.id)!, baseScore: 42 });
    expect(await wholeCommentSection(tree, two, voted, true)).toBeUndefined();
    expect(await spliced(tree, two, voted)).toContain('>42</span>');
    // The post is busy from then on: neither this tree nor its next one is made a piece of the whole again.
    expect(await wholeCommentSection(tree, one, scores, true)).toBeUndefined();
    const next = await sharedTree(post.id, post);
    expect(await wholeCommentSection(next, one, await commentScoresOfPost(db, post.id), true)).toBeUndefined();
    // A quiet post's is.
    const quiet = await discussion();
    const onQuiet = { ...one, post: quiet.post };
    const quietTree = await sharedTree(quiet.post.id, quiet.post);
    expect(await wholeCommentSection(quietTree, onQuiet, undefined, true)).toHaveLength(1);
  });

  it('goes through the segments for a new tree of a post read often in one piece', async () => {
    const read = async (times: number) => {
      const d = await discussion();
      const { post } = d;
      const tree = await sharedTree(post.id, post);
      const scores = await commentScoresOfPost(db, post.id);
      for (let i = 0; i < times; i++) {
        const ctx = { post, csrfToken: `token-${i}`, user: reader(`reader-${i}`) };
        expect(await wholeCommentSection(tree, ctx, scores, true)).toHaveLength(1);
      }
      // A new tree of the post, as after a comment.
      const next = await sharedTree(post.id, post);
      const someone = { post, csrfToken: 'token', user: reader('someone') };
      return { next, someone, scores, whole: await wholeCommentSection(next, someone, scores, true) };
    };
    // Read a few times, a post's new tree is compressed in one piece again, for the few views it may have.
    expect(await read(3).then((r) => r.whole)).toHaveLength(1);
    // Read often, it goes through the segments, most of which the tree before had.
    const busy = await read(25);
    expect(busy.whole).toBeUndefined();
    expect(await spliced(busy.next, busy.someone, busy.scores)).toBe(
      fillCommentSlots(busy.next, busy.someone, busy.scores).toString(),
    );
  });

  it("leaves a writer's own controls to the page's script: the actions their section shows under each of theirs", async () => {
    const d = await discussion();
    const { post } = d;
    const tree = await sharedTree(post.id, post);
    const scores = await commentScoresOfPost(db, post.id);
    const writer: ThreadContext = { post, csrfToken: 'token-of-the-writer', user: reader(d.authors[0]!.id) };
    const everyone = fillCommentSlots(tree, { post, csrfToken: '', user: reader('someone') }, scores).toString();
    const theirs = fillCommentSlots(tree, writer, scores).toString();
    const { own, added } = controlsForScript(tree, writer, scores);
    expect(added).toEqual([]);
    // Exactly the comments they wrote (three of the eight), each with the actions their own section shows.
    const written = [...tree.comments.values()].filter((c) => c.authorId === d.authors[0]!.id).map((c) => c.id);
    expect(own.map(([id]) => id).sort()).toEqual(written.sort());
    expect(written).toHaveLength(3);
    for (const [id, actions] of own) {
      expect(theirs).toContain(actions);
      expect(everyone).not.toContain(actions);
      expect(actions).toContain(`/comments/${id}/edit`);
      expect(actions).toContain('token-of-the-writer');
      expect(actions).not.toContain('Report');
    }
    // Put in place of every reader's actions, they make the section the writer is served without the script.
    let patched = everyone;
    for (const [id, actions] of own) {
      const start = patched.indexOf('<div class="comment-actions">', patched.indexOf(`id="comment-${id}"`));
      const end = patched.indexOf('</div>', start) + '</div>'.length;
      patched = patched.slice(0, start) + actions + patched.slice(end);
    }
    expect(patched).toBe(theirs);
    // Their segments are every reader's: the spliced section is everyone's, and no piece is theirs alone.
    await prepareCommentSection(tree, writer, scores);
    const pieces = deflatedCommentSection(tree, writer, scores, undefined, true)!;
    const other = deflatedCommentSection(tree, { ...writer, user: reader('someone') }, scores, undefined, true)!;
    expect(pieces).toEqual(other);
    expect(gunzipSync(gzipFromPieces(pieces)).toString()).toBe(everyone);
    // Without the script their section is theirs, as before.
    expect(await spliced(tree, writer, scores)).toBe(theirs);
  });

  it("leaves a moderator's controls to the page's script too, a removed comment's restore form among them", async () => {
    const d = await discussion();
    const { post } = d;
    const moderator = await makeUser(db);
    const theirOwn = await makeComment(db, { postId: post.id, authorId: moderator.id, markdown: 'Moderating.' });
    // One comment removed by a moderator, one deleted by its author: both keep their place for their replies.
    await db.query(`UPDATE comments SET deleted = true, removed_reason = 'Off topic' WHERE id = $1`, [d.chainTop.id]);
    await db.query('UPDATE comments SET deleted = true WHERE id = $1', [d.forked.id]);
    const tree = await sharedTree(post.id, post);
    const scores = await commentScoresOfPost(db, post.id);
    const staff: ThreadContext = { post, csrfToken: 'token-of-the-moderator', user: reader(moderator.id, true) };
    const theirs = fillCommentSlots(tree, staff, scores).toString();
    expect(theirs).toContain('Restore (moderator)');
    expect(theirs).toContain('Remove (moderator)');
    const controls = controlsForScript(tree, staff, scores);
    expect(controls.own.map(([id]) => id)).toEqual([theirOwn.id]);
    // The controls added to every reader's, with the comments they go under: every comment but their own and
    // the deleted ones (which have no actions).
    expect(controls.added).toHaveLength(1);
    const addedIds = controls.added.flatMap(([, ids]) => ids);
    const deleted = [d.chainTop.id, d.forked.id, theirOwn.id];
    expect(addedIds.sort()).toEqual([...tree.shownIds].filter((id) => !deleted.includes(id)).sort());
    for (const [template] of controls.added) {
      expect(template).toContain(`/moderation/comments/${ADDED_ID_STAND_IN}/remove`);
      expect(template).toContain('token-of-the-moderator');
    }
    // The section spliced for them, with the marks put in as the page's script does: what the server renders for
    // them without it.
    await prepareCommentSection(tree, staff, scores);
    const pieces = deflatedCommentSection(tree, staff, scores, undefined, true)!;
    let patched = gunzipSync(gzipFromPieces(pieces)).toString();
    expect(patched).not.toContain('Remove (moderator)');
    const actionsAt = (id: string) => {
      const article = patched.indexOf(`id="comment-${id}"`);
      const start = patched.indexOf('<div class="comment-actions">', article);
      const next = patched.indexOf('<article', article + 1);
      if (start < 0 || (next >= 0 && start > next)) return undefined;
      return { start, end: patched.indexOf('</div>', start) };
    };
    for (const [template, ids] of controls.added) {
      for (const id of ids) {
        const at = actionsAt(id);
        if (at) patched = patched.slice(0, at.end) + template.replaceAll(ADDED_ID_STAND_IN, id) + patched.slice(at.end);
      }
    }
    for (const [id, actions] of controls.own) {
      const at = actionsAt(id)!;
      patched = patched.slice(0, at.start) + actions + patched.slice(at.end + '</div>'.length);
    }
    expect(controls.restore.map(([id]) => id)).toEqual([d.chainTop.id]);
    for (const [id, form] of controls.restore) {
      const note = patched.indexOf('<p class="deleted-note removed-note">', patched.indexOf(`id="comment-${id}"`));
      const end = patched.indexOf('</p>', note) + '</p>'.length;
      patched = patched.slice(0, end) + form + patched.slice(end);
    }
    expect(patched === theirs).toBe(true);
    // Every piece of their section is every reader's.
    const someone = deflatedCommentSection(
      tree,
      { post, csrfToken: '', user: reader('someone') },
      scores,
      undefined,
      true,
    )!;
    expect(pieces).toHaveLength(someone.length);
    for (const [i, piece] of pieces.entries()) expect(piece).toBe(someone[i]);
  });

  it('gives every script reader with nothing of their own the same pieces, until a vote revises the scores', async () => {
    const d = await discussion();
    const { post } = d;
    const tree = await sharedTree(post.id, post);
    const scores = await commentScoresOfPost(db, post.id);
    const member = (id: string): ThreadContext => ({ post, csrfToken: `token-${id}`, user: reader(id) });
    const sectionOf = (ctx: ThreadContext) => deflatedCommentSection(tree, ctx, scores, undefined, true)!;
    await prepareCommentSection(tree, member('one'), scores);
    const first = sectionOf(member('one'));
    // The same pieces, not made again: a writer's own controls are left to the script too.
    expect(sectionOf(member(d.authors[0]!.id))).toBe(first);
    const everyone = fillCommentSlots(tree, { post, csrfToken: '', user: reader('someone') }, scores).toString();
    expect(gunzipSync(gzipFromPieces(first)).toString()).toBe(everyone);
    // A moderator's controls, on every comment, come beside the section too (controlsForScript): where no comment
    // shown is removed (its restore form is theirs), their section is every reader's.
    const moderator: ThreadContext = { post, csrfToken: 'token-mod', user: reader('mod', true) };
    const moderated = gunzipSync(gzipFromPieces(sectionOf(moderator))).toString();
    expect(moderated === everyone).toBe(true);
    expect(moderated).not.toContain('token-mod');
    // A vote (as the change feed writes it into the kept scores): the next reader gets the new score.
    reviseCommentScores(scores, d.lone.id, { ...scores.get(d.lone.id)!, baseScore: 42, voteCount: 5 });
    const after = sectionOf(member('two'));
    expect(after).not.toBe(first);
    const revised = gunzipSync(gzipFromPieces(after)).toString();
    expect(revised).toContain('title="Karma 42, from 5 votes"');
    expect(revised).toBe(fillCommentSlots(tree, member('two'), scores).toString().replaceAll('token-two', ''));
    expect(sectionOf(member('three'))).toBe(after);
  });

  it('shows script readers the scores their tree first had, with the ones votes changed since beside it', async () => {
    const d = await discussion();
    const { post } = d;
    const tree = await sharedTree(post.id, post);
    const scores = await commentScoresOfPost(db, post.id);
    const member = (id: string): ThreadContext => ({ post, csrfToken: `token-${id}`, user: reader(id) });
    const before = scoresForScript(tree, scores);
    expect(before.changed).toEqual([]);
    // A copy, not the kept scores themselves, which votes revise in place.
    expect(before.shown).not.toBe(scores);
    await prepareCommentSection(tree, member('one'), before.shown);
    const first = deflatedCommentSection(tree, member('one'), before.shown, undefined, true)!;
    reviseCommentScores(scores, d.lone.id, { ...scores.get(d.lone.id)!, baseScore: 42, voteCount: 5 });
    const after = scoresForScript(tree, scores);
    expect(after.shown).toBe(before.shown);
    const { agreementScore, agreementVoteCount } = scores.get(d.lone.id)!;
    expect(after.changed).toEqual([[d.lone.id, 42, 5, agreementScore, agreementVoteCount]]);
    // The pieces every such reader shares stay as they were: the score comes beside them.
    expect(deflatedCommentSection(tree, member('two'), after.shown, undefined, true)).toBe(first);
    expect(gunzipSync(gzipFromPieces(first)).toString()).not.toContain('title="Karma 42, from 5 votes"');
    // Asked again with nothing new, the same answer; a vote back to the first scores leaves nothing to put in.
    expect(scoresForScript(tree, scores)).toBe(after);
    reviseCommentScores(scores, d.lone.id, before.shown!.get(d.lone.id)!);
    expect(scoresForScript(tree, scores).changed).toEqual([]);
  });

  it('is compressed in a render worker when a whole discussion is new, the page sent whole meanwhile', async () => {
    const post = await makePost(db, { title: 'Busy' });
    const author = await makeUser(db);
    // More threads (each begins a segment) than are compressed on the spot.
    for (let i = 0; i < 40; i++)
      await makeComment(db, { postId: post.id, authorId: author.id, markdown: `Point ${i}.` });
    const tree = await sharedTree(post.id, post);
    const scores = await commentScoresOfPost(db, post.id);
    const ctx = { post, csrfToken: 'x', user: reader('someone') };
    expect(deflatedCommentSection(tree, ctx, scores)).toBeUndefined();
    await prepareCommentSection(tree, ctx, scores);
    expect(await spliced(tree, ctx, scores)).toBe(fillCommentSlots(tree, ctx, scores).toString());
  });

  it('is what a browser asking for gzip gets, the same page as without compression', async () => {
    const { post, authors } = await discussion();
    // Enough comments that the page is mostly its discussion.
    for (let i = 0; i < 40; i++) {
      const markdown = `Comment ${i}: on whether $p(x) \\propto e^{-${i}x}$ holds for every prior we considered.`;
      await makeComment(db, { postId: post.id, authorId: authors[i % 3]!.id, markdown });
    }
    const user = await makeUser(db);
    const client = new TestClient(test.app);
    await client.logIn(user.username, user.password);
    const path = `/posts/${post.id}/spliced`;
    // The first view records the visit; the two compared views then show the same "new" marks (none).
    await client.get(path);
    const plain = await (await client.get(path)).text();
    // The first views are compressed whole while the section is compressed for everyone.
    const asBrowser = { 'accept-encoding': 'gzip, deflate, br, zstd' };
    let response = await client.get(path, asBrowser);
    for (let i = 0; i < 50 && response.headers.get('content-encoding') !== 'gzip'; i++) {
      expect(response.headers.get('content-encoding')).toBe('br');
      await new Promise((resolve) => setTimeout(resolve, 20));
      response = await client.get(path, asBrowser);
    }
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('vary')).toContain('Accept-Encoding');
    const gzipped = Buffer.from(await response.arrayBuffer());
    const body = gunzipSync(gzipped).toString();
    expect(body).toBe(plain);
    // Cut into pieces, the page still compresses nearly as well as gzipped whole (each piece has its own code
    // tables and refers back 8 KB at most, segments.ts SEGMENT_REACH: measured 1.34 to 1.35 times the size on a
    // page this small, 1.25 with 32 KB, and about 1.14 on a 200-comment one; without referring back into the
    // segments before, twice the size).
    const whole = gzipSync(Buffer.from(plain), { level: 6 }).length;
    expect(gzipped.length).toBeLessThan(whole * 1.45);
    expect(body).toContain('Lone, with');
    expect(body).toMatch(/<\/html>\s*$/);

    // A client that refuses gzip gets the page another way.
    const refused = await client.get(path, { 'accept-encoding': 'br, gzip;q=0' });
    expect(refused.headers.get('content-encoding')).not.toBe('gzip');
  });
});
