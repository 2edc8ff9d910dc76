// A post's discussion as the caches keep it for its pages: every comment read once for the trees of every order
// and page, and the comments' current scores, which votes keep up to date in place.
import type { Context } from 'hono';
import { type Caches, commentScoresTag } from '../cache/caches.js';
import { cachedFragment, cachesOf } from '../cache/middleware.js';
import { keepRecent } from '../cache/recent.js';
import { remembered, type TaggedCache } from '../cache/tagged-cache.js';
import type { AppEnv } from '../web/context.js';
import {
  bodyBytes,
  type CommentRow,
  type CommentScores,
  type CommentsOfPost,
  commentRowsBytes,
  commentScoresOf,
  commentScoresOfPost,
  commentsByIds,
  commentsOfPost,
  readShownBodies,
} from './queries.js';

/**
 * Every comment of the post as commentsOfPost reads it (with their text when the discussion fits on one page),
 * kept until a comment on the post changes ("comments:<id>"; a new one is taken in, takeInAdded). The trees of
 * its other orders and pages are made from it: in a forum day (bench) 40 % of the discussions read had been read
 * already, unchanged, for another order. Their scores become the post's current scores (keepCommentScores); an
 * order by score made from an older read is as old as a kept tree's would be, and is brought up to date with the
 * next comment.
 */
export async function readDiscussion(c: Context<AppEnv>, postId: string): Promise<CommentsOfPost> {
  const caches = cachesOf(c);
  const read = await remembered(caches?.discussions, postId, [`comments:${postId}`], async () => {
    const fragments = caches?.fragments;
    const since = fragments?.begin() ?? 0;
    const read = await commentsOfPost(c.get('deps').db, postId);
    if (fragments) keepCommentScores(fragments, since, postId, read.rows);
    return read;
  });
  const added = caches?.addedComments.get(postId);
  if (caches && added) await takeInAdded(c, caches, postId, read, added);
  return read;
}

/**
 * Adds the comments added to the post since its discussion was read ("comment-added", cache/caches.ts) to it: one
 * query for those rows, where reading the discussion again read every comment of the post, and then each order's
 * tree the texts of its page. On the hot thread (bench, about 200 comments) those reads followed every comment
 * (PostgreSQL: 4.6 ms for the discussion and 1.2 ms for each tree's texts, besides the rows' parsing here). Taken
 * in once, whichever view comes first; a comment already in the discussion (read after it was added) is skipped.
 */
async function takeInAdded(
  c: Context<AppEnv>,
  caches: Caches,
  postId: string,
  read: CommentsOfPost,
  added: Set<string>,
): Promise<void> {
  // Those asked for now: a comment added while they are read waits for the next read.
  const checked = [...added];
  const have = new Set(read.rows.map((row) => row.id));
  const missing = checked.filter((id) => !have.has(id));
  if (missing.length > 0) {
    const rows = await commentsByIds(c.get('deps').db, postId, missing);
    let bytes = 0;
    for (const row of rows) {
      // Another view may have taken it in meanwhile.
      if (read.rows.some((kept) => kept.id === row.id)) continue;
      read.bodies?.set(row.id, row.bodyHtml);
      bytes += (read.bodies ? bodyBytes(row.id, row.bodyHtml) : 0) + commentRowsBytes([row]);
      row.bodyHtml = '';
      insertInOrder(read.rows, row);
    }
    caches.discussions.grew(postId, read, bytes);
  }
  for (const id of checked) added.delete(id);
  if (added.size === 0 && caches.addedComments.get(postId) === added) caches.addedComments.delete(postId);
}

/** Puts the row among the discussion's, oldest first (as commentsOfPost orders them). */
function insertInOrder(rows: CommentRow[], row: CommentRow): void {
  let at = rows.length;
  while (
    at > 0 &&
    (rows[at - 1]!.createdAt > row.createdAt ||
      (rows[at - 1]!.createdAt.getTime() === row.createdAt.getTime() && rows[at - 1]!.id > row.id))
  ) {
    at--;
  }
  rows.splice(at, 0, row);
}

/**
 * Posts whose discussion, as last read, had the text of more than one page or order read from it: their next
 * reads keep their pages' texts from the first (the most recently marked kept).
 */
const keepingTexts = new Map<string, true>();
const KEEPING_TEXTS_KEPT = 10_000;

/**
 * Reads the text of the comments a page of the post's threads shows into them (readShownBodies): from the
 * discussion's own texts, and for a discussion too long to be read with them, from the texts its pages have
 * shown so far, which are kept with it once a second page or order is read from it (and from the first on, for a
 * post where that happened before). Each order of a post shows its own first page and its tree is made again
 * after every new comment: on the benchmark's hot thread (about 250 comments, two pages) reading the page's text
 * for each order was 1.5 to 5.5 ms a tree, and the orders' first pages are mostly the same comments. Kept from
 * the first read on every post, the texts took a third more of the forum day's cache (93 -> 129 MB of
 * discussions), where most discussions are read for one page.
 */
export async function readPageBodies(
  c: Context<AppEnv>,
  postId: string,
  read: CommentsOfPost,
  nodes: Parameters<typeof readShownBodies>[1],
): Promise<void> {
  const db = c.get('deps').db;
  if (read.bodies) {
    await readShownBodies(db, nodes, read.bodies);
    return;
  }
  read.pagesRead = (read.pagesRead ?? 0) + 1;
  if (read.pagesRead === 2) keepRecent(keepingTexts, postId, true, KEEPING_TEXTS_KEPT);
  if (read.pagesRead === 1 && !keepingTexts.has(postId)) {
    await readShownBodies(db, nodes);
    return;
  }
  read.shownBodies ??= new Map();
  const added = await readShownBodies(db, nodes, read.shownBodies);
  cachesOf(c)?.discussions.grew(postId, read, added);
}

/**
 * The current scores of the post's comments, cached apart from the rendered tree: a vote on a comment writes its
 * new scores into them (the "comment-score" change, cache/caches.ts), so a busy thread is neither rendered nor
 * read again on every vote.
 */
export function currentCommentScores(c: Context<AppEnv>, postId: string): Promise<Map<string, CommentScores>> {
  const tag = commentScoresTag(postId);
  return cachedFragment(c, tag, commentScoresTags(postId), () => commentScoresOfPost(c.get('deps').db, postId));
}

const commentScoresTags = (postId: string) => [commentScoresTag(postId), `comments:${postId}`];

/**
 * Keeps the scores of the comments just read as the post's current scores (currentCommentScores), unless they
 * are kept already or a vote came in after `since`: a tree made after a new comment would otherwise be followed
 * by a second read of every comment of the post for their scores.
 */
function keepCommentScores(fragments: TaggedCache<unknown>, since: number, postId: string, rows: CommentRow[]) {
  const tag = commentScoresTag(postId);
  if (fragments.peek(tag) !== undefined) return;
  fragments.store(tag, since, commentScoresOf(rows), commentScoresTags(postId));
}
