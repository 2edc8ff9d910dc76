import type { Queryable } from '../db/database.js';
import { visibleComment, visiblePost } from '../policy/visibility.js';
import { mailTopic } from './email.js';
import { type Delivery, defaultDelivery, NOTIFICATION_KINDS, type NotificationKind } from './kinds.js';

/** One notification as the inbox shows it. */
export interface InboxItem {
  id: string;
  kind: NotificationKind;
  detail: string;
  createdAt: Date;
  readAt: Date | null;
  postId: string | null;
  postTitle: string | null;
  postSlug: string | null;
  commentId: string | null;
  /** The comment's excerpt (plain text), when it is about a comment. */
  excerpt: string | null;
  /** The same with its formulas typeset (web/excerpt.tsx), '' when it holds none. */
  excerptHtml: string | null;
  /** Whether what it is about is still shown (its post public, its comment not deleted or removed). */
  shown: boolean;
  actorName: string | null;
  actorUsername: string | null;
}

/** The inbox's page size. */
export const INBOX_PAGE_SIZE = 50;

/**
 * A member's notifications, newest first, from after `cursor` (keyset on created_at, id: notifications_inbox_idx).
 * Those about a post or comment no longer shown stay listed (so the list agrees with the unread count), said to
 * be gone, without its title or text. One more than `limit` is read to know whether a next page exists.
 */
export async function inboxPage(
  db: Queryable,
  userId: string,
  cursor: { at: Date; id: string } | undefined,
  limit = INBOX_PAGE_SIZE,
): Promise<{ items: InboxItem[]; more: boolean }> {
  const rows = await db.query<InboxItem>(
    `SELECT n.id, n.kind, n.detail, n.created_at AS "createdAt", n.read_at AS "readAt", n.post_id AS "postId",
            p.title AS "postTitle", p.slug AS "postSlug", n.comment_id AS "commentId", c.excerpt, c.excerpt_html AS "excerptHtml",
            coalesce(${visiblePost('p')} AND (c.id IS NULL OR ${visibleComment('c')}), false) AS shown,
            a.display_name AS "actorName", a.username AS "actorUsername"
       FROM notifications n
       LEFT JOIN posts p ON p.id = n.post_id
       LEFT JOIN comments c ON c.id = n.comment_id
       LEFT JOIN users a ON a.id = n.actor_id
      WHERE n.user_id = $1
        AND ($2::timestamptz IS NULL OR (n.created_at, n.id) < ($2::timestamptz, $3::text))
      ORDER BY n.created_at DESC, n.id DESC
      LIMIT $4`,
    [userId, cursor?.at ?? null, cursor?.id ?? null, limit + 1],
  );
  return { items: rows.slice(0, limit), more: rows.length > limit };
}

/**
 * How each kind reaches the member: their choice, else the default (kinds.ts defaultDelivery). Email they stopped
 * from an email's unsubscribe link (mail_unsubscribes, by topic: email.ts mailTopic) counts as 'site'.
 */
export async function notificationChoices(db: Queryable, userId: string): Promise<Record<NotificationKind, Delivery>> {
  const [stored, stopped] = await Promise.all([
    db.query<{ kind: NotificationKind; delivery: Delivery }>(
      'SELECT kind, delivery FROM notification_settings WHERE user_id = $1',
      [userId],
    ),
    db.query<{ topic: string }>('SELECT topic FROM mail_unsubscribes WHERE user_id = $1', [userId]),
  ]);
  const chosen = new Map(stored.map((row) => [row.kind, row.delivery]));
  const unsubscribed = new Set(stopped.map((row) => row.topic));
  const choice = (kind: NotificationKind): Delivery => {
    const delivery = chosen.get(kind) ?? defaultDelivery(kind);
    if (delivery === 'email' && unsubscribed.has(mailTopic(kind))) return 'site';
    if (delivery === 'digest' && unsubscribed.has(mailTopic('digest'))) return 'site';
    return delivery;
  };
  return Object.fromEntries(NOTIFICATION_KINDS.map((kind) => [kind, choice(kind)])) as Record<
    NotificationKind,
    Delivery
  >;
}
