import type { Cursor } from '../db/cursor.js';
import type { Queryable } from '../db/database.js';
import { visibleComment, visiblePost } from '../policy/visibility.js';
import { type FilterSet, NO_FILTERS, tagConditions } from './tag-filters.js';

export interface PostListItem {
  id: string;
  slug: string;
  title: string;
  authorUsername: string;
  authorDisplayName: string;
  publishedAt: Date;
  lastActivityAt: Date;
  commentCount: number;
  baseScore: number;
  magicScore: number | null;
  readingMinutes: number;
  excerpt: string;
  /** The excerpt with its formulas typeset; '' when it has none (show `excerpt`). */
  excerptHtml: string;
  /** In Magic order under Reduced or Subscribed filters: the score the list is ordered by (tag-filter-queries.ts). */
  adjustedScore?: number;
}

export const POST_VIEWS = ['magic', 'recent', 'top'] as const;
export type PostView = (typeof POST_VIEWS)[number];
export const TOP_PERIODS = ['week', 'month', 'year', 'all'] as const;
export type TopPeriod = (typeof TOP_PERIODS)[number];
const PERIOD_DAYS: Record<TopPeriod, number | null> = { week: 7, month: 30, year: 365, all: null };

export const LIST_COLUMNS = `p.id, p.slug, p.title, u.username AS "authorUsername", u.display_name AS "authorDisplayName",
  p.published_at AS "publishedAt", p.last_activity_at AS "lastActivityAt", p.comment_count AS "commentCount",
  p.base_score AS "baseScore", p.magic_score AS "magicScore", p.reading_minutes AS "readingMinutes", p.excerpt,
  p.excerpt_html AS "excerptHtml"`;
export const VISIBLE = visiblePost('p');
/**
 * The frontpage lists (Magic, Latest, Top) show frontpage posts only; a moderator moves a post to its author's
 * personal blog, which profiles, tags, sequences, search, feeds and Recent Discussion still show (a conversation
 * under a personal post is still one readers may join). A filter on the same index walks, not a new index:
 * nearly every post is a frontpage post.
 */
export const FRONTPAGE_LIST = `${VISIBLE} AND p.frontpage`;

/** The list name a cursor must carry: each view (and Top period) pages separately. */
export function listName(view: PostView, period: TopPeriod): string {
  return view === 'top' ? `top-${period}` : view;
}

/**
 * One page of frontpage posts in the chosen order, continuing after `cursor`. Each order walks an index:
 * magic → posts_magic_keyset_idx, recent → posts_published_idx, top (all time) → posts_top_keyset_idx; top of a period scans
 * that period's posts through posts_published_idx. Hidden and Required tag filters (`filters`) are conditions
 * on the same walk, each a primary-key probe of post_tags (or, for a rare required tag, the planner starts from
 * its links); the Magic order with Reduced or Subscribed filters is adjustedMagicList (tag-filter-queries.ts).
 */
export async function postList(
  db: Queryable,
  view: PostView,
  period: TopPeriod,
  limit: number,
  cursor?: Cursor,
  filters: FilterSet = NO_FILTERS,
): Promise<PostListItem[]> {
  const params: unknown[] = [limit];
  let where = FRONTPAGE_LIST;
  let order: string;
  if (view === 'recent') {
    order = 'p.published_at DESC, p.id DESC';
    if (cursor) {
      params.push(new Date(cursor.key), cursor.id);
      where += ` AND (p.published_at, p.id) < ($2, $3)`;
    }
  } else if (view === 'magic') {
    // Every published post is scored when published (and rescored periodically).
    order = 'p.magic_score DESC, p.id DESC';
    where += ' AND p.magic_score IS NOT NULL';
    if (cursor) {
      params.push(Number(cursor.key), cursor.id);
      where += ` AND (p.magic_score, p.id) < ($2, $3)`;
    }
  } else {
    order = 'p.base_score DESC, p.id DESC';
    const days = PERIOD_DAYS[period];
    if (days !== null) {
      params.push(days);
      where += ` AND p.published_at > now() - make_interval(days => $${params.length})`;
    }
    if (cursor) {
      params.push(Number(cursor.key), cursor.id);
      const k = params.length - 1;
      where += ` AND (p.base_score, p.id) < ($${k}, $${k + 1})`;
    }
  }
  where += tagConditions(filters, params);
  return db.query<PostListItem>(
    `SELECT ${LIST_COLUMNS} FROM posts p JOIN users u ON u.id = p.author_id WHERE ${where} ORDER BY ${order} LIMIT $1`,
    params,
  );
}

/** The sort key of an item in a view, for the next cursor. */
export function cursorKey(view: PostView, item: PostListItem): string | number {
  if (view === 'recent') return item.publishedAt.toISOString();
  if (view === 'magic') return item.adjustedScore ?? item.magicScore ?? 0;
  return item.baseScore;
}

/** Posts by latest activity (a new post or comment), for Recent Discussion (posts_activity_idx). */
export async function activePosts(db: Queryable, limit: number, cursor?: Cursor): Promise<PostListItem[]> {
  const params: unknown[] = [limit];
  let where = VISIBLE;
  if (cursor) {
    params.push(new Date(cursor.key), cursor.id);
    where += ` AND (p.last_activity_at, p.id) < ($2, $3)`;
  }
  return db.query<PostListItem>(
    `SELECT ${LIST_COLUMNS} FROM posts p JOIN users u ON u.id = p.author_id
      WHERE ${where} ORDER BY p.last_activity_at DESC, p.id DESC LIMIT $1`,
    params,
  );
}

export interface DiscussionComment {
  id: string;
  postId: string;
  parentId: string | null;
  authorUsername: string;
  authorDisplayName: string;
  createdAt: Date;
  excerpt: string;
  /** The excerpt with its formulas typeset; '' when it has none (show `excerpt`). */
  excerptHtml: string;
}

/** The newest `perPost` comments of each post, in one query (a lateral index scan per post). */
export async function newestComments(db: Queryable, postIds: string[], perPost: number): Promise<DiscussionComment[]> {
  if (postIds.length === 0) return [];
  return db.query<DiscussionComment>(
    `SELECT c.id, c.post_id AS "postId", c.parent_id AS "parentId", u.username AS "authorUsername",
            u.display_name AS "authorDisplayName", c.created_at AS "createdAt", c.excerpt,
            c.excerpt_html AS "excerptHtml"
       FROM unnest($1::text[]) AS ids (post_id)
       CROSS JOIN LATERAL (
         SELECT id, post_id, parent_id, author_id, created_at, excerpt, excerpt_html FROM comments WHERE post_id = ids.post_id AND ${visibleComment()} ORDER BY created_at DESC LIMIT $2
       ) c
       JOIN users u ON u.id = c.author_id
      ORDER BY c.created_at`,
    [postIds, perPost],
  );
}
