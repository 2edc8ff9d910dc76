import nodemailer from 'nodemailer';
import type { MailMessage } from './compose.js';
import type { MailTransport } from './send.js';

/**
 * The transport for SMTP_URL (nodemailer: smtp:// or smtps://, credentials in the URL), or, without one, the
 * outbox: the message is only recorded (mail_messages, by the mail job) for an admin to read at /admin/outbox,
 * so a new forum works before anyone sets up mail.
 */
export function mailTransport(smtpUrl: string | undefined): MailTransport {
  if (!smtpUrl) return { delivery: 'outbox', deliver: async () => {} };
  const smtp = nodemailer.createTransport(smtpUrl);
  return {
    delivery: 'smtp',
    async deliver(message: MailMessage) {
      await smtp.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        headers: message.headers,
      });
    },
  };
}
