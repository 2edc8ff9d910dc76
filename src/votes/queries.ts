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
 * What a logged-in post page needs of its reader, in one read: their last visit to the post as written (the
 * visit log, posts/visits.ts, may hold a newer one), and their votes on the post and on every comment of it, keyed
 * by target id (post and comment ids never collide): one range of the votes index by reader and post (migration
 * 0031), however many comments the post has. Probing the votes key once per comment shown had cost 1.6 ms of
 * PostgreSQL's time a view of a busy thread; a prolific reader has tens of thousands of comment votes, so walking
 * theirs, or the post's comments, is no way either.
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
    `SELECT NULL AS "targetId", NULL AS axis, NULL::int AS power, NULL::boolean AS "isStrong",
            (SELECT last_visited_at FROM post_visits WHERE user_id = $1 AND post_id = $2) AS previous
     UNION ALL
     SELECT target_id, axis, power, is_strong, NULL FROM votes WHERE user_id = $1 AND post_id = $2`,
    [userId, postId],
    true,
  );
  const visit = rows.find((row) => row.targetId === null);
  return {
    lastVisit: visit?.previous ?? undefined,
    votes: collectVotes(rows.filter((row): row is typeof row & { targetId: string } => row.targetId !== null)),
  };
}

/** The reader's last visit to the post as written (the visit log, posts/visits.ts, may hold a newer one). */
export async function lastVisitOf(db: Queryable, userId: string, postId: string): Promise<Date | undefined> {
  const [row] = await db.query<{ at: Date }>(
    'SELECT last_visited_at AS at FROM post_visits WHERE user_id = $1 AND post_id = $2',
    [userId, postId],
  );
  return row?.at;
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
