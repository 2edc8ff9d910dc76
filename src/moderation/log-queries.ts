import { z } from 'zod';
import { cursorJson } from '../db/cursor.js';
import type { Queryable } from '../db/database.js';
import { Invalid } from '../errors.js';
import { commentPath, postPath } from '../posts/paths.js';

/** One line of the public moderation log, with where its target is now (never the removed content itself). */
export interface LogEntry {
  id: number;
  action: string;
  targetType: string;
  targetId: string;
  targetLabel: string;
  reason: string;
  createdAt: Date;
  moderatorUsername: string;
  moderatorDisplayName: string;
  /** The target's page, if it still has one (a removed post's page says it was removed). */
  href: string | null;
}

interface Row extends Omit<LogEntry, 'href'> {
  postId: string | null;
  postSlug: string | null;
  username: string | null;
}

/** Where "Load more" on the log continues: after the entry with this time and id (moderation_log_created_idx). */
export interface LogCursor {
  at: string;
  id: number;
}

const LOG_LIST = 'moderation-log';
const cursorShape = z.tuple([
  z.literal(LOG_LIST),
  z.string().refine((text) => !Number.isNaN(Date.parse(text))),
  z.number().int().nonnegative(),
]);

export function encodeLogCursor(cursor: LogCursor): string {
  return Buffer.from(JSON.stringify([LOG_LIST, cursor.at, cursor.id])).toString('base64url');
}

/** The log's own cursor (its ids are numbers, not the 17-character ids db/cursor.ts checks); broken → 422. */
export function decodeLogCursor(text: string | undefined): LogCursor | undefined {
  if (!text) return undefined;
  const parsed = cursorShape.safeParse(cursorJson(text));
  if (!parsed.success) {
    throw new Invalid('That "Load more" link is broken; start again from the first page.', {
      after: 'Malformed cursor.',
    });
  }
  return { at: parsed.data[1], id: parsed.data[2] };
}

/**
 * A page of the log, newest first, continuing after `cursor`: one walk of moderation_log_created_idx with a
 * primary-key probe per entry for its moderator and its target's address.
 */
export async function moderationLogPage(db: Queryable, limit: number, cursor?: LogCursor): Promise<LogEntry[]> {
  const params: unknown[] = [limit];
  let where = '';
  if (cursor) {
    params.push(new Date(cursor.at), cursor.id);
    where = 'WHERE (l.created_at, l.id) < ($2, $3)';
  }
  const rows = await db.query<Row>(
    `SELECT l.id::int AS id, l.action, l.target_type AS "targetType", l.target_id AS "targetId",
            l.target_label AS "targetLabel", l.reason, l.created_at AS "createdAt",
            m.username AS "moderatorUsername", m.display_name AS "moderatorDisplayName",
            p.id AS "postId", p.slug AS "postSlug", tu.username
       FROM moderation_log l
       JOIN users m ON m.id = l.moderator_id
       LEFT JOIN comments c ON l.target_type = 'comment' AND c.id = l.target_id
       LEFT JOIN posts p ON p.id = CASE l.target_type WHEN 'post' THEN l.target_id WHEN 'comment' THEN c.post_id END
       LEFT JOIN users tu ON l.target_type = 'user' AND tu.id = l.target_id
       ${where}
      ORDER BY l.created_at DESC, l.id DESC
      LIMIT $1`,
    params,
  );
  return rows.map(({ postId, postSlug, username, ...entry }) => ({
    ...entry,
    id: Number(entry.id),
    href:
      entry.targetType === 'user' && username
        ? `/users/${username}`
        : postId && postSlug
          ? entry.targetType === 'comment'
            ? commentPath({ id: postId, slug: postSlug }, entry.targetId)
            : postPath({ id: postId, slug: postSlug })
          : null,
  }));
}
