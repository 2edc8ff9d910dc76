import type { Logger } from 'pino';
import type { Queryable } from '../db/database.js';
import { enqueue, registerJob } from '../jobs/queue.js';
import { readSetting } from '../settings/settings.js';
import { raw } from '../web/html.js';
import { type MailMessage, mailDocument, mailText } from './compose.js';
import { isUnsubscribed, unsubscribeUrl } from './unsubscribe.js';

export const MAIL_JOB = 'mail';

/** One email to one member, as enqueued (the job's payload: JSON). */
export interface MailRequest {
  /** The member it is for. */
  userId: string;
  /** Send here instead of the member's address (a change of address: the link goes to the new one). */
  to?: string;
  subject: string;
  /** The body as plain text (the footer is added). */
  text: string;
  /** The same body as HTML, built with html`…` (web/html.ts, which escapes what it interpolates), as a string. */
  html: string;
  /**
   * An account mail (verification, password reset, change of address): sent to an unverified address too.
   * Every other mail waits for the member to verify theirs, and is dropped (not sent later) meanwhile.
   */
  account?: boolean;
  /**
   * A notification's event type ('reply', 'mention', …, unsubscribe.ts TOPIC_PATTERN): adds the one-click
   * unsubscribe link and headers, and the mail is dropped once the member unsubscribed from the topic.
   */
  topic?: string;
}

/**
 * Enqueues an email (sent by the job worker, never inline). `key` names the event ("reply:<commentId>:<userId>"):
 * one email per key, ever. Pass the transaction of the write that causes the email, so both commit or neither.
 */
export async function sendMail(db: Queryable, mail: MailRequest, options: { key: string; runAt?: Date }) {
  return enqueue(db, MAIL_JOB, mail, {
    key: `mail:${options.key}`,
    ...(options.runAt ? { runAt: options.runAt } : {}),
  });
}

/** Where a composed message goes: an SMTP server, or the outbox (mail_messages, shown at /admin/outbox). */
export interface MailTransport {
  readonly delivery: 'smtp' | 'outbox';
  deliver(message: MailMessage): Promise<void>;
}

export interface MailSettings {
  transport: MailTransport;
  from: string;
  baseUrl: string;
  logger: Logger;
}

interface Recipient {
  email: string;
  verified: boolean;
}

/**
 * Registers the 'mail' job. Idempotent by key: the handler looks for the key in mail_messages before sending and
 * records the message there in the transaction that marks the job done. So a job that runs again after its
 * record committed sends nothing; only a crash between the SMTP server's acceptance and that commit could
 * send twice (no SMTP transaction can be committed together with ours).
 */
export function registerMailJob(settings: MailSettings): void {
  registerJob<MailRequest>(MAIL_JOB, async (job, db) => {
    const mail = job.payload;
    const key = job.key ?? `job:${job.id}`;
    const sent = await db.query('SELECT 1 FROM mail_messages WHERE key = $1', [key]);
    if (sent.length > 0) return undefined;
    const [user] = await db.query<Recipient>(
      'SELECT email, email_verified_at IS NOT NULL AS verified FROM users WHERE id = $1',
      [mail.userId],
    );
    const why = !user
      ? 'no such member'
      : !mail.account && !user.verified
        ? 'address not verified'
        : mail.topic && (await isUnsubscribed(db, { userId: mail.userId, topic: mail.topic }))
          ? 'unsubscribed'
          : undefined;
    if (!user || why) {
      settings.logger.info({ job: job.id, why }, 'mail not sent');
      return undefined;
    }
    const message = await compose(db, settings, mail, user.email);
    await settings.transport.deliver(message);
    // The recipient and subject only: the bodies hold live links (a reset link is as good as a password).
    settings.logger.info({ to: message.to, subject: message.subject, delivery: settings.transport.delivery }, 'mail');
    return async (tx) => {
      await tx.query(
        `INSERT INTO mail_messages (key, to_address, subject, text_body, html_body, headers, delivery)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) ON CONFLICT (key) DO NOTHING`,
        [
          key,
          message.to,
          message.subject,
          message.text,
          message.html,
          JSON.stringify(message.headers),
          settings.transport.delivery,
        ],
      );
    };
  });
}

async function compose(
  db: Queryable,
  settings: MailSettings,
  mail: MailRequest,
  address: string,
): Promise<MailMessage> {
  const siteName = (await readSetting(db, 'site')).name;
  const link = mail.topic
    ? await unsubscribeUrl(db, settings.baseUrl, { userId: mail.userId, topic: mail.topic })
    : undefined;
  return {
    from: settings.from,
    to: mail.to ?? address,
    subject: mail.subject,
    text: mailText({ text: mail.text, siteName, unsubscribeUrl: link }),
    html: mailDocument({ subject: mail.subject, body: raw(mail.html), siteName, unsubscribeUrl: link }),
    headers: link ? { 'List-Unsubscribe': `<${link}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {},
  };
}
