import type { Queryable } from '../db/database.js';
import { registerJob } from '../jobs/queue.js';
import { sendMail } from '../mail/send.js';
import { visibleComment, visiblePost } from '../policy/visibility.js';
import { html } from '../web/html.js';
import { itemHref, what } from './inbox.js';
import type { NotificationKind } from './kinds.js';

/*
 * Notification email: "email at once" is a job per notification (enqueued by the fan-out's statement in fanout.ts,
 * keyed by the notification's id), which builds the email and hands it to mail/send.ts (keyed
 * again, so one email per notification ever). "Daily digest" is one job a day, enqueued when a digest
 * notification is made (keyed by its day, so one per day), which sends each member one email of everything
 * for their digest since the last one.
 */

export const NOTIFICATION_EMAIL_JOB = 'notification-email';
export const DIGEST_JOB = 'notification-digest';
/** When the daily digest goes out (UTC hour). */
export const DIGEST_HOUR_UTC = 8;
/** Most notifications one digest lists; the rest are counted, with a link to the inbox. */
export const DIGEST_MAX_ITEMS = 50;

/** Mail topics (mail/unsubscribe.ts TOPIC_PATTERN has no underscore): one per kind, and the digest's. */
export function mailTopic(kind: NotificationKind | 'digest'): string {
  return kind.replaceAll('_', '-');
}

interface Emailed {
  id: string;
  userId: string;
  kind: NotificationKind;
  detail: string;
  postId: string | null;
  postTitle: string | null;
  postSlug: string | null;
  commentId: string | null;
  excerpt: string | null;
  actorName: string | null;
  /** What it is about is still shown (or it is a moderator's action): a deleted comment is not emailed. */
  shown: boolean;
}

const EMAILED_COLUMNS = `n.id, n.user_id AS "userId", n.kind, n.detail, n.post_id AS "postId", p.title AS "postTitle",
  p.slug AS "postSlug", n.comment_id AS "commentId", c.excerpt, a.display_name AS "actorName",
  n.kind = 'moderation' OR coalesce(${visiblePost('p')} AND (c.id IS NULL OR ${visibleComment('c')}), false) AS shown`;
const EMAILED_FROM = `notifications n LEFT JOIN posts p ON p.id = n.post_id LEFT JOIN comments c ON c.id = n.comment_id
  LEFT JOIN users a ON a.id = n.actor_id`;

/** One notification as a sentence, with the link to what it is about (absolute, for an email). */
export function describeNotification(item: Emailed, baseUrl: string) {
  const who = item.kind === 'moderation' ? 'A moderator' : (item.actorName ?? 'Someone');
  const on = item.postTitle ? ` “${item.postTitle}”` : '';
  const sentence = item.kind === 'moderation' ? `${who} ${what(item)}` : `${who} ${what(item)}${on ? ':' : ''}${on}`;
  const href = itemHref(item);
  return { sentence, url: href ? `${baseUrl}${href}` : `${baseUrl}/notifications`, excerpt: item.excerpt || '' };
}

/** The email for one notification: subject, text and HTML (the mail job adds the footer and unsubscribe link). */
export function notificationEmail(item: Emailed, baseUrl: string) {
  const { sentence, url, excerpt } = describeNotification(item, baseUrl);
  const settings = `${baseUrl}/settings/notifications`;
  return {
    subject: sentence.length > 150 ? `${sentence.slice(0, 149)}…` : sentence,
    text: `${sentence}\n\n${excerpt ? `${excerpt}\n\n` : ''}Read it: ${url}\n\nYour notification settings: ${settings}`,
    html: html`<p>${sentence}</p>
${excerpt ? html`<blockquote>${excerpt}</blockquote>` : ''}
<p><a href="${url}">Read it</a></p>
<p><a href="${settings}">Your notification settings</a></p>`.toString(),
  };
}

/** The digest email of one member's notifications (newest first). */
export function digestEmail(items: Emailed[], more: number, baseUrl: string) {
  const lines = items.map((item) => describeNotification(item, baseUrl));
  const inbox = `${baseUrl}/notifications`;
  const count = items.length + more;
  const subject = `Your daily digest: ${count} notification${count === 1 ? '' : 's'}`;
  const rest = more > 0 ? `And ${more} more: ${inbox}` : `All your notifications: ${inbox}`;
  return {
    subject,
    text: `${lines.map((line) => `- ${line.sentence}\n  ${line.url}`).join('\n')}\n\n${rest}`,
    html: html`<ul>
${lines.map((line) => html`<li><a href="${line.url}">${line.sentence}</a>${line.excerpt ? html`<br>${line.excerpt}` : ''}</li>\n`)}
</ul>
<p>${more > 0 ? `And ${more} more: ` : 'All your notifications: '}<a href="${inbox}">${inbox}</a></p>`.toString(),
  };
}

/** The next digest time after `now`. */
export function nextDigestAt(now = new Date()): Date {
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), DIGEST_HOUR_UTC));
  if (at <= now) at.setUTCDate(at.getUTCDate() + 1);
  return at;
}

/** The next digest's job: one per day (its key is the day), enqueued by the fan-out that makes a digest notification. */
export function nextDigestJob(now = new Date()): { key: string; runAt: Date } {
  const runAt = nextDigestAt(now);
  return { key: `${DIGEST_JOB}:${runAt.toISOString().slice(0, 10)}`, runAt };
}

/** Sends every member with digest notifications waiting their one digest; returns how many were sent. */
export async function sendDigests(db: Queryable, baseUrl: string, now = new Date()): Promise<number> {
  const members = await db.query<{ userId: string }>(
    `SELECT DISTINCT user_id AS "userId" FROM notifications
      WHERE delivery = 'digest' AND digested_at IS NULL AND created_at <= $1`,
    [now],
  );
  for (const { userId } of members) {
    // One member at a time, each in one transaction: the mail enqueued and their rows marked together, so a
    // retry after a failure sends the others and never one twice (the mail's key is its newest notification).
    await db.transaction(async (tx) => {
      const rows = await tx.query<Emailed & { total: number }>(
        `SELECT ${EMAILED_COLUMNS}, count(*) OVER () AS total FROM ${EMAILED_FROM}
          WHERE n.user_id = $1 AND n.delivery = 'digest' AND n.digested_at IS NULL AND n.created_at <= $2
            AND (n.kind = 'moderation' OR (${visiblePost('p')} AND (c.id IS NULL OR ${visibleComment('c')})))
          ORDER BY n.created_at DESC, n.id DESC LIMIT $3`,
        [userId, now, DIGEST_MAX_ITEMS],
      );
      if (rows.length > 0) {
        const mail = digestEmail(rows, rows[0]!.total - rows.length, baseUrl);
        await sendMail(tx, { userId, ...mail, topic: mailTopic('digest') }, { key: `digest:${userId}:${rows[0]!.id}` });
      }
      // Those about what is no longer shown go too, unsent.
      await tx.query(
        `UPDATE notifications SET digested_at = now()
          WHERE user_id = $1 AND delivery = 'digest' AND digested_at IS NULL AND created_at <= $2`,
        [userId, now],
      );
    });
  }
  return members.length;
}

/**
 * Drops the email jobs a load of history caused (the demo loader, in its transaction): its notifications are
 * kept, but nobody is emailed today about what happened "days ago". Only for a forum being loaded empty.
 */
export async function discardHistoryEmail(tx: Queryable): Promise<void> {
  await tx.query('DELETE FROM jobs WHERE kind = ANY($1)', [[NOTIFICATION_EMAIL_JOB, DIGEST_JOB]]);
}

/** Registers the notification email jobs (jobs/start.ts registerJobs). */
export function registerNotificationJobs(settings: { baseUrl: string }): void {
  registerJob<{ notificationId: string }>(NOTIFICATION_EMAIL_JOB, async (job, db) => {
    const [item] = await db.query<Emailed>(`SELECT ${EMAILED_COLUMNS} FROM ${EMAILED_FROM} WHERE n.id = $1`, [
      job.payload.notificationId,
    ]);
    // Gone with its member, or about a comment or post since deleted or removed: nothing to send.
    if (!item?.shown) return undefined;
    const mail = notificationEmail(item, settings.baseUrl);
    await sendMail(
      db,
      { userId: item.userId, ...mail, topic: mailTopic(item.kind) },
      { key: `notification:${item.id}` },
    );
    return undefined;
  });
  registerJob(DIGEST_JOB, async (_job, db) => {
    await sendDigests(db, settings.baseUrl);
    return undefined;
  });
}
