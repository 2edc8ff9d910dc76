import type { Queryable } from '../db/database.js';
import { visibleComment, visiblePost } from '../policy/visibility.js';

/** A published post with everything a feed entry shows (its stored HTML and excerpt included). */
export interface FeedPost {
  id: string;
  slug: string;
  title: string;
  bodyHtml: string;
  excerpt: string;
  publishedAt: Date;
  updatedAt: Date;
  authorUsername: string;
  authorDisplayName: string;
}

export const FEED_POST_COLUMNS = `p.id, p.slug, p.title, p.body_html AS "bodyHtml", p.excerpt, p.published_at AS "publishedAt",
  p.updated_at AS "updatedAt", u.username AS "authorUsername", u.display_name AS "authorDisplayName"`;

/** The newest published posts of the whole site (posts_published_idx). */
export async function newestPosts(db: Queryable, limit: number): Promise<FeedPost[]> {
  return db.query<FeedPost>(
    `SELECT ${FEED_POST_COLUMNS}
       FROM posts p JOIN users u ON u.id = p.author_id
      WHERE ${visiblePost('p')}
      ORDER BY p.published_at DESC, p.id DESC
      LIMIT $1`,
    [limit],
  );
}

/**
 * One author's newest published posts (posts_author_published_idx). Ordered by publication, not creation:
 * a draft begun long ago and published today is news today.
 */
export async function newestPostsOfUser(db: Queryable, userId: string, limit: number): Promise<FeedPost[]> {
  return db.query<FeedPost>(
    `SELECT ${FEED_POST_COLUMNS}
       FROM posts p JOIN users u ON u.id = p.author_id
      WHERE p.author_id = $1 AND ${visiblePost('p')}
      ORDER BY p.published_at DESC, p.id DESC
      LIMIT $2`,
    [userId, limit],
  );
}

export interface FeedComment {
  id: string;
  bodyHtml: string;
  excerpt: string;
  createdAt: Date;
  editedAt: Date | null;
  retracted: boolean;
  authorUsername: string;
  authorDisplayName: string;
}

/** A post's newest comments, deleted ones left out (comments_post_idx, read backwards). */
export async function newestCommentsOfPost(db: Queryable, postId: string, limit: number): Promise<FeedComment[]> {
  return db.query<FeedComment>(
    `SELECT c.id, c.body_html AS "bodyHtml", c.excerpt, c.created_at AS "createdAt", c.edited_at AS "editedAt",
            c.retracted, u.username AS "authorUsername", u.display_name AS "authorDisplayName"
       FROM comments c JOIN users u ON u.id = c.author_id
      WHERE c.post_id = $1 AND ${visibleComment('c')}
      ORDER BY c.created_at DESC, c.id DESC
      LIMIT $2`,
    [postId, limit],
  );
}

/** A post of a sequence, with when it joined the sequence. */
export interface FeedSequencePost extends FeedPost {
  addedAt: Date;
}

/**
 * A sequence's visible posts, newest additions first: what its followers have not seen yet. The primary key of
 * sequence_posts finds the sequence's rows; sorting one sequence's few rows needs no index of its own.
 */
export async function newestPostsOfSequence(
  db: Queryable,
  sequenceId: string,
  limit: number,
): Promise<FeedSequencePost[]> {
  return db.query<FeedSequencePost>(
    `SELECT ${FEED_POST_COLUMNS}, sp.added_at AS "addedAt"
       FROM sequence_posts sp
       JOIN posts p ON p.id = sp.post_id
       JOIN users u ON u.id = p.author_id
      WHERE sp.sequence_id = $1 AND ${visiblePost('p')}
      ORDER BY sp.added_at DESC, p.id DESC
      LIMIT $2`,
    [sequenceId, limit],
  );
}

/**
 * A tag's newest posts: its links at relevance >= 0 (the ones its page shows) to published posts. The tag's
 * links come from post_tags_tag_relevance_idx and are sorted by publication; a tag has few enough for that.
 */
export async function newestPostsOfTag(db: Queryable, tagId: string, limit: number): Promise<FeedPost[]> {
  return db.query<FeedPost>(
    `SELECT ${FEED_POST_COLUMNS}
       FROM post_tags pt
       JOIN posts p ON p.id = pt.post_id
       JOIN users u ON u.id = p.author_id
      WHERE pt.tag_id = $1 AND pt.relevance >= 0 AND ${visiblePost('p')}
      ORDER BY p.published_at DESC, p.id DESC
      LIMIT $2`,
    [tagId, limit],
  );
}
