import type { Queryable } from '../db/database.js';
import { linkParagraphs } from '../mail/compose.js';
import { sendMail } from '../mail/send.js';
import { hashToken } from './sessions.js';
import { issueAccountToken, type TokenPurpose } from './tokens.js';

/** The page each kind of link opens (recovery-routes.tsx). */
export const LINK_PATHS: Record<TokenPurpose, string> = {
  'verify-email': '/verify-email',
  'change-email': '/confirm-email',
  'reset-password': '/reset-password',
};

const TEXTS: Record<TokenPurpose, { subject: string; intro: string; after: string }> = {
  'verify-email': {
    subject: 'Confirm your email address',
    intro: 'Please confirm that this is your email address by opening this link:',
    after: 'The link works for 7 days. Until you confirm, we send you no other email.',
  },
  'change-email': {
    subject: 'Confirm your new email address',
    intro: 'You asked to use this address for your account. Confirm it by opening this link:',
    after:
      'The link works for 24 hours. Your account keeps its old address until you confirm. If you did not ask for this, ignore this email.',
  },
  'reset-password': {
    subject: 'Reset your password',
    intro: 'Someone (we hope you) asked to reset the password of your account. Choose a new one here:',
    after:
      'The link works once, for 1 hour. If you did not ask for this, ignore this email: your password stays as it is.',
  },
};

/**
 * Makes a one-time link and enqueues the email carrying it, on `db` (pass the transaction of the change that
 * calls for it). An account mail: it goes to an address not yet verified too.
 */
export async function mailAccountLink(
  db: Queryable,
  target: { userId: string; username: string; email: string; purpose: TokenPurpose },
  baseUrl: string,
): Promise<void> {
  await db.transaction(async (tx) => {
    const { token } = await issueAccountToken(tx, target);
    const url = `${baseUrl}${LINK_PATHS[target.purpose]}?token=${token}`;
    const texts = TEXTS[target.purpose];
    const body = linkParagraphs(`Hello ${target.username}. ${texts.intro}`, url, texts.after);
    // One email per link made (the key is the token's hash, never the token).
    await sendMail(
      tx,
      {
        userId: target.userId,
        to: target.email,
        subject: texts.subject,
        text: body.text,
        html: body.html.toString(),
        account: true,
      },
      { key: `${target.purpose}:${hashToken(token)}` },
    );
  });
}
