import type { Queryable } from '../../src/db/database.js';
import type { TargetType, VoteAxis } from '../../src/votes/kinds.js';
import { type CurrentVotes, collectVotes } from '../../src/votes/queries.js';
import { makeUser } from '../helpers/factories.js';

export async function setKarma(db: Queryable, userId: string, karma: number): Promise<void> {
  await db.query('UPDATE users SET karma = $2 WHERE id = $1', [userId, karma]);
}

export async function userWithKarma(db: Queryable, karma: number) {
  const user = await makeUser(db);
  await setKarma(db, user.id, karma);
  return user;
}

export interface Totals {
  score: number;
  voteCount: number;
  agreement: number;
  agreementCount: number;
}

export async function totalsOf(db: Queryable, targetType: TargetType, id: string): Promise<Totals> {
  const [row] =
    targetType === 'post'
      ? await db.query<Totals>(
          `SELECT base_score AS score, vote_count AS "voteCount", 0 AS agreement, 0 AS "agreementCount"
             FROM posts WHERE id = $1`,
          [id],
        )
      : await db.query<Totals>(
          `SELECT base_score AS score, vote_count AS "voteCount", agreement_score AS agreement,
                  agreement_vote_count AS "agreementCount"
             FROM comments WHERE id = $1`,
          [id],
        );
  return row!;
}

export async function karmaOf(db: Queryable, userId: string): Promise<number> {
  const [row] = await db.query<{ karma: number }>('SELECT karma FROM users WHERE id = $1', [userId]);
  return row!.karma;
}

/** The user's current votes on these targets, by target id (targets they have not voted on are absent). */
export async function userVotesOn(
  db: Queryable,
  userId: string,
  targetType: TargetType,
  targetIds: readonly string[],
): Promise<Map<string, CurrentVotes>> {
  const rows = await db.query<{ targetId: string; axis: VoteAxis; power: number; isStrong: boolean }>(
    `SELECT target_id AS "targetId", axis, power, is_strong AS "isStrong"
       FROM votes WHERE user_id = $1 AND target_type = $2 AND target_id = ANY($3::text[])`,
    [userId, targetType, [...targetIds]],
  );
  return collectVotes(rows);
}
