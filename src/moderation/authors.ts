import type { Queryable } from '../db/database.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import { actorFor, type Role } from '../policy/actor.js';
import { canCommentOn } from '../policy/policy.js';

/**
 * What authors moderate on their own posts: a list of users who may not comment on any of them (their
 * guidelines are a field of the post, saved by the post editor).
 */

export const COMMENTS_LOCKED = 'Comments on this post are locked.';
export const BANNED_BY_AUTHOR = 'The author of this post has banned you from commenting on their posts.';

/**
 * Why `userId` may not comment on the post now, or null: its comments are locked by a moderator, or its author
 * has banned them. lyceum_add_comment makes the same checks under the post's row lock (migration 0022); this
 * read answers early where no comment is added yet (a comment held for review, see addComment).
 */
export async function commentRefusal(db: Queryable, postId: string, userId: string): Promise<string | null> {
  const rows = await db.query<{ locked: boolean; banned: boolean; role: Role | null }>(
    `SELECT p.comments_locked AS locked, (SELECT role FROM users WHERE id = $2) AS role,
            EXISTS (SELECT 1 FROM author_commenter_bans b WHERE b.author_id = p.author_id AND b.user_id = $2) AS banned
       FROM posts p WHERE p.id = $1`,
    [postId, userId],
  );
  const row = rows[0];
  // A missing post or user is addComment's to refuse, with its own message.
  if (!row?.role) return null;
  // The policy lets staff write in a locked thread (to explain the lock); everyone else is told it is locked.
  const facts = { authorId: '', status: 'published', deletedAt: null, commentsLocked: row.locked } as const;
  if (!canCommentOn(actorFor(userId, { role: row.role }), facts)) return COMMENTS_LOCKED;
  if (row.banned) return BANNED_BY_AUTHOR;
  return null;
}

export interface BannedCommenter {
  userId: string;
  username: string;
  displayName: string;
  createdAt: Date;
}

/** Who an author has banned from commenting on their posts, newest first (the table's primary key). */
export async function commenterBansOf(db: Queryable, authorId: string): Promise<BannedCommenter[]> {
  return db.query<BannedCommenter>(
    `SELECT b.user_id AS "userId", u.username, u.display_name AS "displayName", b.created_at AS "createdAt"
       FROM author_commenter_bans b JOIN users u ON u.id = b.user_id
      WHERE b.author_id = $1 ORDER BY b.created_at DESC, u.username`,
    [authorId],
  );
}

/** Bans a user, named by username, from commenting on the author's posts. */
export async function banCommenter(db: Queryable, authorId: string, username: string): Promise<void> {
  const users = await db.query<{ id: string }>('SELECT id FROM users WHERE lower(username) = lower($1)', [username]);
  const user = users[0];
  if (!user) throw new Invalid(`There is no user named ${username}.`, { username: `No user is named ${username}.` });
  if (user.id === authorId) throw new Invalid('You cannot ban yourself.', { username: 'That is you.' });
  const added = await db.query(
    'INSERT INTO author_commenter_bans (author_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING user_id',
    [authorId, user.id],
  );
  if (added.length === 0) {
    throw new Invalid(`${username} is already banned from your posts.`, { username: 'Already on your list.' });
  }
}

export async function unbanCommenter(db: Queryable, authorId: string, userId: string): Promise<void> {
  const removed = await db.query(
    'DELETE FROM author_commenter_bans WHERE author_id = $1 AND user_id = $2 RETURNING user_id',
    [authorId, userId],
  );
  if (removed.length === 0) throw new NotFound('That user is not on your list.');
}

/** A commenter ban needs a logged-in author. */
export function requireAuthor<T>(user: T | null | undefined): T {
  if (!user) throw new Forbidden('Log in to manage who may comment on your posts.');
  return user;
}
