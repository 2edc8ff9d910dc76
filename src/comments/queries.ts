import { approximateBytes, keepingOnce } from '../cache/size.js';
import type { Queryable } from '../db/database.js';
import { visibleComment } from '../policy/visibility.js';
import { COMMENT_FRAME_CHARS, COMMENT_PAGE_BUDGET } from './paging.js';

export interface CommentRow {
  id: string;
  postId: string;
  parentId: string | null;
  authorId: string;
  authorUsername: string;
  authorDisplayName: string;
  /** The stored HTML; '' in the outlines a post's comments are first read as (commentsOfPost). */
  bodyHtml: string;
  /** Bytes of the stored HTML, to page a discussion without reading every comment's text. */
  bodyLength: number;
  createdAt: Date;
  editedAt: Date | null;
  retracted: boolean;
  deleted: boolean;
  baseScore: number;
  agreementScore: number;
  voteCount: number;
  agreementVoteCount: number;
  /** Set when a moderator removed the comment: shown in its place (its text is kept aside, moderation/). */
  removedReason: string | null;
}

const OUTLINE_COLUMNS = `c.id, c.post_id AS "postId", c.parent_id AS "parentId", c.author_id AS "authorId",
  u.username AS "authorUsername", u.display_name AS "authorDisplayName", octet_length(c.body_html) AS "bodyLength",
  c.created_at AS "createdAt", c.edited_at AS "editedAt", c.retracted, c.deleted, c.base_score AS "baseScore",
  c.agreement_score AS "agreementScore", c.vote_count AS "voteCount", c.agreement_vote_count AS "agreementVoteCount",
  c.removed_reason AS "removedReason"`;
const COMMENT_COLUMNS = `${OUTLINE_COLUMNS}, c.body_html AS "bodyHtml"`;

/** A post's comments as first read: every one's outline, and their text when the whole discussion fits one page. */
export interface CommentsOfPost {
  /** Every comment's outline (bodyHtml ''), oldest first. */
  rows: CommentRow[];
  /** Each comment's stored HTML, when read with the outlines (see commentsOfPost). */
  bodies?: Map<string, string>;
  /**
   * For a discussion read without its text, the text of the comments its pages have shown so far, read as they
   * were shown and kept with it (discussion.ts readPageBodies).
   */
  shownBodies?: Map<string, string>;
  /** How many pages' texts were read from it (readPageBodies). */
  pagesRead?: number;
}

/**
 * Every comment of a post in one index scan (comments_post_idx). The tree is assembled in memory and paged, and
 * only the page shown needs its comments' text: when the whole discussion fits on one page (COMMENT_PAGE_BUDGET,
 * as paginateThreads weighs it; most discussions do), the text comes in the same query, else readShownBodies
 * reads the page's in a second one. A long discussion's text is most of its bytes, and a cached tree keeps only
 * the outlines (for "new since your last visit"), so the text is handed back apart.
 */
export async function commentsOfPost(db: Queryable, postId: string): Promise<CommentsOfPost> {
  const read = await db.query<Omit<CommentRow, 'bodyHtml'> & { bodyHtml: string | null }>(
    `SELECT ${OUTLINE_COLUMNS},
            CASE WHEN sum(octet_length(c.body_html) + $2) OVER () <= $3 THEN c.body_html END AS "bodyHtml"
       FROM comments c JOIN users u ON u.id = c.author_id
      WHERE c.post_id = $1
      ORDER BY c.created_at, c.id`,
    [postId, COMMENT_FRAME_CHARS, COMMENT_PAGE_BUDGET],
    true,
  );
  // The window's verdict is the same on every row: text on all of them, or on none.
  const whole = read.length > 0 && read[0]!.bodyHtml !== null;
  const bodies = whole ? new Map<string, string>() : undefined;
  // The outlines are kept with the post's trees: each string they repeat (the post's id, a parent's id, an
  // author's id and names, once per comment of theirs) is kept once.
  const once = keepingOnce();
  for (const row of read) {
    bodies?.set(row.id, row.bodyHtml ?? '');
    row.bodyHtml = '';
    row.id = once(row.id);
    row.postId = postId;
    if (row.parentId !== null) row.parentId = once(row.parentId);
    row.authorId = once(row.authorId);
    row.authorUsername = once(row.authorUsername);
    row.authorDisplayName = once(row.authorDisplayName);
  }
  // Every row's text is '' now: they are outlines.
  return { rows: read as CommentRow[], bodies };
}

/** The given comments of the post, with their text, oldest first (added to a kept discussion, discussion.ts). */
export async function commentsByIds(db: Queryable, postId: string, ids: string[]): Promise<CommentRow[]> {
  return db.query<CommentRow>(
    `SELECT ${COMMENT_COLUMNS} FROM comments c JOIN users u ON u.id = c.author_id
      WHERE c.post_id = $1 AND c.id = ANY($2::text[])
      ORDER BY c.created_at, c.id`,
    [postId, ids],
  );
}

/**
 * About what outline rows keep alive (as cache/size.ts approximateBytes counts it, without walking each row): a
 * fixed frame per row, and each string once however many rows share it (commentsOfPost keeps them once).
 */
export function commentRowsBytes(rows: Iterable<CommentRow>): number {
  const strings = new Set<string>();
  let bytes = 0;
  for (const row of rows) {
    bytes += COMMENT_ROW_FRAME;
    strings.add(row.id).add(row.postId).add(row.authorId).add(row.authorUsername).add(row.authorDisplayName);
    if (row.parentId !== null) strings.add(row.parentId);
    bytes += 2 * (row.bodyHtml.length + (row.removedReason?.length ?? 0));
  }
  for (const text of strings) bytes += 16 + 2 * text.length;
  return bytes;
}
/** A row's object, its 17 slots and two dates, as approximateBytes counts them. */
const COMMENT_ROW_FRAME = approximateBytes({}) + 17 * 16 + 2 * approximateBytes(new Date(0));

/** About what a discussion read keeps alive: its rows, and its texts when it has them. */
export function commentsOfPostBytes(read: CommentsOfPost): number {
  let bytes = approximateBytes([]) + commentRowsBytes(read.rows);
  for (const [id, body] of [...(read.bodies ?? []), ...(read.shownBodies ?? [])]) bytes += bodyBytes(id, body);
  return bytes;
}

/** About what one comment's text kept by its id weighs. */
export const bodyBytes = (id: string, body: string) => 64 + 2 * (id.length + body.length);

/**
 * The stored HTML of the given comments, in one query. With `postId`, the comments of that post, read through
 * the post's comments (comments_post_idx) rather than one primary-key lookup each: a page of a long discussion
 * is read just after the discussion's outlines, from the same index and heap pages (measured on the benchmark's
 * data, 150 comments of a 273-comment post: 260 buffers and 0.35 ms, against 600 and 1.1 ms by key).
 */
export async function commentBodies(
  db: Queryable,
  ids: Iterable<string>,
  postId?: string,
): Promise<Map<string, string>> {
  const list = [...ids];
  if (list.length === 0) return new Map();
  const rows = await db.query<{ id: string; bodyHtml: string }>(
    postId === undefined
      ? 'SELECT id, body_html AS "bodyHtml" FROM comments WHERE id = ANY($1::text[])'
      : 'SELECT id, body_html AS "bodyHtml" FROM comments WHERE post_id = $2 AND id = ANY($1::text[])',
    postId === undefined ? [list] : [list, postId],
  );
  return new Map(rows.map((row) => [row.id, row.bodyHtml]));
}

/**
 * Reads the text of every comment in these threads (a page's, as paginateThreads shows them) into copies of
 * their rows: the outline rows, which a cached tree keeps, stay without it. What `known` (texts kept with the
 * discussion) does not hold is read in one query and added to it; returns what that added, in bytes.
 */
export async function readShownBodies(
  db: Queryable,
  nodes: ShownComment[],
  known: Map<string, string> = new Map(),
): Promise<number> {
  const all: ShownComment[] = [];
  const stack = [...nodes];
  while (stack.length > 0) {
    const node = stack.pop()!;
    all.push(node);
    stack.push(...node.replies);
  }
  const missing = all.map((node) => node.comment.id).filter((id) => !known.has(id));
  // A page of threads is one post's (read through that post's comments when they all are).
  const postId = all[0]?.comment.postId;
  const onePost = all.every((node) => node.comment.postId === postId);
  let added = 0;
  if (missing.length > 0) {
    for (const [id, body] of await commentBodies(db, missing, onePost ? postId : undefined)) {
      known.set(id, body);
      added += bodyBytes(id, body);
    }
  }
  for (const node of all) node.comment = { ...node.comment, bodyHtml: known.get(node.comment.id) ?? '' };
  return added;
}

/** A comment as a page of threads holds it (comments/tree.ts CommentNode, comments/paging.ts ShownNode). */
interface ShownComment {
  comment: CommentRow;
  replies: ShownComment[];
}

/**
 * The post's comments added after a point (time, then id), oldest first, for live updates (live/hub.tsx): one
 * index scan (comments_post_idx) however many readers have the post open.
 */
export async function commentsAddedSince(
  db: Queryable,
  postId: string,
  since: { at: Date; id: string },
  limit: number,
): Promise<CommentRow[]> {
  return db.query<CommentRow>(
    `SELECT ${COMMENT_COLUMNS}
       FROM comments c JOIN users u ON u.id = c.author_id
      WHERE c.post_id = $1 AND (c.created_at, c.id) > ($2, $3) AND ${visibleComment('c')} AND c.removed_reason IS NULL
      ORDER BY c.created_at, c.id
      LIMIT $4`,
    [postId, since.at, since.id, limit],
  );
}

/** A comment's scores, which votes change without touching anything else shown of it. */
export interface CommentScores {
  baseScore: number;
  agreementScore: number;
  /** How many votes make each score (shown in the scores' tooltips). */
  voteCount: number;
  agreementVoteCount: number;
}

/** The current scores of every comment of a post (one index scan, no text): fresher than a cached tree. */
export async function commentScoresOfPost(db: Queryable, postId: string): Promise<Map<string, CommentScores>> {
  const rows = await db.query<CommentScores & { id: string }>(
    `SELECT id, base_score AS "baseScore", agreement_score AS "agreementScore", vote_count AS "voteCount",
            agreement_vote_count AS "agreementVoteCount"
       FROM comments WHERE post_id = $1`,
    [postId],
  );
  return commentScoresOf(rows);
}

/** Each comment's scores by its id, from rows that have them (outlines, or commentScoresOfPost's). */
export function commentScoresOf(rows: (CommentScores & { id: string })[]): Map<string, CommentScores> {
  const scores = new Map<string, CommentScores>();
  for (const { id, baseScore, agreementScore, voteCount, agreementVoteCount } of rows) {
    scores.set(id, { baseScore, agreementScore, voteCount, agreementVoteCount });
  }
  return scores;
}

/**
 * How often a post's kept scores were revised in place (a vote on one of its comments, cache/caches.ts), so that
 * what was made from them can tell whether it still shows them.
 */
const scoreRevisions = new WeakMap<Map<string, CommentScores>, number>();

/** Writes a comment's new scores into its post's kept scores, counting the revision. */
export function reviseCommentScores(scores: Map<string, CommentScores>, id: string, value: CommentScores): void {
  scores.set(id, value);
  scoreRevisions.set(scores, (scoreRevisions.get(scores) ?? 0) + 1);
}

/** How many times these scores were revised (0 for scores never revised, and for none). */
export function commentScoresRevision(scores: Map<string, CommentScores> | undefined): number {
  return (scores && scoreRevisions.get(scores)) ?? 0;
}

export async function commentRow(db: Queryable, id: string): Promise<CommentRow | undefined> {
  const rows = await db.query<CommentRow>(
    `SELECT ${COMMENT_COLUMNS} FROM comments c JOIN users u ON u.id = c.author_id WHERE c.id = $1`,
    [id],
  );
  return rows[0];
}

export interface CommentForEdit {
  id: string;
  postId: string;
  authorId: string;
  bodyMarkdown: string;
  deleted: boolean;
  retracted: boolean;
  postSlug: string;
  postTitle: string;
}

export async function commentById(db: Queryable, id: string): Promise<CommentForEdit | undefined> {
  const rows = await db.query<CommentForEdit>(
    `SELECT c.id, c.post_id AS "postId", c.author_id AS "authorId", c.body_markdown AS "bodyMarkdown", c.deleted,
            c.retracted, p.slug AS "postSlug", p.title AS "postTitle"
       FROM comments c JOIN posts p ON p.id = c.post_id
      WHERE c.id = $1`,
    [id],
  );
  return rows[0];
}

/** For a list of posts: how many comments by others each has gained since this user last opened it. */
export async function newCommentCounts(db: Queryable, userId: string, postIds: string[]): Promise<Map<string, number>> {
  if (postIds.length === 0) return new Map();
  const rows = await db.query<{ postId: string; count: number }>(
    `SELECT v.post_id AS "postId", count(c.id)::int AS count
       FROM post_visits v
       JOIN comments c ON c.post_id = v.post_id AND c.created_at > v.last_visited_at
                      AND c.author_id <> v.user_id AND ${visibleComment('c')}
      WHERE v.user_id = $1 AND v.post_id = ANY($2)
      GROUP BY v.post_id`,
    [userId, postIds],
    true,
  );
  return new Map(rows.map((r) => [r.postId, r.count]));
}
