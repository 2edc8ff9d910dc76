import type { Queryable } from '../db/database.js';
import { notifyModeration } from '../notifications/fanout.js';

/** What a moderation log entry says was done. */
export type ModerationAction =
  | 'remove-post'
  | 'restore-post'
  | 'remove-comment'
  | 'restore-comment'
  | 'lock-comments'
  | 'unlock-comments'
  | 'move-to-frontpage'
  | 'move-to-personal-blog'
  | 'ban-user'
  | 'unban-user'
  | 'change-role'
  // The review queue and reports (src/review/, src/reports/).
  | 'approve-post'
  | 'reject-post'
  | 'approve-comment'
  | 'reject-comment'
  | 'resolve-report'
  // The admin settings page (src/settings/).
  | 'change-site-settings';

export interface ModerationEntry {
  moderatorId: string;
  action: ModerationAction;
  targetType: 'post' | 'comment' | 'user' | 'report' | 'site';
  targetId: string;
  /** What the entry names, as it was then (a post title, "comment on <title>", a username); never removed text. */
  targetLabel: string;
  reason: string;
}

/** Records a moderator's action; called inside the transaction that does it, so the log and the change agree. */
export async function recordModeration(tx: Queryable, entry: ModerationEntry): Promise<void> {
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO moderation_log (moderator_id, action, target_type, target_id, target_label, reason)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [entry.moderatorId, entry.action, entry.targetType, entry.targetId, entry.targetLabel, entry.reason],
  );
  // The author hears of a removal or restoration of their post or comment, with the reason.
  await notifyModeration(tx, { ...entry, logId: row!.id });
}
