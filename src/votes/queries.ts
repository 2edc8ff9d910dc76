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
 * What a logged-in post page needs of its reader, in one round trip that needs nothing else first (so it runs
 * beside the comment query): it records this visit, and returns the one before (which marks comments new) and
 * the reader's votes on the post and on all of its comments, keyed by target id (post and comment ids never
 * collide). Every logged-in page view writes the visit; a visit time lost in a crash is harmless, so the commit
 * does not wait for the disk flush (set_config(…, true) is SET LOCAL inside the statement's own transaction).
 */
export async function readerOnPostPage(
  db: Queryable,
  userId: string,
  postId: string,
): Promise<{ lastVisit: Date | undefined; votes: Map<string, CurrentVotes> }> {
  const rows = await db.query<{
    targetId: string | null;
    axis: VoteAxis;
    power: number;
    isStrong: boolean;
    previous: Date | null;
  }>(
    // The votes take two index walks; an OR of the two would scan all of a prolific voter's comment votes.
    `WITH previous AS (
       SELECT last_visited_at FROM post_visits WHERE user_id = $1 AND post_id = $2
     ), upsert AS (
       INSERT INTO post_visits (user_id, post_id, last_visited_at) VALUES ($1, $2, now())
       ON CONFLICT (user_id, post_id) DO UPDATE SET last_visited_at = now()
     )
     SELECT NULL AS "targetId", NULL AS axis, NULL::int AS power, NULL::boolean AS "isStrong",
            (SELECT last_visited_at FROM previous) AS previous
      WHERE set_config('synchronous_commit', 'off', true) IS NOT NULL
     UNION ALL
     SELECT target_id, axis, power, is_strong, NULL
       FROM votes WHERE user_id = $1 AND target_type = 'post' AND target_id = $2
     UNION ALL
     SELECT v.target_id, v.axis, v.power, v.is_strong, NULL
       FROM comments c
       JOIN votes v ON v.user_id = $1 AND v.target_type = 'comment' AND v.target_id = c.id
      WHERE c.post_id = $2`,
    [userId, postId],
  );
  const visit = rows.find((row) => row.targetId === null);
  return {
    lastVisit: visit?.previous ?? undefined,
    votes: collectVotes(rows.filter((row): row is typeof row & { targetId: string } => row.targetId !== null)),
  };
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
