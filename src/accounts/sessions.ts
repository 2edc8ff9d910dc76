import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { TaggedCache } from '../cache/tagged-cache.js';
import type { Queryable } from '../db/database.js';
import { type SessionUser, sessionUser } from './queries.js';

export const SESSION_COOKIE = 'lyceum_session';
/**
 * The CSRF token's cookie (web/middleware.ts): the double-submit token of a logged-out browser, and a mirror of
 * a logged-in reader's session-bound token. A page carrying the token in its forms belongs to one browser.
 */
export const CSRF_COOKIE = 'lyceum_csrf';
const SESSION_DAYS = 30;
// A session is extended to a full SESSION_DAYS again once it is this close to running out (sliding expiry
// without a write on every request).
const RENEW_WHEN_DAYS_LEFT = SESSION_DAYS - 1;
const DAY_MS = 86_400_000;

/** Whether a session expiring at `expiresAt` is due to be extended on its next use. */
export function renewalDue(expiresAt: Date, now = Date.now()): boolean {
  return expiresAt.getTime() - now < RENEW_WHEN_DAYS_LEFT * DAY_MS;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The CSRF token of a session: an HMAC keyed by the session's secret token, so it is good for that session
 * only, cannot be worked out without the session cookie, and reveals nothing of it.
 */
export function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('lyceum csrf').digest('base64url');
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

/**
 * The user a session belongs to (by its token's hash, hashToken), renewing the session when it is past its first
 * day. With a cache, a session seen recently costs no query: the cache is tagged "user:<id>", and a logout or any
 * change to the user announces that tag (migration 0009), so a cached session never outlives its row.
 */
export async function resolveSession(
  db: Queryable,
  tokenHash: string,
  cache?: TaggedCache<SessionUser>,
): Promise<{ user: SessionUser; renewedUntil?: Date } | undefined> {
  let user = cache?.get(tokenHash);
  if (!user || user.expiresAt.getTime() <= Date.now()) {
    const since = cache?.begin() ?? 0;
    user = await sessionUser(db, tokenHash);
    if (!user) return undefined;
    cache?.store(tokenHash, since, user, [`user:${user.id}`]);
  }
  if (renewalDue(user.expiresAt)) {
    const renewedUntil = new Date(Date.now() + SESSION_DAYS * DAY_MS);
    await db.transaction(async (tx) => {
      // Losing a renewal in a crash costs nothing (the session still has days left): skip the wait for the
      // disk flush on this write, which happens during page views.
      await tx.query('SET LOCAL synchronous_commit TO OFF');
      await tx.query('UPDATE sessions SET expires_at = $2 WHERE token_hash = $1', [tokenHash, renewedUntil]);
    });
    cache?.store(tokenHash, cache.begin(), { ...user, expiresAt: renewedUntil }, [`user:${user.id}`]);
    return { user, renewedUntil };
  }
  return { user };
}

/** Ends a session. Cached copies go with it: the deletion announces "user:<id>" (migration 0009). */
export async function deleteSession(db: Queryable, token: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [hashToken(token)]);
}

export async function deleteExpiredSessions(db: Queryable): Promise<number> {
  const rows = await db.query('DELETE FROM sessions WHERE expires_at <= now() RETURNING 1');
  return rows.length;
}
