import { describe, expect, it } from 'vitest';
import { newId } from '../../src/db/ids.js';
import { AppError, Forbidden, RateLimited } from '../../src/errors.js';
import type { VoteAxis, VoteKind } from '../../src/votes/kinds.js';
import { votePower } from '../../src/votes/power.js';
import { magicScore, refreshPostMagicScore } from '../../src/votes/ranking.js';
import { applyAuthorVote, castVote } from '../../src/votes/service.js';
import { useTestDatabase } from '../helpers/app.js';
import { refusal } from '../helpers/errors.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';
import { countingRoundTrips } from '../helpers/round-trips.js';
import { karmaOf, totalsOf, userVotesOn, userWithKarma } from './setup.js';

const { db } = useTestDatabase();

const KINDS: Record<VoteAxis, VoteKind[]> = {
  karma: ['up', 'down', 'strongUp', 'strongDown'],
  agreement: ['agree', 'disagree'],
};

/** The rule castVote had in TypeScript before it moved into SQL: what the voter's vote is after a request. */
function expectedVote(stored: VoteKind | null, kind: VoteKind, shown: VoteKind | null | undefined) {
  const pressed = shown === undefined ? stored : shown;
  return pressed === kind ? null : kind;
}

function signedPower(kind: VoteKind | null, karma: number): number {
  if (!kind) return 0;
  const sign = kind === 'up' || kind === 'strongUp' || kind === 'agree' ? 1 : -1;
  return sign * votePower(karma, kind.startsWith('strong') ? 'strong' : 'normal');
}

describe('vote power in SQL', () => {
  it('equals votePower for every karma around each threshold and across the range', async () => {
    const thresholds = [
      1_000, 10, 100, 250, 500, 2_500, 5_000, 10_000, 25_000, 50_000, 75_000, 100_000, 175_000, 250_000, 500_000,
    ];
    const karmas = [
      -2_147_483_648,
      -1_000_000,
      -1,
      0,
      1,
      2_147_483_647,
      ...thresholds.flatMap((t) => [t - 1, t, t + 1]),
      ...Array.from({ length: 700 }, (_, i) => i * 997),
    ];
    const rows = await db.query<{ karma: number; normal: number; strong: number }>(
      `SELECT k AS karma, lyceum_vote_power(k, false) AS normal, lyceum_vote_power(k, true) AS strong
         FROM unnest($1::int[]) AS k`,
      [karmas],
    );
    expect(rows).toHaveLength(karmas.length);
    for (const row of rows) {
      expect({ karma: row.karma, normal: row.normal, strong: row.strong }).toEqual({
        karma: row.karma,
        normal: votePower(row.karma, 'normal'),
        strong: votePower(row.karma, 'strong'),
      });
    }
  });
});

describe('the vote function', () => {
  it('ends every combination of stored vote, pressed button and shown vote as the TypeScript rule did', async () => {
    const voterKarma = 2_500; // normal 2, strong 7: every kind moves the totals differently
    const author = await makeUser(db);
    const post = await makePost(db);
    const comment = await makeComment(db, { authorId: author.id, postId: post.id });
    let cases = 0;
    for (const axis of ['karma', 'agreement'] as const) {
      for (const stored of [null, ...KINDS[axis]]) {
        for (const kind of KINDS[axis]) {
          for (const shown of [undefined, null, ...KINDS[axis]]) {
            const voter = await userWithKarma(db, voterKarma);
            const before = await totalsOf(db, 'comment', comment.id);
            const karmaBefore = await karmaOf(db, author.id);
            const request = { voterId: voter.id, targetType: 'comment', targetId: comment.id, axis } as const;
            if (stored) await castVote(db, { ...request, kind: stored, shown: null });
            const result = await castVote(db, { ...request, kind, shown });

            const wanted = expectedVote(stored, kind, shown);
            const what = `stored ${stored}, pressed ${kind}, shown ${shown}`;
            const added = signedPower(wanted, voterKarma);
            const after = await totalsOf(db, 'comment', comment.id);
            const [score, count] = axis === 'karma' ? ['score', 'voteCount'] : ['agreement', 'agreementCount'];
            expect(result.current, what).toBe(wanted);
            expect(result.score, what).toBe(after[score as keyof typeof after]);
            expect(result.voteCount, what).toBe(after[count as keyof typeof after]);
            expect(after[score as keyof typeof after] - before[score as keyof typeof before], what).toBe(added);
            expect(after[count as keyof typeof after] - before[count as keyof typeof before], what).toBe(
              wanted ? 1 : 0,
            );
            expect(await karmaOf(db, author.id), what).toBe(karmaBefore + (axis === 'karma' ? added : 0));
            const votes = await userVotesOn(db, voter.id, 'comment', [comment.id]);
            expect(votes.get(comment.id)?.[axis] ?? null, what).toBe(wanted);
            // An action is counted for each change, none for a request that changes nothing.
            const [actions] = await db.query<{ n: number }>(
              'SELECT count(*)::int AS n FROM vote_actions WHERE user_id = $1',
              [voter.id],
            );
            expect(actions!.n, what).toBe((stored ? 1 : 0) + (wanted !== stored ? 1 : 0));
            cases++;
          }
        }
      }
    }
    expect(cases).toBe(5 * 4 * 6 + 3 * 2 * 4);
  });

  it('stores the same magic score on a vote as the periodic refresh computes', async () => {
    const voter = await userWithKarma(db, 100_000);
    const post = await makePost(db, { at: new Date(Date.now() - 30 * 3_600_000) });
    await db.transaction(async (tx) => {
      await castVote(tx, { voterId: voter.id, targetType: 'post', targetId: post.id, axis: 'karma', kind: 'strongUp' });
      // In one transaction now() is one instant, so the two must agree exactly.
      const [byVote] = await tx.query<{ magic: number }>('SELECT magic_score AS magic FROM posts WHERE id = $1', [
        post.id,
      ]);
      await refreshPostMagicScore(tx, post.id);
      const [byRefresh] = await tx.query<{ magic: number }>('SELECT magic_score AS magic FROM posts WHERE id = $1', [
        post.id,
      ]);
      expect(byVote!.magic).toBe(byRefresh!.magic);
      expect(byVote!.magic).toBeGreaterThan(0);
    });
  });

  it('refuses a voter who does not exist, as a logged-out vote', async () => {
    const comment = await makeComment(db);
    const error = await refusal(
      castVote(db, { voterId: newId(), targetType: 'comment', targetId: comment.id, axis: 'karma', kind: 'up' }),
    );
    expect(error).toBeInstanceOf(Forbidden);
    expect(error.message).toBe('Log in to vote.');
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 1, voteCount: 1 });
  });

  it('is one round trip of SQL and no transaction, refusals included', async () => {
    const author = await makeUser(db);
    const voter = await userWithKarma(db, 300);
    const post = await makePost(db, { authorId: author.id });
    const comment = await makeComment(db, { authorId: author.id, postId: post.id });
    const requests = [
      { voterId: voter.id, targetType: 'post', targetId: post.id, axis: 'karma', kind: 'strongUp' },
      { voterId: voter.id, targetType: 'comment', targetId: comment.id, axis: 'agreement', kind: 'agree' },
      { voterId: voter.id, targetType: 'comment', targetId: comment.id, axis: 'agreement', kind: 'agree' },
      { voterId: author.id, targetType: 'comment', targetId: comment.id, axis: 'karma', kind: 'up' },
      { voterId: voter.id, targetType: 'comment', targetId: newId(), axis: 'karma', kind: 'up' },
    ] as const;
    for (const request of requests) {
      const counted = countingRoundTrips(db);
      await castVote(counted.db, request).catch((error: unknown) => {
        if (!(error instanceof AppError)) throw error;
      });
      expect(counted.counts).toEqual({ queries: 1, transactions: 0 });
    }
    const counted = countingRoundTrips(db);
    const other = await makeComment(db, { authorId: author.id, postId: post.id });
    await db.query(`DELETE FROM votes WHERE target_id = $1`, [other.id]);
    await db.query('UPDATE comments SET base_score = 0, vote_count = 0 WHERE id = $1', [other.id]);
    await applyAuthorVote(counted.db, { authorId: author.id, targetType: 'comment', targetId: other.id });
    expect(counted.counts).toEqual({ queries: 1, transactions: 0 });
    expect(await totalsOf(db, 'comment', other.id)).toMatchObject({ score: 1, voteCount: 1 });
  });

  it('refuses an author vote on a target that is not the author’s, writing nothing', async () => {
    const comment = await makeComment(db);
    const stranger = await makeUser(db);
    await expect(
      applyAuthorVote(db, { authorId: stranger.id, targetType: 'comment', targetId: comment.id }),
    ).rejects.toThrow(/applyAuthorVote: no comment/);
    expect(await userVotesOn(db, stranger.id, 'comment', [comment.id])).toEqual(new Map());
  });
});

describe('concurrent votes through the function', () => {
  it('counts a double submit on a post once, in its score, its author’s karma and its magic score', async () => {
    const author = await makeUser(db);
    const voter = await userWithKarma(db, 5_000); // strong power 8
    const post = await makePost(db, { authorId: author.id, at: new Date(Date.now() - 3 * 3_600_000) });
    const request = { voterId: voter.id, targetType: 'post', targetId: post.id, axis: 'karma' } as const;
    const results = await Promise.all(
      Array.from({ length: 4 }, () => castVote(db, { ...request, kind: 'strongUp', shown: null })),
    );
    for (const result of results) expect(result).toMatchObject({ score: 9, voteCount: 2, current: 'strongUp' });
    expect(await karmaOf(db, author.id)).toBe(8);
    const [row] = await db.query<{ magic: number }>('SELECT magic_score AS magic FROM posts WHERE id = $1', [post.id]);
    expect(row!.magic).toBeCloseTo(magicScore(9, 0, 3), 3);
    const [actions] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM vote_actions WHERE user_id = $1', [
      voter.id,
    ]);
    expect(actions!.n).toBe(1);
  });

  it('applies two toggles sent at once one after the other: cast, then cancelled', async () => {
    const voter = await makeUser(db);
    const comment = await makeComment(db);
    const request = { voterId: voter.id, targetType: 'comment', targetId: comment.id, axis: 'karma' } as const;
    const results = await Promise.all([
      castVote(db, { ...request, kind: 'up' }),
      castVote(db, { ...request, kind: 'up' }),
    ]);
    expect(results.map((r) => r.current)).toEqual(expect.arrayContaining(['up', null]));
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 1, voteCount: 1 });
  });

  it('never deadlocks two users voting on each other’s comments at once', async () => {
    // 1,100 karma each: the votes below move it by at most 30, never across a vote power threshold.
    const [a, b] = await Promise.all([userWithKarma(db, 1_100), userWithKarma(db, 1_100)]);
    const post = await makePost(db);
    const ofA = await Promise.all(
      Array.from({ length: 5 }, () => makeComment(db, { authorId: a!.id, postId: post.id })),
    );
    const ofB = await Promise.all(
      Array.from({ length: 5 }, () => makeComment(db, { authorId: b!.id, postId: post.id })),
    );
    const vote = (voterId: string, targetId: string, kind: VoteKind) =>
      castVote(db, { voterId, targetType: 'comment', targetId, axis: 'karma', kind, shown: null });
    // Each comment gets its vote twice at once (a double submit), interleaved with the other user's votes.
    await Promise.all([
      ...[...ofB, ...ofB].map((c) => vote(a!.id, c.id, 'strongUp')),
      ...[...ofA, ...ofA].map((c) => vote(b!.id, c.id, 'down')),
    ]);
    expect(await karmaOf(db, b!.id)).toBe(1_100 + 5 * votePower(1_100, 'strong'));
    expect(await karmaOf(db, a!.id)).toBe(1_100 - 5 * votePower(1_100, 'normal'));
  });
});

describe('the rate limit in the function', () => {
  it('says "1 minute" when the quota frees up within the minute', async () => {
    const voter = await makeUser(db);
    const comment = await makeComment(db);
    await db.query(
      `INSERT INTO vote_actions (user_id, acted_at)
       SELECT $1, now() - interval '59 minutes 40 seconds' FROM generate_series(1, 100)`,
      [voter.id],
    );
    const error = await refusal(
      castVote(db, { voterId: voter.id, targetType: 'comment', targetId: comment.id, axis: 'karma', kind: 'up' }),
    );
    expect(error).toBeInstanceOf(RateLimited);
    expect(error.message).toBe('You have voted 100 times in the last hour; try again in 1 minute.');
  });

  it('refuses at the limit before looking at the target, even a request that would change nothing', async () => {
    const voter = await makeUser(db);
    const comment = await makeComment(db);
    await db.query(`INSERT INTO vote_actions (user_id) SELECT $1 FROM generate_series(1, 100)`, [voter.id]);
    const onMissing = castVote(db, {
      voterId: voter.id,
      targetType: 'comment',
      targetId: newId(),
      axis: 'karma',
      kind: 'up',
    });
    expect(await refusal(onMissing)).toBeInstanceOf(RateLimited);
    const noChange = castVote(db, {
      voterId: voter.id,
      targetType: 'comment',
      targetId: comment.id,
      axis: 'karma',
      kind: 'up',
      shown: 'up',
    });
    expect(await refusal(noChange)).toBeInstanceOf(RateLimited);
    const [actions] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM vote_actions WHERE user_id = $1', [
      voter.id,
    ]);
    expect(actions!.n).toBe(100);
  });
});
