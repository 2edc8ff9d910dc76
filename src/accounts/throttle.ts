import { isIPv6 } from 'node:net';
import type { Queryable } from '../db/database.js';
import { RateLimited } from '../errors.js';

/**
 * A throttling rule: a key may hold `capacity` failed attempts, and one is forgiven every `drainSeconds`, so a
 * full key is empty again `capacity × drainSeconds` after its last failure.
 */
export interface ThrottleRule {
  capacity: number;
  drainSeconds: number;
}

/** The login throttling rules (README, "Login throttling"). */
export const LOGIN_RULES = {
  /** One address guessing one account's password: 10 failures, then one more every 90 s (10 per 15 minutes). */
  accountFromAddress: { capacity: 10, drainSeconds: 90 },
  /** One address trying many accounts: 50 failures, then one more every 18 s (50 per 15 minutes). */
  address: { capacity: 50, drainSeconds: 18 },
  /**
   * One account guessed from many addresses, counted only for browsers it has not logged in from before: 20
   * failures, then one more every 2 minutes. A slowdown, not a lock: the owner's known browser skips it.
   */
  account: { capacity: 20, drainSeconds: 120 },
} satisfies Record<string, ThrottleRule>;

export interface Reservation {
  keys: string[];
}

/** A refused login attempt; `retryAfterSeconds` feeds the Retry-After header. */
class LoginThrottled extends RateLimited {
  constructor(message: string, retryAfterSeconds: number) {
    super(message, retryAfterSeconds);
  }
}

/**
 * The address a throttling key names: an IPv4 address as it is (also when written IPv4-mapped), an IPv6 address
 * by its /64, since one subscriber usually gets a whole /64 and could otherwise rotate through it.
 */
export function throttledAddress(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  const bare = ip.replace(/%.*$/, '');
  if (!isIPv6(bare)) return ip;
  const [head = '', tail] = bare.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  // A trailing dotted IPv4 part stands for two groups.
  const width = (part: string[]) => part.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const full = [...left, ...Array<string>(8 - width(left) - width(right)).fill('0'), ...right];
  return `${full
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

/** "40 seconds", "2 minutes": how long to wait, rounded up. */
function waitText(seconds: number): string {
  if (seconds < 60) {
    const s = Math.max(1, Math.ceil(seconds));
    return `${s} second${s === 1 ? '' : 's'}`;
  }
  const m = Math.ceil(seconds / 60);
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/**
 * Counts one attempt against every key, or refuses it. The count is taken before the password is checked and
 * decides in the same statement (the upsert's RETURNING value), so a burst of concurrent attempts gets at most
 * `capacity` through, however it interleaves. A refused attempt is given back at once, so refusals never fill
 * a key: only attempts that were checked count. Rows are taken in key order, so two attempts sharing keys
 * cannot deadlock.
 */
export async function reserveAttempt(
  db: Queryable,
  keys: { key: string; rule: ThrottleRule }[],
  refusal: (wait: string) => string,
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
    [sorted.map((k) => k.key), sorted.map((k) => k.rule.drainSeconds)],
  );
  const reservation = { keys: sorted.map((k) => k.key) };
  let waitSeconds = 0;
  for (const row of rows) {
    const rule = sorted.find((k) => k.key === row.key)!.rule;
    // Over capacity by x: the next attempt fits once x failures have drained.
    if (row.level > rule.capacity) waitSeconds = Math.max(waitSeconds, (row.level - rule.capacity) * rule.drainSeconds);
  }
  if (waitSeconds > 0) {
    await releaseAttempt(db, reservation);
    throw new LoginThrottled(refusal(waitText(waitSeconds)), Math.ceil(waitSeconds));
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

/** Forgets a key's failures (an address that proved it knows the account's password). */
export async function clearThrottle(db: Queryable, key: string): Promise<void> {
  await db.query('DELETE FROM login_throttle WHERE key = $1', [key]);
}

/**
 * Deletes the keys whose failures have all drained (they count for nothing), keeping the table small; the
 * maintenance job in main.ts runs it every few minutes.
 */
export async function forgetOldLoginFailures(db: Queryable): Promise<number> {
  const rows = await db.query(
    `DELETE FROM login_throttle WHERE updated_at + make_interval(secs => level * drain_seconds) <= now() RETURNING 1`,
  );
  return rows.length;
}
