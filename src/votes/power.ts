import type { Strength } from './kinds.js';

/** Karma from which a normal vote counts 2 instead of 1. */
const NORMAL_VOTE_DOUBLE_KARMA = 1_000;

/**
 * Karma thresholds of a strong vote: below the first it counts 1, from STRONG_VOTE_THRESHOLDS[i] it counts i + 2
 * (so 2 from 10 karma, up to 16 from 500,000).
 */
const STRONG_VOTE_THRESHOLDS = [
  10, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 75_000, 100_000, 175_000, 250_000, 500_000,
] as const;

/**
 * Vote power (always positive; a downvote or disagreement negates it) for a voter with this karma. Votes are
 * cast by its SQL twin, lyceum_vote_power (migration 0012), which reads the karma under the vote's locks; a test
 * keeps the two equal, and changing a threshold here takes a migration replacing that function.
 */
export function votePower(karma: number, strength: Strength): number {
  if (strength === 'normal') return karma >= NORMAL_VOTE_DOUBLE_KARMA ? 2 : 1;
  let power = 1;
  for (const threshold of STRONG_VOTE_THRESHOLDS) {
    if (karma < threshold) break;
    power++;
  }
  return power;
}
