import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.js';
import { applyTag } from '../../src/tags/links-service.js';
import { voteOnRelevance } from '../../src/tags/relevance.js';
import { VOTE_KINDS } from '../../src/votes/kinds.js';
import { describeRepair, recountVotes } from '../../src/votes/recount.js';
import { castVote } from '../../src/votes/service.js';
import { useTestDatabase } from '../helpers/app.js';
import { actorOf, makeComment, makePost } from '../helpers/factories.js';
import { makeTag } from '../tags/tags-helpers.js';
import { karmaOf, totalsOf, userWithKarma } from './setup.js';

const { db } = useTestDatabase();

/** A small seeded generator (mulberry32), so a failing workload can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('recounting scores and karma from the votes', () => {
  it('finds nothing to repair after a random workload of votes, switches, cancels and refusals', async () => {
    const next = random(20_240_601);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    // Karma set by hand gives the voters a range of vote powers; no vote backs it, so it is taken away again
    // before the recount, leaving exactly the karma the workload earned.
    const startingKarma = [0, 5, 12, 150, 999, 1_000, 3_000, 60_000];
    const users = await Promise.all(startingKarma.map((k) => userWithKarma(db, k)));
    const posts = await Promise.all(users.slice(0, 4).map((u) => makePost(db, { authorId: u.id })));
    const comments: { id: string }[] = [];
    for (let i = 0; i < 12; i++) {
      comments.push(await makeComment(db, { authorId: pick(users).id, postId: pick(posts).id }));
    }
    let refused = 0;
    const voteAtRandom = async () => {
      const onPost = next() < 0.3;
      const kind = pick(VOTE_KINDS);
      try {
        await castVote(db, {
          voterId: pick(users).id,
          targetType: onPost ? 'post' : 'comment',
          targetId: onPost ? pick(posts).id : pick(comments).id,
          axis: kind === 'agree' || kind === 'disagree' ? 'agreement' : 'karma',
          kind,
          ...(next() < 0.5 ? { shown: next() < 0.5 ? null : pick(VOTE_KINDS) } : {}),
        });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        refused++;
      }
    };
    // 40 rounds of 10 votes sent at once (truly concurrent on PostgreSQL).
    for (let round = 0; round < 40; round++) {
      await Promise.all(Array.from({ length: 10 }, voteAtRandom));
      // Deleting content keeps its votes and the karma they earned.
      if (round === 20) await db.query('UPDATE comments SET deleted = true WHERE id = $1', [comments[0]!.id]);
    }
    expect(refused).toBeGreaterThan(0); // own content, agreement on posts, mismatched shown, rate limit
    expect(await db.query('SELECT 1 FROM votes')).not.toHaveLength(0);
    for (const [i, user] of users.entries()) {
      await db.query('UPDATE users SET karma = karma - $2 WHERE id = $1', [user.id, startingKarma[i]]);
    }
    expect(await recountVotes(db)).toEqual([]);
  });

  it('repairs a corrupted score, agreement total and karma, and reports each change', async () => {
    const author = await userWithKarma(db, 0);
    const voter = await userWithKarma(db, 100);
    const comment = await makeComment(db, { authorId: author.id });
    const post = await makePost(db, { authorId: author.id });
    await castVote(db, {
      voterId: voter.id,
      targetType: 'comment',
      targetId: comment.id,
      axis: 'karma',
      kind: 'strongUp',
    });
    await castVote(db, {
      voterId: voter.id,
      targetType: 'comment',
      targetId: comment.id,
      axis: 'agreement',
      kind: 'agree',
    });
    await db.query('UPDATE users SET karma = 0 WHERE id = $1', [voter.id]); // hand-set, backed by no vote
    expect(await recountVotes(db)).toEqual([]);

    await db.query('UPDATE comments SET base_score = 40, agreement_vote_count = 7 WHERE id = $1', [comment.id]);
    await db.query('UPDATE posts SET vote_count = 0, magic_score = 99 WHERE id = $1', [post.id]);
    await db.query('UPDATE users SET karma = karma + 1000 WHERE id = $1', [author.id]);

    const repairs = await recountVotes(db);
    expect(repairs).toEqual(
      expect.arrayContaining([
        { table: 'comments', id: comment.id, column: 'base_score', before: 40, after: 4 },
        { table: 'comments', id: comment.id, column: 'agreement_vote_count', before: 7, after: 1 },
        { table: 'posts', id: post.id, column: 'vote_count', before: 0, after: 1 },
        { table: 'users', id: author.id, column: 'karma', before: 1_003, after: 3 },
      ]),
    );
    expect(repairs).toHaveLength(4);
    expect(describeRepair(repairs.find((r) => r.table === 'users')!)).toBe(`user ${author.id}: karma 1003 → 3`);
    expect(await totalsOf(db, 'comment', comment.id)).toEqual({
      score: 4,
      voteCount: 2,
      agreement: 1,
      agreementCount: 1,
    });
    expect(await karmaOf(db, author.id)).toBe(3);
    const [row] = await db.query<{ magic: number }>('SELECT magic_score AS magic FROM posts WHERE id = $1', [post.id]);
    expect(row!.magic).toBeLessThan(1);
    expect(await recountVotes(db)).toEqual([]);
  });

  it('loses no vote cast while a recount repairs the same counters', async () => {
    const author = await userWithKarma(db, 0);
    const post = await makePost(db);
    const comments = await Promise.all(
      Array.from({ length: 5 }, () => makeComment(db, { authorId: author.id, postId: post.id })),
    );
    const voters = await Promise.all(Array.from({ length: 30 }, () => userWithKarma(db, 0)));
    await db.query('UPDATE comments SET base_score = base_score + 100 WHERE post_id = $1', [post.id]);
    await db.query('UPDATE users SET karma = 50 WHERE id = $1', [author.id]);
    await Promise.all([
      ...voters.map((v, i) =>
        castVote(db, {
          voterId: v.id,
          targetType: 'comment',
          targetId: comments[i % 5]!.id,
          axis: 'karma',
          kind: 'up',
        }),
      ),
      ...Array.from({ length: 4 }, () => recountVotes(db)),
    ]);
    expect(await karmaOf(db, author.id)).toBe(30);
    for (const comment of comments) expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 7 });
    expect(await recountVotes(db)).toEqual([]);
  });

  it('resets counters to what the votes support', async () => {
    const post = await makePost(db); // only the author's own vote (power 1)
    await db.query('UPDATE posts SET base_score = 3 WHERE id = $1', [post.id]);
    expect(await recountVotes(db)).toEqual([
      { table: 'posts', id: post.id, column: 'base_score', before: 3, after: 1 },
    ]);
  });
});

describe('npm run recount', () => {
  // The script against its own embedded database, as a user runs it (PGlite only: on PostgreSQL it would
  // migrate and recount the server's real database).
  it.skipIf(process.env.TEST_DATABASE_URL)('reports nothing to repair and exits 0', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-recount-'));
    try {
      const { stdout } = await promisify(execFile)(
        path.resolve('node_modules/.bin/tsx'),
        [path.resolve('scripts/recount.ts')],
        // A clean environment: vitest's own variables (BASE_URL=/ among them) are not Lyceum configuration.
        { env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir }, timeout: 60_000 },
      );
      expect(stdout).toContain('nothing to repair');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("repairs a tag link's relevance from its votes and a tag's post count from its links", async () => {
    const author = await userWithKarma(db, 0);
    const post = await makePost(db, { authorId: author.id });
    const tag = await makeTag(db);
    const voter = await userWithKarma(db, 100);
    await applyTag(db, actorOf(author.id, { karma: 0 }), post.id, tag.id);
    await voteOnRelevance(db, { voterId: voter.id, postId: post.id, tagId: tag.id, kind: 'strongUp' });
    await db.query('UPDATE users SET karma = 0 WHERE id = $1', [voter.id]); // hand-set, backed by no vote
    expect(await recountVotes(db)).toEqual([]);

    await db.query('UPDATE post_tags SET relevance = 7, vote_count = 9 WHERE post_id = $1', [post.id]);
    await db.query('UPDATE tags SET post_count = 40 WHERE id = $1', [tag.id]);
    const repairs = await recountVotes(db);
    const link = `${post.id}/${tag.id}`;
    expect(repairs).toEqual([
      { table: 'post_tags', id: link, column: 'relevance', before: 7, after: 4 },
      { table: 'post_tags', id: link, column: 'vote_count', before: 9, after: 2 },
      { table: 'tags', id: tag.id, column: 'post_count', before: 40, after: 1 },
    ]);
    expect(describeRepair(repairs[2]!)).toBe(`tag ${tag.id}: post_count 40 → 1`);
    expect(await recountVotes(db)).toEqual([]);
  });

  it("repairs a member's unread notification count from their unread notifications", async () => {
    const author = await userWithKarma(db, 0);
    const post = await makePost(db, { authorId: author.id });
    // Two comments on the author's post: two notifications, read later one of them.
    await makeComment(db, { postId: post.id });
    await makeComment(db, { postId: post.id });
    await db.query(
      `UPDATE notifications SET read_at = now()
        WHERE id = (SELECT id FROM notifications WHERE user_id = $1 ORDER BY created_at LIMIT 1)`,
      [author.id],
    );
    const unread = async () =>
      (await db.query<{ n: number }>('SELECT unread_notification_count AS n FROM users WHERE id = $1', [author.id]))[0]!
        .n;
    expect(await unread()).toBe(1);
    expect((await recountVotes(db)).filter((r) => r.id === author.id)).toEqual([]);

    await db.query('UPDATE users SET unread_notification_count = 9 WHERE id = $1', [author.id]);
    const repairs = (await recountVotes(db)).filter((r) => r.id === author.id);
    expect(repairs).toEqual([
      { table: 'users', id: author.id, column: 'unread_notification_count', before: 9, after: 1 },
    ]);
    expect(await unread()).toBe(1);
  });
});
