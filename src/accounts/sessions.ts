import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.js';
import { type SessionUser, sessionUser } from './queries.js';

export const SESSION_COOKIE = 'lyceum_session';
export const SESSION_DAYS = 30;
// A session is extended to a full SESSION_DAYS again once it is this close to running out (sliding expiry
// without a write on every request).
const RENEW_WHEN_DAYS_LEFT = SESSION_DAYS - 1;
const DAY_MS = 86_400_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates a session; returns the 256-bit token for the cookie (only its hash is stored). */
export async function createSession(db: Queryable, userId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + SESSION_DAYS * DAY_MS);
  await db.query('INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)', [
    hashToken(token),
    userId,
    expiresAt,
  ]);
  return { token, expiresAt };
}

/** The user a session token belongs to, renewing the session when it is past its first day. */
export async function resolveSession(
  db: Queryable,
  token: string,
): Promise<{ user: SessionUser; renewedUntil?: Date } | undefined> {
  const tokenHash = hashToken(token);
  const user = await sessionUser(db, tokenHash);
  if (!user) return undefined;
  if (user.expiresAt.getTime() - Date.now() < RENEW_WHEN_DAYS_LEFT * DAY_MS) {
    const renewedUntil = new Date(Date.now() + SESSION_DAYS * DAY_MS);
    await db.transaction(async (tx) => {
      // Losing a renewal in a crash costs nothing (the session still has days left): skip the wait for the
      // disk flush on this write, which happens during page views.
      await tx.query('SET LOCAL synchronous_commit TO OFF');
      await tx.query('UPDATE sessions SET expires_at = $2 WHERE token_hash = $1', [tokenHash, renewedUntil]);
    });
    return { user, renewedUntil };
  }
  return { user };
}

export async function deleteSession(db: Queryable, token: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [hashToken(token)]);
}

export async function deleteExpiredSessions(db: Queryable): Promise<number> {
  const rows = await db.query('DELETE FROM sessions WHERE expires_at <= now() RETURNING 1');
  return rows.length;
}
