import type { Queryable } from '../db/database.js';
import { type DrainingLimit, refusal } from './limits.js';

/**
 * Draining counters (the login_throttle table, migration 0011): the mechanism behind the limits on failed logins
 * and on sign-ups from one address. A key holds up to `capacity` attempts and forgets one every `drainSeconds`.
 */
export interface Reservation {
  keys: string[];
}

/**
 * Counts one attempt against every key, or refuses it with the limit's message. The count is taken before the
 * attempt is checked and decides in the same statement (the upsert's RETURNING value), so a burst of concurrent
 * attempts gets at most `capacity` through, however it interleaves. A refused attempt is given back at once, so
 * refusals never fill a key: only attempts that were checked count. Rows are taken in key order, so two attempts
 * sharing keys cannot deadlock.
 */
export async function reserveAttempt(
  db: Queryable,
  keys: { key: string; limit: DrainingLimit }[],
): Promise<Reservation> {
  const sorted = [...keys].sort((a, b) => (a.key < b.key ? -1 : 1));
  const rows = await db.query<{ key: string; level: number }>(
    `INSERT INTO login_throttle AS t (key, level, drain_seconds, updated_at)
     SELECT k.key, 1, k.drain, now() FROM unnest($1::text[], $2::float8[]) WITH ORDINALITY AS k (key, drain, n)
      ORDER BY k.n
     ON CONFLICT (key) DO UPDATE
        SET level = greatest(0, t.level - greatest(0, extract(epoch FROM now() - t.updated_at)) / t.drain_seconds) + 1,
            drain_seconds = excluded.drain_seconds,
            -- now() is when each transaction began: an attempt that started earlier but got here later must not
            -- move the clock back (and so count some drain twice).
            updated_at = greatest(t.updated_at, now())
     RETURNING key, level`,
    [sorted.map((k) => k.key), sorted.map((k) => k.limit.drainSeconds)],
  );
  const reservation = { keys: sorted.map((k) => k.key) };
  let refused: { limit: DrainingLimit; waitSeconds: number } | undefined;
  for (const row of rows) {
    const limit = sorted.find((k) => k.key === row.key)!.limit;
    // Over capacity by x: the next attempt fits once x attempts have drained.
    const waitSeconds = (row.level - limit.capacity) * limit.drainSeconds;
    if (waitSeconds > 0 && (!refused || waitSeconds > refused.waitSeconds)) refused = { limit, waitSeconds };
  }
  if (refused) {
    await releaseAttempt(db, reservation);
    throw refusal(refused.limit, refused.waitSeconds);
  }
  return reservation;
}

/** Gives an attempt back (it was refused, or it succeeded and so was no guess). */
export async function releaseAttempt(db: Queryable, reservation: Reservation): Promise<void> {
  if (reservation.keys.length === 0) return;
  // Rows locked in key order, like reserveAttempt's upsert: an UPDATE alone takes them in whatever order it
  // finds them, and two statements taking shared rows in different orders deadlock.
  await db.query(
    `UPDATE login_throttle t SET level = greatest(0, t.level - 1)
       FROM (SELECT key FROM login_throttle WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE) locked
      WHERE t.key = locked.key`,
    [reservation.keys],
  );
}

/** Forgets a key's attempts (an address that proved it knows the account's password). */
export async function clearThrottle(db: Queryable, key: string): Promise<void> {
  await db.query('DELETE FROM login_throttle WHERE key = $1', [key]);
}

/**
 * Deletes the keys whose attempts have all drained (they count for nothing), keeping the table small; the
 * maintenance job in main.ts runs it every few minutes.
 */
export async function forgetOldLoginFailures(db: Queryable): Promise<number> {
  const rows = await db.query(
    `DELETE FROM login_throttle WHERE updated_at + make_interval(secs => level * drain_seconds) <= now() RETURNING 1`,
  );
  return rows.length;
}
