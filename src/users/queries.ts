import type { Queryable } from '../db/database.js';

export interface Profile {
  id: string;
  username: string;
  displayName: string;
  bioHtml: string;
  karma: number;
  createdAt: Date;
}

export async function profileByUsername(db: Queryable, username: string): Promise<Profile | undefined> {
  const rows = await db.query<Profile>(
    `SELECT id, username, display_name AS "displayName", bio_html AS "bioHtml", karma, created_at AS "createdAt"
       FROM users WHERE lower(username) = lower($1)`,
    [username],
  );
  return rows[0];
}

export interface ProfilePost {
  id: string;
  slug: string;
  title: string;
  status: 'draft' | 'published';
  publishedAt: Date | null;
  updatedAt: Date;
  commentCount: number;
  baseScore: number;
  excerpt: string;
}

/** A user's posts, newest first; drafts only when the owner is looking (posts_author_idx). */
export async function postsOfUser(db: Queryable, userId: string, includeDrafts: boolean, limit = 50): Promise<ProfilePost[]> {
  return db.query<ProfilePost>(
    `SELECT id, slug, title, status, published_at AS "publishedAt", updated_at AS "updatedAt",
            comment_count AS "commentCount", base_score AS "baseScore", excerpt
       FROM posts
      WHERE author_id = $1 AND deleted_at IS NULL AND (status = 'published' OR $2)
      ORDER BY created_at DESC
      LIMIT $3`,
    [userId, includeDrafts, limit],
  );
}
