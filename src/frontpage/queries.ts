import type { Queryable } from '../db/database.js';

export interface PostListItem {
  id: string;
  slug: string;
  title: string;
  authorUsername: string;
  authorDisplayName: string;
  publishedAt: Date;
  commentCount: number;
  baseScore: number;
  readingMinutes: number;
  excerpt: string;
}

/** Published posts, newest first (posts_published_idx). */
export async function latestPosts(db: Queryable, limit: number): Promise<PostListItem[]> {
  return db.query<PostListItem>(
    `SELECT p.id, p.slug, p.title, u.username AS "authorUsername", u.display_name AS "authorDisplayName",
            p.published_at AS "publishedAt", p.comment_count AS "commentCount", p.base_score AS "baseScore",
            p.reading_minutes AS "readingMinutes", p.excerpt
       FROM posts p JOIN users u ON u.id = p.author_id
      WHERE p.status = 'published' AND p.deleted_at IS NULL
      ORDER BY p.published_at DESC, p.id DESC
      LIMIT $1`,
    [limit],
  );
}
