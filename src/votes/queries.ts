import type { Queryable } from '../db/database.js';
import { kindOfVote, type TargetType, type VoteAxis, type VoteKind } from './kinds.js';

/** A user's current vote on each axis of one target. */
export type CurrentVotes = Record<VoteAxis, VoteKind | null>;

/**
 * The user's votes on these posts or comments (a page's worth), in one query on the votes unique index.
 * Targets the user has not voted on are absent from the map.
 */
export async function userVotesOn(
  db: Queryable,
  userId: string,
  targetType: TargetType,
  targetIds: readonly string[],
): Promise<Map<string, CurrentVotes>> {
  const votes = new Map<string, CurrentVotes>();
  if (targetIds.length === 0) return votes;
  const rows = await db.query<{ targetId: string; axis: VoteAxis; power: number; isStrong: boolean }>(
    `SELECT target_id AS "targetId", axis, power, is_strong AS "isStrong"
       FROM votes
      WHERE user_id = $1 AND target_type = $2 AND target_id = ANY($3::text[])`,
    [userId, targetType, [...targetIds]],
  );
  for (const row of rows) {
    const entry = votes.get(row.targetId) ?? { karma: null, agreement: null };
    entry[row.axis] = kindOfVote(row.axis, row.power, row.isStrong);
    votes.set(row.targetId, entry);
  }
  return votes;
}
