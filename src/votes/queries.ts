import type { Queryable } from '../db/database.js';
import { kindOfVote, type VoteAxis, type VoteKind } from './kinds.js';

/** A user's current vote on each axis of one target. */
export type CurrentVotes = Record<VoteAxis, VoteKind | null>;

/** Vote rows as each target's current votes on both axes, by target id. */
export function collectVotes(rows: { targetId: string; axis: VoteAxis; power: number; isStrong: boolean }[]) {
  const votes = new Map<string, CurrentVotes>();
  for (const row of rows) {
    const entry = votes.get(row.targetId) ?? { karma: null, agreement: null };
    entry[row.axis] = kindOfVote(row.axis, row.power, row.isStrong);
    votes.set(row.targetId, entry);
  }
  return votes;
}

/** What a logged-in post page needs of its reader, read in one statement (readerOnPostPage). */
export interface ReaderOnPostPage {
  lastVisit: Date | undefined;
  /** Their votes on the post and on its comments, by target id (post and comment ids never collide). */
  votes: Map<string, CurrentVotes>;
  /** Their relevance votes on the post's tags, by tag id. */
  tagVotes: Map<string, VoteKind>;
}

/**
 * What a logged-in post page needs of its reader, in one read: their last visit to the post as written (the
 * visit log, posts/visits.ts, may hold a newer one), their votes on the post and on every comment of it, and
 * their relevance votes on its tags. The votes are one range of the votes index by reader and post (migration
 * 0031), however many comments the post has: probing the votes key once per comment shown had cost 1.6 ms of
 * PostgreSQL's time a view of a busy thread, and a prolific reader has tens of thousands of comment votes, so
 * walking theirs, or the post's comments, is no way either. The relevance votes, a query of their own before,
 * were a tenth of the forum day's statements.
 */
export async function readerOnPostPage(db: Queryable, userId: string, postId: string): Promise<ReaderOnPostPage> {
  const rows = await db.query<{
    source: 'visit' | 'vote' | 'tag';
    targetId: string;
    axis: VoteAxis;
    power: number;
    isStrong: boolean;
    previous: Date | null;
  }>(
    `SELECT 'visit' AS source, NULL AS "targetId", NULL AS axis, NULL::int AS power, NULL::boolean AS "isStrong",
            (SELECT last_visited_at FROM post_visits WHERE user_id = $1 AND post_id = $2) AS previous
     UNION ALL
     SELECT 'vote', target_id, axis, power, is_strong, NULL FROM votes WHERE user_id = $1 AND post_id = $2
     UNION ALL
     SELECT 'tag', tag_id, 'karma', power, is_strong, NULL FROM post_tag_votes WHERE user_id = $1 AND post_id = $2`,
    [userId, postId],
    true,
  );
  const tagVotes = new Map<string, VoteKind>();
  for (const row of rows) {
    if (row.source === 'tag') tagVotes.set(row.targetId, kindOfVote('karma', row.power, row.isStrong));
  }
  return {
    lastVisit: rows.find((row) => row.source === 'visit')?.previous ?? undefined,
    votes: collectVotes(rows.filter((row) => row.source === 'vote')),
    tagVotes,
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
