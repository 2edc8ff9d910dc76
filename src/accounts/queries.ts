import type { Queryable } from '../db/database.js';
import { ACTOR_BAN_COLUMNS, type Actor, type Role } from '../policy/actor.js';

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  email: string;
  passwordHash: string;
  bioHtml: string;
  karma: number;
  role: Role;
  createdAt: Date;
}

const USER_COLUMNS = `id, username, display_name AS "displayName", email, password_hash AS "passwordHash",
  bio_html AS "bioHtml", karma, role, created_at AS "createdAt"`;

export async function userByLogin(db: Queryable, login: string): Promise<UserRow | undefined> {
  const rows = await db.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users WHERE lower(username) = lower($1) OR lower(email) = lower($1) LIMIT 1`,
    [login],
  );
  return rows[0];
}

export async function takenUserFields(
  db: Queryable,
  username: string,
  email: string,
): Promise<{ username: boolean; email: boolean }> {
  const rows = await db.query<{ u: boolean; e: boolean }>(
    `SELECT bool_or(lower(username) = lower($1)) AS u, bool_or(lower(email) = lower($2)) AS e
       FROM users WHERE lower(username) = lower($1) OR lower(email) = lower($2)`,
    [username, email],
  );
  return { username: rows[0]?.u === true, email: rows[0]?.e === true };
}

export interface SessionUser extends Actor {
  username: string;
  displayName: string;
  /** The comment order this user last chose. */
  commentSort: 'top' | 'new' | 'old' | 'magic';
  expiresAt: Date;
  /** Their reports resolved since they last opened /reports: the header links there while above 0. */
  unseenReportResolutions?: number;
  /** Their comments held for review (or rejected): the post page looks for them only while above 0. */
  pendingCommentCount?: number;
  /** Their unread notifications (users.unread_notification_count, migration 0024): the header's count. */
  unreadNotifications?: number;
}

export async function sessionUser(db: Queryable, tokenHash: string): Promise<SessionUser | undefined> {
  const rows = await db.query<SessionUser>(
    `SELECT u.id, u.username, u.display_name AS "displayName", u.karma, u.role, ${ACTOR_BAN_COLUMNS},
            u.comment_sort AS "commentSort", s.expires_at AS "expiresAt",
            u.unseen_report_resolutions AS "unseenReportResolutions", u.pending_comment_count AS "pendingCommentCount",
            u.unread_notification_count AS "unreadNotifications"
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.expires_at > now()`,
    [tokenHash],
    true,
  );
  return rows[0];
}
