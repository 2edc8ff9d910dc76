import type { Cursor } from '../db/cursor.js';
import type { Queryable } from '../db/database.js';
import { ACTOR_BAN_COLUMNS, type Role } from '../policy/actor.js';
import { visibleComment, visiblePost } from '../policy/visibility.js';

export interface Profile {
  id: string;
  username: string;
  displayName: string;
  bioMarkdown: string;
  bioHtml: string;
  karma: number;
  createdAt: Date;
  /** Shown on the profile: a ban in force (activeBan), and the role for the admins' role form. */
  role: Role;
  bannedUntil: Date | null;
  bannedForever: boolean;
  banReason: string;
}

export async function profileByUsername(db: Queryable, username: string): Promise<Profile | undefined> {
  const rows = await db.query<Profile>(
    `SELECT id, username, display_name AS "displayName", bio_markdown AS "bioMarkdown", bio_html AS "bioHtml", karma,
            created_at AS "createdAt", role, ${ACTOR_BAN_COLUMNS}
       FROM users u WHERE lower(username) = lower($1)`,
    [username],
  );
  return rows[0];
}

export interface ProfilePost {
  id: string;
  slug: string;
  title: string;
  status: 'draft' | 'pending' | 'published';
  publishedAt: Date | null;
  updatedAt: Date;
  commentCount: number;
  baseScore: number;
  readingMinutes: number;
  excerpt: string;
  /** The excerpt with its formulas typeset; '' when it has none (show `excerpt`). */
  excerptHtml: string;
  /** A draft sent back from the review queue: the moderator's reason (src/review). */
  reviewRejection: string | null;
}

const POST_COLUMNS = `id, slug, title, status, published_at AS "publishedAt", updated_at AS "updatedAt",
  comment_count AS "commentCount", base_score AS "baseScore", reading_minutes AS "readingMinutes", excerpt,
  excerpt_html AS "excerptHtml", review_rejection AS "reviewRejection"`;

/** A user's published posts, newest first, after the cursor (posts_author_published_idx). */
export async function publishedPostsOfUser(
  db: Queryable,
  userId: string,
  limit: number,
  cursor?: Cursor,
): Promise<ProfilePost[]> {
  const params: unknown[] = [userId, limit];
  let after = '';
  if (cursor) {
    params.push(new Date(cursor.key), cursor.id);
    after = 'AND (published_at, id) < ($3, $4)';
  }
  return db.query<ProfilePost>(
    `SELECT ${POST_COLUMNS} FROM posts
      WHERE author_id = $1 AND ${visiblePost()} ${after}
      ORDER BY published_at DESC, id DESC LIMIT $2`,
    params,
  );
}

/**
 * A user's drafts and posts awaiting review, most recently created first (posts_author_idx). Only ever shown
 * to their author.
 */
export async function draftsOfUser(db: Queryable, userId: string, limit: number): Promise<ProfilePost[]> {
  return db.query<ProfilePost>(
    `SELECT ${POST_COLUMNS} FROM posts
      WHERE author_id = $1 AND status IN ('draft', 'pending') AND deleted_at IS NULL
      ORDER BY created_at DESC, id DESC LIMIT $2`,
    [userId, limit],
  );
}

export interface ProfileComment {
  id: string;
  postId: string;
  postSlug: string;
  postTitle: string;
  createdAt: Date;
  baseScore: number;
  excerpt: string;
  /** The excerpt with its formulas typeset; '' when it has none (show `excerpt`). */
  excerptHtml: string;
  retracted: boolean;
}

/** A user's comments with the title of their post, newest first (comments_author_idx). */
export async function commentsOfUser(
  db: Queryable,
  userId: string,
  limit: number,
  cursor?: Cursor,
): Promise<ProfileComment[]> {
  const params: unknown[] = [userId, limit];
  let after = '';
  if (cursor) {
    params.push(new Date(cursor.key), cursor.id);
    after = 'AND (c.created_at, c.id) < ($3, $4)';
  }
  return db.query<ProfileComment>(
    `SELECT c.id, c.post_id AS "postId", p.slug AS "postSlug", p.title AS "postTitle", c.created_at AS "createdAt",
            c.base_score AS "baseScore", c.excerpt, c.excerpt_html AS "excerptHtml", c.retracted
       FROM comments c JOIN posts p ON p.id = c.post_id
      WHERE c.author_id = $1 AND ${visibleComment('c')} AND ${visiblePost('p')} ${after}
      ORDER BY c.created_at DESC, c.id DESC LIMIT $2`,
    params,
  );
}

export async function updateProfile(
  db: Queryable,
  userId: string,
  fields: { displayName: string; bioMarkdown: string; bioHtml: string },
): Promise<void> {
  await db.query('UPDATE users SET display_name = $2, bio_markdown = $3, bio_html = $4 WHERE id = $1', [
    userId,
    fields.displayName,
    fields.bioMarkdown,
    fields.bioHtml,
  ]);
}
