// A logged-in post page's comment section as compressed pieces, most of them made once for every reader. The
// section is cut into segments of a few comments each (at the "start" slots of a shared tree). A segment in
// which nothing is the reader's own (no vote of theirs, no comment of theirs, nothing new to them) is the same
// bytes for everyone: it is compressed once and kept until one of its comments' scores changes. Only the
// reader's own segments are filled and compressed per view. Filling, encoding and compressing a whole
// 200-comment section per view was most of the cost of a logged-in post page.
//
// A new comment renders the tree again, but only the segment it joined reads differently: segments are also
// kept by their content (a hash of the text), and where they are cut depends only on the comments at the cut
// (each thread's first comment, and about one comment in SEGMENT_COMMENTS chosen by its id), not on what came
// before, so the other segments keep their text and are not compressed again. A shared segment that follows
// another shared one is compressed to refer back into it, as a whole page compressed at once would: cut
// apart, the section came out nearly twice the size of the page gzipped whole.
import { createHash } from 'node:crypto';
import { keepRecent } from '../cache/recent.js';
import type { TaggedCache } from '../cache/tagged-cache.js';
import { renderPool } from '../content/pool.js';
import { type CommentRights, canReport, commentRights, mayHaveOwnRights } from '../policy/policy.js';
import { type DeflatedPiece, deflatePiece, deflatePieceAsync, reachedBack } from '../web/gzip-splice.js';
import { ADDED_ID_STAND_IN, type ChangedScores, type ControlsForScript } from './marks.js';
import { type CommentScores, commentScoresRevision } from './queries.js';
import {
  addedControlsTemplate,
  fillCommentSlots,
  isNewComment,
  readerCommentActionsHtml,
  restoreSlotHtml,
  type SharedCommentTree,
  type ThreadContext,
} from './views.js';

/**
 * About how many comments a segment holds. Fewer make a reader's own segments cheaper to compress per view;
 * more compress better, since no segment may refer back into the one before it (measured on the benchmark's
 * hot thread, 4 KB a comment: 3 keeps both costs small).
 */
const SEGMENT_COMMENTS = 3;

/**
 * How far back a shared segment refers, in bytes of the shared segments before it (whole segments; DEFLATE
 * allows 32 KB). A vote changes one segment's text, and every shared segment referring back into it must be
 * compressed again, each with the text it refers to loaded first: with 32 KB, a vote on a busy thread cost about
 * nine compressions of a segment and 32 KB of history each, and that was most of what a vote cost the views
 * after it. A few comments back hold most of what a comment repeats (the same markup, names, links).
 */
const SEGMENT_REACH = 8 * 1024;

/** How hard to compress a segment (or a whole section) kept for every reader, and one made for a single view. */
const SHARED_LEVEL = 6;
const PERSONAL_LEVEL = 1;

interface Segment {
  /** The tree's texts from `from` to `to` (exclusive) and the slots between them (web/slots.ts SlottedBytes). */
  from: number;
  to: number;
  /** The comments in it, for deciding whose it is and which scores it shows. */
  ids: string[];
}

interface SharedSegment {
  /** Which of the tree's segments it is. */
  index: number;
  /** The scores it was filled with (scoreKey), to know when it is out of date. */
  scores: string;
  /**
   * Its text as every reader sees it, while it is being compressed: not kept after (see segmentText), since it is
   * nearly the whole tree's text again, and it is only needed again to compress a segment that follows it.
   */
  text: Buffer | undefined;
  /** The text's length, and a hash of it (its key in the content cache). */
  byteLength: number;
  hash: string;
  /** Compressed on its own, for when the reader's own segment or the page's head comes before it. */
  alone?: DeflatedPiece;
  /** Compressed to follow the shared text of the segments before it (whose hashes are `after`). */
  following?: { after: string; piece: DeflatedPiece };
}

/** What a tree keeps for this: its segments, and each one compressed for every reader once asked for. */
interface TreeSegments {
  segments: Segment[];
  shared: (SharedSegment | undefined)[];
  /** Every shared segment has been compressed once (prepareCommentSection), or is being. */
  ready: boolean;
  preparing?: Promise<void>;
  /** The whole section as every reader sees it, compressed once (wholeCommentSection), and the scores it shows. */
  whole?: { scores: string; piece: Promise<DeflatedPiece | undefined> };
  /**
   * The pieces of the last view with nothing of the reader's in them (nothingPersonal), and the scores they show
   * (the post's kept scores, and how often those were revised): the same for every such reader until a vote.
   */
  everyones?: { scores: Map<string, CommentScores> | undefined; revision: number; pieces: DeflatedPiece[] };
  /** The scores the section shows where the page's script runs, and how the current ones differ (scoresForScript). */
  forScript?: ScoresForScript & { from: Map<string, CommentScores> | undefined; revision: number };
}

const segmentsOfTree = new WeakMap<SharedCommentTree, TreeSegments>();
/**
 * Trees a logged-in reader has opened once. That view is compressed whole unless the post is busy: most trees of
 * a large forum are opened once before a change renders them again, and compressing every segment for readers
 * to come costs ten times a quick compression of the page. A post whose tree was opened twice is busy from then
 * on (its next trees, after a comment, are prepared at their first view, as a hot thread needs).
 */
const openedOnce = new WeakSet<SharedCommentTree>();
const busyPosts = new Map<string, true>();
/** Busy posts remembered (the most recently made busy). */
const BUSY_POSTS_KEPT = 10_000;

/** Whether this view should wait for a later one before the tree's segments are compressed (see openedOnce). */
function firstViewOfQuietPost(tree: SharedCommentTree, postId: string): boolean {
  const kept = segmentsOfTree.get(tree);
  if (kept?.ready || kept?.preparing || busyPosts.has(postId)) return false;
  if (!openedOnce.has(tree)) {
    openedOnce.add(tree);
    return true;
  }
  markBusy(postId);
  return false;
}

function markBusy(postId: string): void {
  keepRecent(busyPosts, postId, true, BUSY_POSTS_KEPT);
}

/** Views of each post's sections in one piece (wholeCommentSection), for the most recently read posts. */
const wholeViews = new Map<string, number>();
/**
 * Views in one piece after which a post's next tree goes through the segments. A new tree (a comment, another
 * order, a tree past its lifetime) of a post read this much is read much again: compressing its section whole
 * once more costs about as much as compressing every segment of it, while the segments of the tree before are
 * mostly its segments too. On the hot thread (bench), every reader's section in one piece, made again after every
 * comment, had taken the server's CPU from 1.83-1.89 to 2.25-2.30 ms a request.
 */
const BUSY_AFTER_WHOLE_VIEWS = 20;

/**
 * The tree cut before each thread's first comment and before about one comment in SEGMENT_COMMENTS (chosen by
 * the last character of its random id): at "start" slots, so each segment begins and ends with text, as
 * fillCommentSlots takes a part of the tree; the first holds what comes before the first comment.
 */
export function segmentTree(tree: Pick<SharedCommentTree, 'text' | 'comments'>): Segment[] {
  const { slotNames, slotIds } = tree.text;
  const segments: Segment[] = [];
  let from = 0;
  let ids = new Set<string>();
  for (let k = 0; k < slotNames.length; k++) {
    const id = slotIds[k]!;
    if (slotNames[k] !== 'start') {
      ids.add(id);
      continue;
    }
    const topLevel = !tree.comments.get(id)?.parentId;
    if (!topLevel && id.charCodeAt(id.length - 1) % SEGMENT_COMMENTS !== 0) continue;
    // Texts from..k and the slots between them; the next segment begins with the text after this slot.
    segments.push({ from, to: k + 1, ids: [...ids] });
    from = k + 1;
    ids = new Set();
  }
  segments.push({ from, to: slotNames.length + 1, ids: [...ids] });
  return segments;
}

/** The scores a segment shows, as one comparable string. */
function scoreKey(segment: Segment, tree: SharedCommentTree, scores: Map<string, CommentScores> | undefined) {
  let key = '';
  for (const id of segment.ids) {
    const s = scores?.get(id) ?? tree.comments.get(id);
    if (s) key += `${s.baseScore},${s.agreementScore},${s.voteCount},${s.agreementVoteCount};`;
  }
  return key;
}

/**
 * Whether a segment shows the reader anything of their own: their controls (a moderator's on every comment),
 * votes and "new" marks, unless the page's script puts those in (`marksByScript`, comments/marks.ts).
 */
function isPersonal(segment: Segment, tree: SharedCommentTree, ctx: ThreadContext, marksByScript: boolean): boolean {
  const user = ctx.user;
  if (!user) return true;
  if (nothingPersonal(ctx, marksByScript)) return false;
  for (const id of segment.ids) {
    const comment = tree.comments.get(id);
    if (!comment) continue;
    if (hasOwnControls(commentRights(user, comment)) || ctx.votes?.has(id) || isNewComment(comment, ctx)) return true;
  }
  return false;
}

/** Whether no segment is the reader's own, whatever it holds (isPersonal): the script puts in all of theirs. */
function nothingPersonal(ctx: ThreadContext, marksByScript: boolean): boolean {
  return marksByScript && !!ctx.user;
}

/** Rights beyond what anyoneLike's reader has (voting, nothing else): their controls are the reader's own. */
function hasOwnControls(rights: CommentRights): boolean {
  return !rights.canVote || rights.canEdit || rights.canRetract || rights.canDelete || rights.canModerate;
}

/**
 * The reader's controls on the comments shown, for the page's script to put in (marks.ts), where the segments
 * leave them out (isPersonal): under their own comments, their whole actions as they see them; under others'
 * (a moderator's delete and remove, on every comment), the controls they add to every reader's, once for all the
 * comments they go under. A commenter opening a thread they take part in (their own comments in it) then gets
 * the pieces every reader shares, rather than their own segments filled and compressed per view: in a forum day
 * (bench) nearly every logged-in reader of a busy thread had comments in it. A moderator's section had been
 * filled and compressed whole per view: on the benchmark's hot thread, 1 % of the views (its two moderators) took
 * 9 % of the server's time.
 */
export function controlsForScript(
  tree: SharedCommentTree,
  ctx: ThreadContext,
  scores: Map<string, CommentScores> | undefined,
): ControlsForScript {
  const user = ctx.user;
  const controls: ControlsForScript = { own: [], added: [], restore: [] };
  if (!user) return controls;
  const added = new Map<string, string[]>();
  const templates = new Map<string, string | undefined>();
  for (const id of tree.shownIds) {
    const comment = tree.comments.get(id);
    // Most comments are someone else's: the reader's rights on them are every reader's, with nothing to add.
    if (!comment || !mayHaveOwnRights(user, comment)) continue;
    if (comment.deleted) {
      // No actions under a deleted comment; a removed one has the staff's restore form after its note.
      const restore = restoreSlotHtml(comment, ctx);
      if (restore) controls.restore.push([id, restore]);
      continue;
    }
    const rights = commentRights(user, comment);
    if (!hasOwnControls(rights)) continue;
    // What the reader's actions add depends on the comment only through their rights on it (and its id, stood
    // in): made once for each kind of rights, not for each of a moderator's two hundred comments.
    const kind = `${rights.canVote}${rights.canEdit}${rights.canRetract}${rights.canDelete}${rights.canModerate}${canReport(user, comment)}`;
    if (!templates.has(kind)) templates.set(kind, addedControlsTemplate(comment, ctx, rights, ADDED_ID_STAND_IN));
    const template = templates.get(kind);
    if (template === undefined) controls.own.push([id, readerCommentActionsHtml(comment, ctx, scores?.get(id))]);
    else if (template) {
      const ids = added.get(template);
      if (ids) ids.push(id);
      else added.set(template, [id]);
    }
  }
  controls.added = [...added];
  return controls;
}

/** Where the page's script runs: the scores its section is filled with, and those to put in (marks.ts). */
export interface ScoresForScript {
  shown: Map<string, CommentScores> | undefined;
  changed: ChangedScores;
}

/**
 * The scores a section shows where the page's script runs: the post's scores as the first such view of this tree
 * found them, for as long as the tree lives, and the comments whose scores have changed since, for the script to
 * put in beside the reader's votes. So a vote leaves the pieces every such reader shares alone, rather than making
 * the whole section, or its segment and those referring into it, compressed again: in a forum day (bench) a
 * post's first logged-in view after a vote had taken 10 ms of the event loop (about 17 ms of the server's CPU),
 * against 3 to 5 ms for a view before it. Without the script the section is filled with the current scores.
 */
export function scoresForScript(
  tree: SharedCommentTree,
  scores: Map<string, CommentScores> | undefined,
): ScoresForScript {
  const kept = keptFor(tree);
  const revision = commentScoresRevision(scores);
  const last = kept.forScript;
  if (last && last.from === scores && last.revision === revision) return last;
  const shown = last ? last.shown : scores && new Map(scores);
  const changed: ChangedScores = [];
  if (last) {
    for (const id of tree.shownIds) {
      const comment = tree.comments.get(id);
      if (!comment) continue;
      const before = shown?.get(id) ?? comment;
      const now = scores?.get(id) ?? comment;
      if (
        before.baseScore !== now.baseScore ||
        before.voteCount !== now.voteCount ||
        before.agreementScore !== now.agreementScore ||
        before.agreementVoteCount !== now.agreementVoteCount
      ) {
        changed.push([id, now.baseScore, now.voteCount, now.agreementScore, now.agreementVoteCount]);
      }
    }
  }
  kept.forScript = { shown, changed, from: scores, revision };
  return kept.forScript;
}

function keptFor(tree: SharedCommentTree): TreeSegments {
  let kept = segmentsOfTree.get(tree);
  if (!kept) {
    const segments = segmentTree(tree);
    kept = { segments, shared: new Array(segments.length), ready: false };
    segmentsOfTree.set(tree, kept);
  }
  return kept;
}

/** Every logged-in reader's view of a segment without anything of theirs in it. */
function anyoneLike(ctx: ThreadContext): ThreadContext {
  return { post: ctx.post, user: ctx.user && { ...ctx.user, id: '', role: 'member' }, csrfToken: '' };
}

/** Segment i as every reader sees it with the current scores (made again when they changed). */
function sharedText(
  kept: TreeSegments,
  i: number,
  tree: SharedCommentTree,
  anyone: ThreadContext,
  scores: Map<string, CommentScores> | undefined,
): SharedSegment {
  const segment = kept.segments[i]!;
  const key = scoreKey(segment, tree, scores);
  let made = kept.shared[i];
  if (made?.scores !== key) {
    const unfilled = unfilledKey(tree, segment, key, anyone.post);
    const known = filledOf.get(unfilled);
    if (known) {
      // The same text as a segment filled before (of this tree's previous rendering, or another order's): only
      // filled when it is compressed (segmentText).
      made = { index: i, scores: key, text: undefined, ...known };
    } else {
      const text = fillCommentSlots(tree, anyone, scores, segment.from, segment.to);
      made = {
        index: i,
        scores: key,
        text,
        byteLength: text.byteLength,
        hash: createHash('sha1').update(text).digest('base64url'),
      };
      keepRecent(filledOf, unfilled, { byteLength: made.byteLength, hash: made.hash }, FILLED_KEPT);
    }
    kept.shared[i] = made;
  }
  return made;
}

/**
 * Shared segments' filled length and hash, by what they are filled from (unfilledKey): a tree made again after a
 * new comment, or in another order, has mostly the segments it had, and filling and hashing every one of them
 * again was 3 to 7 ms a tree on the benchmark's hot thread, made again for each order its readers keep.
 */
const filledOf = new Map<string, { byteLength: number; hash: string }>();
/** About 150 bytes each: those of the last few thousand segments made. */
const FILLED_KEPT = 20_000;

/**
 * What a segment as every reader sees it is filled from: the tree's text over the segment, slots included (the
 * comments' ids, so their parents' too, which never change), the scores it shows, and the post (the actions'
 * links). Every reader's parts of it are alike (anyoneLike): no votes, nothing new, no controls of their own.
 */
function unfilledKey(tree: SharedCommentTree, segment: Segment, scores: string, post: ThreadContext['post']): string {
  const { bytes, textStart, textEnd } = tree.text;
  return createHash('sha1')
    .update(bytes.subarray(textStart[segment.from]!, textEnd[segment.to - 1]!))
    .update(`\0${scores}\0${post.id}\0${post.slug}`)
    .digest('base64url');
}

/**
 * The text of a shared segment of this tree, filled again if it was let go: with the same scores, since a
 * segment whose scores changed is made again (sharedText) before it is used.
 */
function segmentText(
  kept: TreeSegments,
  tree: SharedCommentTree,
  anyone: ThreadContext,
  scores: Map<string, CommentScores> | undefined,
): (segment: SharedSegment) => Buffer {
  return (segment) => {
    const { from, to } = kept.segments[segment.index]!;
    segment.text ??= fillCommentSlots(tree, anyone, scores, from, to);
    return segment.text;
  };
}

/** Lets the shared segments' texts go once they are compressed (the tree keeps its own text, from which they are filled). */
function letTextsGo(kept: TreeSegments): void {
  for (const segment of kept.shared) if (segment) segment.text = undefined;
}

/**
 * At most this many segments not found in the content cache are compressed on the spot when a tree is first
 * opened (a new comment changes a few, about 0.1 ms each); more (a discussion nobody has opened since start)
 * are compressed in one chain in a render worker, and the views meanwhile are compressed whole as before.
 */
const COMPRESS_NOW_AT_MOST = 32;

/**
 * Compresses every segment of the tree as every reader sees it, once per rendered tree, the first time a
 * logged-in reader opens it: what the content cache does not already hold, at once when it is a few segments,
 * else in one chain (gzip-splice.ts deflateChain) in a render worker. Until that is done, deflatedCommentSection
 * answers undefined; while every render worker is busy it is left for a later view, and if it fails, this
 * tree's views stay compressed whole.
 */
export function prepareCommentSection(
  tree: SharedCommentTree,
  ctx: ThreadContext,
  scores: Map<string, CommentScores> | undefined,
  byContent?: TaggedCache<DeflatedPiece>,
): Promise<void> {
  const kept = keptFor(tree);
  if (kept.ready) return Promise.resolve();
  if (kept.preparing) return kept.preparing;
  const anyone = anyoneLike(ctx);
  const made = kept.segments.map((_, i) => sharedText(kept, i, tree, anyone, scores));
  const windows: SharedSegment[][] = [];
  const run: SharedSegment[] = [];
  for (const segment of made) {
    windows.push(window(run));
    run.push(segment);
  }
  const keys = made.map((segment, i) => contentKey(segment, windows[i]!));
  const known = keys.map((key) => byContent?.get(key));
  const text = segmentText(kept, tree, anyone, scores);
  const keep = (pieces: (DeflatedPiece | undefined)[]) => {
    made.forEach((segment, i) => {
      const before = windows[i]!;
      const piece = pieces[i] ?? compressed(segment, before, ctx, byContent, text);
      if (before.length === 0) segment.alone = piece;
      else segment.following = { after: hashesOf(before), piece };
    });
    kept.ready = true;
    letTextsGo(kept);
  };
  if (known.filter((piece) => !piece).length <= COMPRESS_NOW_AT_MOST) {
    keep(known);
    return Promise.resolve();
  }
  // Writers' texts come first: with every worker busy, this waits for a later view rather than taking a place
  // in the queue (a full queue turns previews and comments away).
  const pool = renderPool();
  if (pool.busy) return Promise.resolve();
  const since = byContent?.begin() ?? 0;
  kept.preparing = pool.deflateChain(made.map(text), SHARED_LEVEL, SEGMENT_REACH).then(
    (pieces) => {
      for (const [i, piece] of pieces.entries()) if (!known[i]) keepByContent(byContent, keys[i]!, since, piece, ctx);
      keep(pieces);
    },
    (error: unknown) => {
      letTextsGo(kept);
      throw error;
    },
  );
  return kept.preparing;
}

/**
 * The comment section in one piece for a logged-in reader who has nothing of their own in it (no staff controls;
 * with `marksByScript`, their votes, "new" marks and own comments' controls are put in by the page's script):
 * the same bytes for every such reader, compressed once per tree, the first time one of them opens it.
 * Undefined for any other reader, and for a busy post: once the scores it shows have changed, a tree of the post
 * was opened twice by readers of their own, or a new tree is needed for a post read often in one piece
 * (BUSY_AFTER_WHOLE_VIEWS), its views go through the segments (deflatedCommentSection), which a vote or a new
 * comment changes a few at a time.
 *
 * In a forum day (bench) most views of a tree came before any change to it and were by readers with nothing of
 * theirs in it, and each cost a fill and compression of the whole section; its second view also filled, hashed
 * and compressed every segment for the readers to come.
 */
export async function wholeCommentSection(
  tree: SharedCommentTree,
  ctx: ThreadContext,
  scores: Map<string, CommentScores> | undefined,
  marksByScript: boolean,
): Promise<DeflatedPiece[] | undefined> {
  // A busy post (votes, readers of their own) goes through the segments: a piece of the whole would be made
  // again for every new tree and outdated by the next vote (hot thread bench, two pairs while it was: 3.7 and
  // 3.0 against 2.6 ms of server CPU a request).
  if (busyPosts.has(ctx.post.id)) return undefined;
  const kept = keptFor(tree);
  if (kept.segments.some((segment) => isPersonal(segment, tree, ctx, marksByScript))) return undefined;
  let key = '';
  for (const segment of kept.segments) key += scoreKey(segment, tree, scores);
  const views = (wholeViews.get(ctx.post.id) ?? 0) + 1;
  keepRecent(wholeViews, ctx.post.id, views, BUSY_POSTS_KEPT);
  if (!kept.whole) {
    if (views > BUSY_AFTER_WHOLE_VIEWS) {
      markBusy(ctx.post.id);
      return undefined;
    }
    const text = fillCommentSlots(tree, anyoneLike(ctx), scores);
    // Should compressing fail, this tree's views go through the segments.
    kept.whole = { scores: key, piece: deflatePieceAsync(text, SHARED_LEVEL).catch(() => undefined) };
  }
  if (kept.whole.scores !== key) {
    // A vote came in: the post is busy from now on, and the piece is let go.
    kept.whole = undefined;
    markBusy(ctx.post.id);
    return undefined;
  }
  const piece = await kept.whole.piece;
  return piece && [piece];
}

/**
 * The comment section as this logged-in reader sees it (what fillCommentSlots would give; with `marksByScript`,
 * without their votes and "new" marks outside their own segments, for the page's script to add), as raw DEFLATE pieces
 * to splice into a gzip answer (web/gzip-splice.ts); undefined on the tree's first view (openedOnce), and, with
 * the compression started, when the tree has not been prepared yet (prepareCommentSection).
 */
export function deflatedCommentSection(
  tree: SharedCommentTree,
  ctx: ThreadContext,
  scores: Map<string, CommentScores> | undefined,
  byContent?: TaggedCache<DeflatedPiece>,
  marksByScript = false,
): DeflatedPiece[] | undefined {
  if (firstViewOfQuietPost(tree, ctx.post.id)) return undefined;
  const kept = keptFor(tree);
  if (!kept.ready) {
    // Nobody waits for it; a failure leaves this tree's views compressed whole (kept.preparing stays rejected).
    prepareCommentSection(tree, ctx, scores, byContent).catch(() => {});
    if (!kept.ready) return undefined;
  }
  // A reader with nothing of their own anywhere (most readers, where the script runs) gets what the last such
  // reader got, unless a vote changed a score since: walking every segment and comment for each view was a
  // twentieth of a busy thread's server time (hot thread bench profile).
  const everyone = nothingPersonal(ctx, marksByScript);
  const revision = commentScoresRevision(scores);
  const last = kept.everyones;
  if (everyone && last && last.scores === scores && last.revision === revision) return last.pieces;
  const anyone = anyoneLike(ctx);
  // Each shared segment comes in two forms: compressed alone, and compressed to refer back into the shared
  // segments before it that DEFLATE's window reaches (as prepareCommentSection's chain makes it), which only
  // does when the reader gets all of those shared too. Any other form would be one more per reader.
  const run: SharedSegment[] = [];
  let lastPersonal = -1;
  const text = segmentText(kept, tree, anyone, scores);
  const pieces = kept.segments.map((segment, i) => {
    const made = sharedText(kept, i, tree, anyone, scores);
    const before = window(run);
    run.push(made);
    if (isPersonal(segment, tree, ctx, marksByScript)) {
      lastPersonal = i;
      return deflatePiece(fillCommentSlots(tree, ctx, scores, segment.from, segment.to), PERSONAL_LEVEL);
    }
    if (before.length === 0 || i - before.length <= lastPersonal) {
      made.alone ??= compressed(made, [], ctx, byContent, text);
      return made.alone;
    }
    const after = hashesOf(before);
    if (made.following?.after !== after) {
      made.following = { after, piece: compressed(made, before, ctx, byContent, text) };
    }
    return made.following.piece;
  });
  letTextsGo(kept);
  if (everyone) kept.everyones = { scores, revision, pieces };
  return pieces;
}

/** The last of the segments before that a segment refers back into (SEGMENT_REACH; the others leave `run`). */
function window(run: SharedSegment[]): SharedSegment[] {
  const from = reachedBack(run, run.length, SEGMENT_REACH);
  if (from > 0) run.splice(0, from);
  return run.slice();
}

/**
 * A shared segment compressed alone or to follow others: from the content cache when the same text (after the
 * same texts) was compressed before.
 */
function compressed(
  segment: SharedSegment,
  after: SharedSegment[],
  ctx: ThreadContext,
  byContent: TaggedCache<DeflatedPiece> | undefined,
  text: (segment: SharedSegment) => Buffer,
): DeflatedPiece {
  const make = () =>
    deflatePiece(text(segment), SHARED_LEVEL, after.length ? Buffer.concat(after.map(text)) : undefined);
  if (!byContent) return make();
  const key = contentKey(segment, after);
  const known = byContent.get(key);
  if (known) return known;
  const since = byContent.begin();
  const piece = make();
  keepByContent(byContent, key, since, piece, ctx);
  return piece;
}

/** Kept by content, so never out of date: the tag only lets an edited, hidden or deleted post's text go. */
function keepByContent(
  byContent: TaggedCache<DeflatedPiece> | undefined,
  key: string,
  since: number,
  piece: DeflatedPiece,
  ctx: ThreadContext,
): void {
  byContent?.store(key, since, piece, [`segments:${ctx.post.id}`]);
}

/** The texts a segment follows, named by their hashes. */
function hashesOf(segments: SharedSegment[]): string {
  return segments.map((s) => s.hash).join(':');
}

/** A compressed segment's key in the content cache: its text's hash, and the hashes of the texts it follows. */
function contentKey(segment: SharedSegment, after: SharedSegment[]): string {
  return `segment:${hashesOf([segment, ...after])}`;
}
