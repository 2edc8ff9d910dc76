import type { Queryable } from '../db/database.js';

export interface OutboxMessage {
  id: number;
  to: string;
  subject: string;
  text: string;
  delivery: 'smtp' | 'outbox';
  createdAt: Date;
}

/** Messages shown per outbox page. */
export const OUTBOX_PAGE_SIZE = 30;

/** The newest messages sent or kept, before `beforeId` when paging (keyset on the identity column). */
export async function outboxMessages(db: Queryable, beforeId: number | undefined): Promise<OutboxMessage[]> {
  return db.query<OutboxMessage>(
    `SELECT id, to_address AS "to", subject, text_body AS text, delivery, created_at AS "createdAt"
       FROM mail_messages
      WHERE $1::bigint IS NULL OR id < $1
      ORDER BY id DESC
      LIMIT $2`,
    [beforeId ?? null, OUTBOX_PAGE_SIZE + 1],
  );
}
