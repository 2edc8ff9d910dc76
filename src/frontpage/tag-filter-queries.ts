import type { Cursor } from '../db/cursor.js';
import type { Queryable } from '../db/database.js';
import { magicScore } from '../votes/ranking.js';
import { FRONTPAGE_LIST, LIST_COLUMNS, type PostListItem } from './queries.js';
import {
  adjustsScores,
  type FilterSet,
  hasAnyTag,
  REDUCED_FACTOR,
  SUBSCRIBED_KARMA,
  tagConditions,
} from './tag-filters.js';

/*
 * The Magic order under Reduced and Subscribed filters, ranked inside the query.
 *
 * The decision: a post's adjusted score is LessWrong's, (baseScore + bonus + 25 × s) × 0.5^r / (ageHours + 2)^1.15
 * for s subscribed and r reduced tags on it. The formula is linear in its numerator, so that is
 * (magic_score + s × lyceum_magic_score(25, 0, published_at, as of)) × 0.5^r: the stored score (migration 0012,
 * every vote and the periodic refresh) plus the formula itself applied to the boost. A post with no adjusting tag
 * keeps its stored score exactly, so its place relative to other such posts is the unfiltered list's. "As of" is
 * fixed for a reader's pages (it rides in the cursor's list name), so the boost does not shift while they page.
 * Recent and Top are not scores: there Reduced and Subscribed change nothing; Hidden and Required apply to every
 * order (postList).
 *
 * Index-backed, in a bounded window: the candidates are the first W posts in stored order from where the cursor's
 * page can start (posts_magic_keyset_idx) and, with subscriptions, the posts with a subscribed tag published
 * since a horizon (a range of posts_published_idx), both passing Hidden and Required; only they are scored and
 * sorted. Whether the window held the whole answer is checked from bounds on what lies outside it (a stored score
 * at most the window's lowest, a boost at most that of a post as old as the horizon); when it may not have, the
 * window or the horizon grows, up to a limit (past it, a deep page may miss a post; never a first page of a
 * forum under MAX_WINDOW posts).
 */

/** The first window, in multiples of the page asked for, and the most the window grows to. */
const WINDOW_PAGES = 5;
const WINDOW_GROWTH = 8;
const MAX_WINDOW = 10_000;
/**
 * How far back boosted candidates are first looked for: a subscribed tag adds 25 / 74^1.15 ≈ 0.18 to a post
 * three days old, and less to older ones. The horizon grows when that could still matter, up to three years.
 */
const FIRST_HORIZON_HOURS = 72;
const MAX_HORIZON_HOURS = 3 * 365 * 24;
/** Growing it by less than the window: each step reads every post in the range, and deep pages need it long. */
const HORIZON_GROWTH = 3;
/** Slack for floating point when a bound is compared with a computed score. */
const EPSILON = 1e-9;

/** The cursor list of an adjusted Magic list: the filter set and the moment its boosts are computed at. */
export function adjustedListName(set: FilterSet, asOf: Date): string {
  return `magic~${set.key}~${asOf.getTime()}`;
}

/** The "as of" a cursor's list name carries, when it is an adjusted list of this filter set. */
export function asOfInListName(list: string, set: FilterSet): Date | undefined {
  const prefix = `magic~${set.key}~`;
  if (!list.startsWith(prefix)) return undefined;
  const ms = Number(list.slice(prefix.length));
  return Number.isSafeInteger(ms) && ms > 0 ? new Date(ms) : undefined;
}

interface WindowRow extends PostListItem {
  storedCount: number;
  storedLowest: number | null;
  boostedCount: number;
  boostedOldest: Date | null;
}

const HOUR_MS = 3_600_000;

/**
 * One page of the Magic list ordered by the adjusted score (see above), after `cursor` (whose key is an adjusted
 * score), with boosts computed as of `asOf`. Each item carries its adjustedScore for the next cursor.
 */
export async function adjustedMagicList(
  db: Queryable,
  set: FilterSet,
  limit: number,
  asOf: Date,
  cursor?: Cursor,
): Promise<PostListItem[]> {
  if (!adjustsScores(set)) throw new Error('adjustedMagicList: the filters adjust no score.');
  const lowestFactor = REDUCED_FACTOR ** set.reduced.length;
  // No post whose stored score m has m × lowestFactor (m, if negative) above the cursor can be on this page.
  const after = cursor ? Number(cursor.key) : undefined;
  const start = after === undefined ? undefined : (after >= 0 ? after / lowestFactor : after) + EPSILON;
  const windows = { stored: Math.min(MAX_WINDOW, WINDOW_PAGES * limit), hours: FIRST_HORIZON_HOURS };
  for (;;) {
    const rows = await windowQuery(db, set, limit, asOf, windows, start, cursor);
    const stats = rows[0];
    const page = rows.filter((row) => row.id !== null);
    if (!stats || stats.storedCount < windows.stored) return page;
    // Anything outside both windows has a stored score at most storedLowest and, if it has a subscribed tag, was
    // published before the horizon (or the oldest boosted candidate, when there were too many to take).
    const boostedFull = stats.boostedCount >= MAX_WINDOW && stats.boostedOldest;
    const ageHours = boostedFull ? (asOf.getTime() - boostedFull.getTime()) / HOUR_MS : windows.hours;
    const boost = set.subscribed.length * magicScore(SUBSCRIBED_KARMA, 0, ageHours);
    const bound = (score: number) => (score >= 0 ? score : score * lowestFactor);
    const lowest = stats.storedLowest ?? 0;
    const last = page[limit - 1]?.adjustedScore;
    if (last !== undefined && last > bound(lowest + boost) + EPSILON) return page;
    // Widen what leaves room for a missed post: the stored window when posts without a boost could still beat
    // the page's last, else the horizon. At the largest windows the page is as good as it gets.
    if (last === undefined || last <= bound(lowest) + EPSILON) {
      if (windows.stored >= MAX_WINDOW) return page;
      windows.stored = Math.min(MAX_WINDOW, windows.stored * WINDOW_GROWTH);
    } else {
      if (boostedFull || windows.hours >= MAX_HORIZON_HOURS) return page;
      windows.hours = Math.min(MAX_HORIZON_HOURS, windows.hours * HORIZON_GROWTH);
    }
  }
}

async function windowQuery(
  db: Queryable,
  set: FilterSet,
  limit: number,
  asOf: Date,
  windows: { stored: number; hours: number },
  start: number | undefined,
  cursor: Cursor | undefined,
): Promise<WindowRow[]> {
  const params: unknown[] = [
    limit,
    windows.stored,
    set.subscribed,
    set.reduced,
    [...set.subscribed, ...set.reduced],
    asOf,
    new Date(asOf.getTime() - windows.hours * HOUR_MS),
  ];
  const conditions = tagConditions(set, params);
  let from = '';
  if (start !== undefined && cursor) {
    params.push(start);
    from = ` AND p.magic_score <= $${params.length}::float8`;
    // Above the cursor's score only a reduced post can fall below it: others there cannot be on this page, so
    // they do not use up the window.
    if (set.reduced.length > 0) {
      params.push(Number(cursor.key));
      // A scalar subquery, probed only for the rows above the cursor (an EXISTS under OR is planned as a hash of
      // every link of the tag).
      from += ` AND (p.magic_score <= $${params.length}::float8 OR coalesce((SELECT true FROM post_tags pt
        WHERE pt.post_id = p.id AND pt.tag_id = ANY($4::text[]) AND pt.relevance >= 0 LIMIT 1), false))`;
    }
  }
  let onPage = 'true';
  if (cursor) {
    params.push(Number(cursor.key), cursor.id);
    onPage = `(s.score, s.id) < ($${params.length - 1}::float8, $${params.length})`;
  }
  const boosted =
    set.subscribed.length > 0
      ? `SELECT p.id, p.magic_score, p.published_at FROM posts p
          WHERE ${FRONTPAGE_LIST} AND p.magic_score IS NOT NULL AND p.published_at >= $7::timestamptz${conditions}
            AND ${hasAnyTag('$3')}
          ORDER BY p.published_at DESC, p.id DESC LIMIT ${MAX_WINDOW}`
      : `SELECT NULL::text AS id, NULL::float8 AS magic_score, NULL::timestamptz AS published_at WHERE $7::timestamptz IS NULL`;
  return db.query<WindowRow>(
    `WITH stored AS (
       SELECT p.id, p.magic_score, p.published_at FROM posts p
        WHERE ${FRONTPAGE_LIST} AND p.magic_score IS NOT NULL${from}${conditions}
        ORDER BY p.magic_score DESC, p.id DESC LIMIT $2
     ), boosted AS (${boosted}),
     scored AS (
       SELECT c.id, (c.magic_score + n.subscribed * lyceum_magic_score(${SUBSCRIBED_KARMA}, 0, c.published_at, $6::timestamptz))
                    * power(${REDUCED_FACTOR}::float8, n.reduced) AS score
         FROM (SELECT * FROM stored UNION SELECT * FROM boosted) c
        CROSS JOIN LATERAL (
          SELECT count(*) FILTER (WHERE pt.tag_id = ANY($3::text[])) AS subscribed,
                 count(*) FILTER (WHERE pt.tag_id = ANY($4::text[])) AS reduced
            FROM post_tags pt WHERE pt.post_id = c.id AND pt.tag_id = ANY($5::text[]) AND pt.relevance >= 0
        ) n
     ), page AS (
       SELECT s.id, s.score FROM scored s WHERE ${onPage} ORDER BY s.score DESC, s.id DESC LIMIT $1
     )
     SELECT w.*, ${LIST_COLUMNS}, pg.score AS "adjustedScore"
       FROM (SELECT (SELECT count(*) FROM stored) AS "storedCount", (SELECT min(magic_score) FROM stored) AS "storedLowest",
                    (SELECT count(*) FROM boosted) AS "boostedCount",
                    (SELECT min(published_at) FROM boosted) AS "boostedOldest") w
       LEFT JOIN (page pg JOIN posts p ON p.id = pg.id JOIN users u ON u.id = p.author_id) ON true
      ORDER BY pg.score DESC, pg.id DESC`,
    params,
  );
}

/** The list a cursor names, read without checking the rest (decodeCursor checks it all once the list is known). */
export function cursorList(text: string | undefined): string | undefined {
  if (!text || text.length > 300) return undefined;
  try {
    const json: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    return Array.isArray(json) && typeof json[0] === 'string' ? json[0] : undefined;
  } catch {
    return undefined;
  }
}
