import type { Queryable } from '../db/database.js';
import { isId } from '../db/ids.js';
import { NotFound } from '../errors.js';
import { resubscribe } from '../mail/unsubscribe.js';
import { mailTopic } from './email.js';
import { type Delivery, defaultDelivery, NOTIFICATION_KINDS, type NotificationKind } from './kinds.js';

const NO_SUCH_NOTIFICATION = 'There is no such notification of yours.';

/**
 * Marks one of the member's notifications read. Another member's (or none) is a 404 and changes nothing: the
 * statement only reaches the member's own rows. The unread count follows by trigger (migration 0024).
 */
export async function markRead(db: Queryable, userId: string, id: string): Promise<void> {
  if (!isId(id)) throw new NotFound(NO_SUCH_NOTIFICATION);
  const rows = await db.query<{ id: string }>(
    `WITH target AS (SELECT id, read_at FROM notifications WHERE id = $1 AND user_id = $2),
          marked AS (UPDATE notifications n SET read_at = now() FROM target t WHERE n.id = t.id AND t.read_at IS NULL)
     SELECT id FROM target`,
    [id, userId],
  );
  if (rows.length === 0) throw new NotFound(NO_SUCH_NOTIFICATION);
}

/** Marks every unread notification of the member read (the count goes to 0 with it). */
export async function markAllRead(db: Queryable, userId: string): Promise<void> {
  await db.query('UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL', [userId]);
}

/**
 * Stores a member's delivery per kind: a row only where it differs from the default, in one transaction. Email
 * chosen again for a kind (or the digest) undoes an unsubscribe made from an email's link.
 */
export async function saveNotificationSettings(
  db: Queryable,
  userId: string,
  choices: Record<NotificationKind, Delivery>,
): Promise<void> {
  const changed = NOTIFICATION_KINDS.filter((kind) => choices[kind] !== defaultDelivery(kind));
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM notification_settings WHERE user_id = $1', [userId]);
    const emailed = NOTIFICATION_KINDS.filter((kind) => choices[kind] === 'email').map((kind) => mailTopic(kind));
    if (NOTIFICATION_KINDS.some((kind) => choices[kind] === 'digest')) emailed.push(mailTopic('digest'));
    for (const topic of emailed) await resubscribe(tx, { userId, topic });
    if (changed.length === 0) return;
    await tx.query(
      `INSERT INTO notification_settings (user_id, kind, delivery)
       SELECT $1, kind, delivery FROM unnest($2::text[], $3::text[]) AS c (kind, delivery)`,
      [userId, changed, changed.map((kind) => choices[kind])],
    );
  });
}
