import type { Queryable } from '../../src/db/database.js';

export interface NotificationRow {
  user_id: string;
  kind: string;
  event_key: string;
  actor_id: string | null;
  post_id: string | null;
  comment_id: string | null;
  detail: string;
  delivery: string;
  read_at: Date | null;
}

/** Every notification about an event (a comment's, a post's id, or 'log:<id>'). */
export function notificationsOf(db: Queryable, eventKey: string): Promise<NotificationRow[]> {
  return db.query<NotificationRow>(
    `SELECT user_id, kind, event_key, actor_id, post_id, comment_id, detail, delivery, read_at
       FROM notifications WHERE event_key = $1 ORDER BY user_id`,
    [eventKey],
  );
}

/** Who an event reached, as user id → kind. */
export async function reached(db: Queryable, eventKey: string): Promise<Record<string, string>> {
  return Object.fromEntries((await notificationsOf(db, eventKey)).map((row) => [row.user_id, row.kind]));
}

export async function unreadCount(db: Queryable, userId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT unread_notification_count AS n FROM users WHERE id = $1', [
    userId,
  ]);
  return row!.n;
}

export async function subscribe(db: Queryable, userId: string, type: string, id: string, subscribed = true) {
  await db.query(
    `INSERT INTO notification_subscriptions (user_id, target_type, target_id, subscribed) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id, target_type, target_id) DO UPDATE SET subscribed = EXCLUDED.subscribed`,
    [userId, type, id, subscribed],
  );
}
