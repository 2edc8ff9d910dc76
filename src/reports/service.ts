import type { Queryable } from '../db/database.js';
import { newId } from '../db/ids.js';
import { AppError, Forbidden, NotFound } from '../errors.js';
import { recordModeration } from '../moderation/log.js';
import { type Actor, canReport, canReview } from '../policy/policy.js';
import type { ReportTarget } from './queries.js';

/**
 * Files a report. One open report per reporter and target (reports_open_key): a second while the first is open
 * is refused (409) by the insert itself, so two submissions at once cannot both land. Reporting one's own post
 * or comment is refused (403). Nothing is written on a refusal.
 */
export async function fileReport(
  db: Queryable,
  actor: Actor,
  target: ReportTarget,
  reason: string,
): Promise<{ id: string }> {
  if (!canReport(actor, target)) throw new Forbidden(`You cannot report your own ${target.type}.`);
  const id = newId();
  const rows = await db.query<{ id: string }>(
    `INSERT INTO reports (id, reporter_id, target_type, target_id, post_id, reason)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (reporter_id, target_type, target_id) WHERE resolved_at IS NULL DO NOTHING
     RETURNING id`,
    [id, actor.id, target.type, target.id, target.postId, reason],
  );
  if (rows.length === 0) {
    throw new AppError(409, `You have already reported this ${target.type}; the moderators have not resolved it yet.`);
  }
  return { id };
}

/**
 * Resolves an open report with the moderator's note: the report row, the reporter's count of unseen
 * resolutions (which puts "Your reports" in their header through their session) and a moderation log row, in
 * one transaction. The report row is locked first, so of two moderators resolving at once, the second gets 409.
 */
export async function resolveReport(db: Queryable, actor: Actor, reportId: string, note: string): Promise<void> {
  if (!canReview(actor)) throw new Forbidden('Only moderators and admins resolve reports.');
  await db.transaction(async (tx) => {
    const [report] = await tx.query<{ reporterId: string; resolved: boolean; targetType: string; postTitle: string }>(
      `SELECT r.reporter_id AS "reporterId", r.resolved_at IS NOT NULL AS resolved, r.target_type AS "targetType",
              p.title AS "postTitle"
         FROM reports r JOIN posts p ON p.id = r.post_id
        WHERE r.id = $1 FOR UPDATE OF r`,
      [reportId],
    );
    if (!report) throw new NotFound('There is no such report.');
    if (report.resolved) throw new AppError(409, 'This report has been resolved already.');
    await tx.query('UPDATE reports SET resolved_at = now(), resolved_by = $2, resolution_note = $3 WHERE id = $1', [
      reportId,
      actor.id,
      note,
    ]);
    await tx.query('UPDATE users SET unseen_report_resolutions = unseen_report_resolutions + 1 WHERE id = $1', [
      report.reporterId,
    ]);
    // The log names what was reported, never who reported it.
    await recordModeration(tx, {
      moderatorId: actor.id,
      action: 'resolve-report',
      targetType: 'report',
      targetId: reportId,
      targetLabel:
        report.targetType === 'post' ? `report on ${report.postTitle}` : `report on a comment on ${report.postTitle}`,
      reason: note,
    });
  });
}

/** The reporter has read their resolutions (they opened "Your reports"): the header link goes away. */
export async function markResolutionsSeen(db: Queryable, userId: string): Promise<void> {
  await db.query('UPDATE users SET unseen_report_resolutions = 0 WHERE id = $1 AND unseen_report_resolutions > 0', [
    userId,
  ]);
}
