import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../db/database.js';
import { appSecret } from './secrets.js';

/**
 * Signed one-click unsubscribe links (RFC 8058). A token says "stop emails of `topic` to user `userId`" and is
 * `<userId>.<topic>.<signature>`: an HMAC of both under a key kept in the database (secrets.ts), so nothing is
 * stored per mail, the link works for as long as the key lives, and it cannot be made for another user or topic.
 */

export const UNSUBSCRIBE_PATH = '/unsubscribe';
const SECRET_NAME = 'unsubscribe-links';
/** A topic is a notification event type ('reply', 'mention', …): short, lower case, no dots. */
export const TOPIC_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
const USER_ID_PATTERN = /^[A-Za-z0-9]{1,40}$/;

export interface UnsubscribeTarget {
  userId: string;
  topic: string;
}

function sign(secret: string, target: UnsubscribeTarget): Buffer {
  return createHmac('sha256', secret).update(`unsubscribe\n${target.userId}\n${target.topic}`).digest();
}

/** The token for "stop emails of `topic` to `userId`". */
export async function unsubscribeToken(db: Queryable, target: UnsubscribeTarget): Promise<string> {
  if (!TOPIC_PATTERN.test(target.topic)) throw new Error(`not a mail topic: "${target.topic}"`);
  if (!USER_ID_PATTERN.test(target.userId)) throw new Error('not a user id');
  const signature = sign(await appSecret(db, SECRET_NAME), target).toString('base64url');
  return `${target.userId}.${target.topic}.${signature}`;
}

/** The absolute unsubscribe URL (for the List-Unsubscribe header and the mail's footer). */
export async function unsubscribeUrl(db: Queryable, baseUrl: string, target: UnsubscribeTarget): Promise<string> {
  return `${baseUrl}${UNSUBSCRIBE_PATH}?token=${encodeURIComponent(await unsubscribeToken(db, target))}`;
}

/** What a token stands for, or undefined when it is malformed or its signature is not ours (forged, altered). */
export async function readUnsubscribeToken(db: Queryable, token: string): Promise<UnsubscribeTarget | undefined> {
  if (token.length > 200) return undefined;
  const [userId, topic, signature, extra] = token.split('.');
  if (extra !== undefined || !userId || !topic || !signature) return undefined;
  if (!USER_ID_PATTERN.test(userId) || !TOPIC_PATTERN.test(topic)) return undefined;
  const expected = sign(await appSecret(db, SECRET_NAME), { userId, topic });
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return { userId, topic };
}

/** Stops emails of the topic to the user (idempotent: a second click changes nothing). */
export async function unsubscribe(db: Queryable, target: UnsubscribeTarget): Promise<void> {
  await db.query(
    `INSERT INTO mail_unsubscribes (user_id, topic) SELECT id, $2 FROM users WHERE id = $1
     ON CONFLICT DO NOTHING`,
    [target.userId, target.topic],
  );
}

/** Whether the user stopped emails of this topic. */
export async function isUnsubscribed(db: Queryable, target: UnsubscribeTarget): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM mail_unsubscribes WHERE user_id = $1 AND topic = $2', [
    target.userId,
    target.topic,
  ]);
  return rows.length > 0;
}

/** Emails of the topic to the user again (a settings page offering to undo an unsubscribe). */
export async function resubscribe(db: Queryable, target: UnsubscribeTarget): Promise<void> {
  await db.query('DELETE FROM mail_unsubscribes WHERE user_id = $1 AND topic = $2', [target.userId, target.topic]);
}
