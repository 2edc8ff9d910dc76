import { RateLimited } from '../errors.js';

/**
 * Vote actions (casting, switching or cancelling a vote) one user may take per hour. lyceum_cast_vote
 * (migration 0012) takes it as an argument, counts the actions under the voter's advisory lock (namespace
 * 4_201_773) and records each action it takes.
 */
export const VOTES_PER_HOUR = 100;

/**
 * The refusal once a voter has acted `actions` times in the last hour; the quota frees up in `waitSeconds`,
 * when the VOTES_PER_HOUR-th most recent action leaves the one-hour window.
 */
export function voteRateLimited(actions: number, waitSeconds: number | null): RateLimited {
  const minutes = Math.max(1, Math.ceil((waitSeconds ?? 60) / 60));
  return new RateLimited(
    `You have voted ${actions} times in the last hour; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  );
}
