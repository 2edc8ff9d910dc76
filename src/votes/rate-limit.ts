import type { Queryable } from '../db/database.js';
import { RateLimited } from '../errors.js';

/** Vote actions (casting, switching or cancelling a vote) one user may take per hour. */
export const VOTES_PER_HOUR = 100;
// Advisory lock namespace for "one voter's votes"; migrations use 4_201_771 and the demo loader 4_201_772.
const VOTER_LOCK_NAMESPACE = 4_201_773;

/**
 * Throws RateLimited once the voter has acted VOTES_PER_HOUR times in the last hour. The advisory lock
 * serializes one voter's concurrent votes until commit, so parallel requests cannot all pass the count and
 * overshoot the limit. It is taken before any row lock, so it cannot deadlock with them.
 */
export async function checkVoteRate(tx: Queryable, voterId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [VOTER_LOCK_NAMESPACE, voterId]);
  const [usage] = await tx.query<{ actions: number; waitSeconds: number | null }>(
    `SELECT count(*)::int AS actions,
            extract(epoch FROM (
              (SELECT acted_at FROM vote_actions WHERE user_id = $1 ORDER BY acted_at DESC OFFSET $2 - 1 LIMIT 1)
              + interval '1 hour' - now()))::float8 AS "waitSeconds"
       FROM vote_actions
      WHERE user_id = $1 AND acted_at > now() - interval '1 hour'`,
    [voterId, VOTES_PER_HOUR],
  );
  const actions = usage?.actions ?? 0;
  if (actions < VOTES_PER_HOUR) return;
  // The quota frees up when the VOTES_PER_HOUR-th most recent action leaves the one-hour window.
  const minutes = Math.max(1, Math.ceil((usage?.waitSeconds ?? 60) / 60));
  throw new RateLimited(
    `You have voted ${actions} times in the last hour; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  );
}

/** Counts one vote action against the voter's quota, and forgets their actions older than the window. */
export async function recordVoteAction(tx: Queryable, voterId: string): Promise<void> {
  await tx.query(`DELETE FROM vote_actions WHERE user_id = $1 AND acted_at <= now() - interval '1 hour'`, [voterId]);
  await tx.query('INSERT INTO vote_actions (user_id) VALUES ($1)', [voterId]);
}
