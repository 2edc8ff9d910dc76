import type { Queryable } from '../db/database.js';
import { kindOfVote, type TargetType, type VoteAxis, type VoteKind } from './kinds.js';

/** A user's current vote on each axis of one target. */
export type CurrentVotes = Record<VoteAxis, VoteKind | null>;

function collectVotes(rows: { targetId: string; axis: VoteAxis; power: number; isStrong: boolean }[]) {
  const votes = new Map<string, CurrentVotes>();
  for (const row of rows) {
    const entry = votes.get(row.targetId) ?? { karma: null, agreement: null };
    entry[row.axis] = kindOfVote(row.axis, row.power, row.isStrong);
    votes.set(row.targetId, entry);
  }
  return votes;
}

/**
 * The user's votes on a post and on all of its comments, in one query that needs nothing else first, so a post
 * page can run it beside the comment query. Keyed by target id (post and comment ids never collide).
 */
export async function userVotesOnPostPage(
  db: Queryable,
  userId: string,
  postId: string,
): Promise<Map<string, CurrentVotes>> {
  const rows = await db.query<{ targetId: string; axis: VoteAxis; power: number; isStrong: boolean }>(
    // Two index walks; an OR of the two would scan all of a prolific voter's comment votes instead.
    `SELECT target_id AS "targetId", axis, power, is_strong AS "isStrong"
       FROM votes WHERE user_id = $1 AND target_type = 'post' AND target_id = $2
     UNION ALL
     SELECT v.target_id, v.axis, v.power, v.is_strong
       FROM comments c
       JOIN votes v ON v.user_id = $1 AND v.target_type = 'comment' AND v.target_id = c.id
      WHERE c.post_id = $2`,
    [userId, postId],
  );
  return collectVotes(rows);
}

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
  if (targetIds.length === 0) return new Map();
  const rows = await db.query<{ targetId: string; axis: VoteAxis; power: number; isStrong: boolean }>(
    `SELECT target_id AS "targetId", axis, power, is_strong AS "isStrong"
       FROM votes
      WHERE user_id = $1 AND target_type = $2 AND target_id = ANY($3::text[])`,
    [userId, targetType, [...targetIds]],
  );
  return collectVotes(rows);
}
