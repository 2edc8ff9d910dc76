import { describe, expect, it } from 'vitest';
import { newId } from '../../src/db/ids.js';
import { Forbidden, Invalid, NotFound, RateLimited } from '../../src/errors.js';
import { VOTES_PER_HOUR } from '../../src/limits/limits.js';
import { applyTag } from '../../src/tags/links-service.js';
import { voteOnRelevance } from '../../src/tags/relevance.js';
import type { VoteKind } from '../../src/votes/kinds.js';
import { votePower } from '../../src/votes/power.js';
import { readerOnPostPage } from '../../src/votes/queries.js';
import { magicScore, magicScoreSql, refreshMagicScores } from '../../src/votes/ranking.js';
import { applyAuthorVote, castVote, type VoteRequest } from '../../src/votes/service.js';
import { useTestDatabase } from '../helpers/app.js';
import { refusal } from '../helpers/errors.js';
import { actorOf, makeComment, makePost, makeUser } from '../helpers/factories.js';
import { makeTag, makeTagger } from '../tags/tags-helpers.js';
import { karmaOf, setKarma, totalsOf, userVotesOn, userWithKarma } from './setup.js';

const { db } = useTestDatabase();

const onComment = (voterId: string, targetId: string, kind: VoteKind, extra: Partial<VoteRequest> = {}) =>
  castVote(db, {
    voterId,
    targetType: 'comment',
    targetId,
    axis: kind === 'agree' || kind === 'disagree' ? 'agreement' : 'karma',
    kind,
    ...extra,
  });

describe("the author's own vote", () => {
  it('starts a new comment at its author’s normal vote power without touching their karma', async () => {
    const author = await userWithKarma(db, 1_500);
    const comment = await makeComment(db, { authorId: author.id });
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 2, voteCount: 1 });
    expect(await karmaOf(db, author.id)).toBe(1_500);
    // Applying it again (say, from createPost and a caller both) changes nothing.
    await applyAuthorVote(db, { authorId: author.id, targetType: 'comment', targetId: comment.id, karma: 1_500 });
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 2, voteCount: 1 });
    const votes = await userVotesOn(db, author.id, 'comment', [comment.id]);
    expect(votes.get(comment.id)).toEqual({ karma: 'up', agreement: null });
  });

  it('scores a new post on the frontpage formula', async () => {
    const at = new Date(Date.now() - 10 * 3_600_000);
    const post = await makePost(db, { at });
    const [row] = await db.query<{ magic: number; base: number }>(
      'SELECT magic_score AS magic, base_score AS base FROM posts WHERE id = $1',
      [post.id],
    );
    expect(row!.base).toBe(1);
    expect(row!.magic).toBeCloseTo(magicScore(1, 0, 10), 3);
  });
});

describe('casting, switching and cancelling', () => {
  it('upvotes, switches to strong, then to down, and cancels by pressing down again', async () => {
    const author = await makeUser(db);
    const voter = await userWithKarma(db, 100); // strong power 3
    const comment = await makeComment(db, { authorId: author.id });

    const up = await onComment(voter.id, comment.id, 'up');
    expect(up).toMatchObject({ score: 2, voteCount: 2, current: 'up', axis: 'karma' });
    expect(await karmaOf(db, author.id)).toBe(1);

    const strong = await onComment(voter.id, comment.id, 'strongUp');
    expect(strong).toMatchObject({ score: 4, voteCount: 2, current: 'strongUp' });
    expect(await karmaOf(db, author.id)).toBe(3);

    const down = await onComment(voter.id, comment.id, 'down');
    expect(down).toMatchObject({ score: 0, voteCount: 2, current: 'down' });
    expect(await karmaOf(db, author.id)).toBe(-1);

    const cancelled = await onComment(voter.id, comment.id, 'down');
    expect(cancelled).toMatchObject({ score: 1, voteCount: 1, current: null });
    expect(await karmaOf(db, author.id)).toBe(0);
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 1, voteCount: 1 });
  });

  it('subtracts what a vote added even when the voter’s karma changed in between', async () => {
    const author = await makeUser(db);
    const voter = await userWithKarma(db, 10); // strong power 2
    const comment = await makeComment(db, { authorId: author.id });
    await onComment(voter.id, comment.id, 'strongUp');
    await setKarma(db, voter.id, 500_000); // strong power 16 now
    await onComment(voter.id, comment.id, 'strongUp'); // cancels the stored +2
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 1, voteCount: 1 });
    expect(await karmaOf(db, author.id)).toBe(0);
  });

  it('moves a post’s score, its author’s karma and its magic score', async () => {
    const author = await makeUser(db);
    const voter = await userWithKarma(db, 2_500); // strong power 7
    const post = await makePost(db, { authorId: author.id, at: new Date(Date.now() - 5 * 3_600_000) });
    const result = await castVote(db, {
      voterId: voter.id,
      targetType: 'post',
      targetId: post.id,
      axis: 'karma',
      kind: 'strongUp',
    });
    expect(result).toMatchObject({ score: 8, voteCount: 2, current: 'strongUp' });
    expect(await karmaOf(db, author.id)).toBe(7);
    const [row] = await db.query<{ magic: number }>('SELECT magic_score AS magic FROM posts WHERE id = $1', [post.id]);
    expect(row!.magic).toBeCloseTo(magicScore(8, 0, 5), 3);
  });

  it('keeps agreement apart from karma and score', async () => {
    const author = await makeUser(db);
    const voter = await userWithKarma(db, 1_000); // normal power 2
    const comment = await makeComment(db, { authorId: author.id });
    expect(await onComment(voter.id, comment.id, 'agree')).toMatchObject({
      axis: 'agreement',
      score: 2,
      voteCount: 1,
      current: 'agree',
    });
    expect(await onComment(voter.id, comment.id, 'disagree')).toMatchObject({ score: -2, current: 'disagree' });
    expect(await totalsOf(db, 'comment', comment.id)).toEqual({
      score: 1,
      voteCount: 1,
      agreement: -2,
      agreementCount: 1,
    });
    expect(await karmaOf(db, author.id)).toBe(0);
    // The two axes are independent votes.
    await onComment(voter.id, comment.id, 'up');
    expect(await userVotesOn(db, voter.id, 'comment', [comment.id])).toEqual(
      new Map([[comment.id, { karma: 'up', agreement: 'disagree' }]]),
    );
  });

  it('returns each of a user’s votes on a page’s comments in one map', async () => {
    const voter = await makeUser(db);
    const post = await makePost(db);
    const a = await makeComment(db, { postId: post.id });
    const b = await makeComment(db, { postId: post.id });
    const c = await makeComment(db, { postId: post.id });
    await onComment(voter.id, a.id, 'strongDown');
    await onComment(voter.id, b.id, 'agree');
    const votes = await userVotesOn(db, voter.id, 'comment', [a.id, b.id, c.id]);
    expect(votes.get(a.id)).toEqual({ karma: 'strongDown', agreement: null });
    expect(votes.get(b.id)).toEqual({ karma: null, agreement: 'agree' });
    expect(votes.has(c.id)).toBe(false);
    expect((await userVotesOn(db, voter.id, 'comment', [])).size).toBe(0);
    expect((await userVotesOn(db, voter.id, 'post', [a.id])).size).toBe(0);
  });
});

describe('refusals', () => {
  it('refuses a vote on one’s own comment or post, changing nothing', async () => {
    const author = await makeUser(db);
    const comment = await makeComment(db, { authorId: author.id });
    const error = await refusal(onComment(author.id, comment.id, 'down'));
    expect(error).toBeInstanceOf(Forbidden);
    expect(error.message).toBe('You cannot vote on your own comment.');
    const post = await makePost(db, { authorId: author.id });
    const onPost = await refusal(
      castVote(db, { voterId: author.id, targetType: 'post', targetId: post.id, axis: 'karma', kind: 'up' }),
    );
    expect(onPost.message).toBe('You cannot vote on your own post.');
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 1, voteCount: 1 });
    expect(await totalsOf(db, 'post', post.id)).toMatchObject({ score: 1, voteCount: 1 });
  });

  it('refuses agreement on a post, naming the field', async () => {
    const voter = await makeUser(db);
    const post = await makePost(db);
    const error = await refusal(
      castVote(db, { voterId: voter.id, targetType: 'post', targetId: post.id, axis: 'agreement', kind: 'agree' }),
    );
    expect(error).toBeInstanceOf(Invalid);
    expect(error.fields.kind).toBe('Agree and disagree apply to comments only.');
    expect(await totalsOf(db, 'post', post.id)).toMatchObject({ score: 1, voteCount: 1 });
  });

  it('refuses an unknown kind and a kind of the other axis', async () => {
    const voter = await makeUser(db);
    const comment = await makeComment(db);
    const unknown = await refusal(
      castVote(db, {
        voterId: voter.id,
        targetType: 'comment',
        targetId: comment.id,
        axis: 'karma',
        kind: 'superUp' as VoteKind,
      }),
    );
    expect(unknown.fields.kind).toContain('kind must be one of');
    const crossed = await refusal(
      castVote(db, { voterId: voter.id, targetType: 'comment', targetId: comment.id, axis: 'karma', kind: 'agree' }),
    );
    expect(crossed).toBeInstanceOf(Invalid);
    expect(crossed.fields.kind).toBe('Not a karma vote.');
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 1, voteCount: 1, agreementCount: 0 });
  });

  it('answers NotFound for a missing comment, a deleted one, one on a deleted post, and a draft post', async () => {
    const voter = await makeUser(db);
    expect(await refusal(onComment(voter.id, newId(), 'up'))).toBeInstanceOf(NotFound);
    expect(await refusal(onComment(voter.id, "'; DROP TABLE votes; --", 'up'))).toBeInstanceOf(NotFound);

    const deleted = await makeComment(db);
    await db.query('UPDATE comments SET deleted = true WHERE id = $1', [deleted.id]);
    const error = await refusal(onComment(voter.id, deleted.id, 'up'));
    expect(error).toBeInstanceOf(NotFound);
    expect(error.message).toBe('This comment does not exist or has been deleted.');

    const orphan = await makeComment(db);
    await db.query('UPDATE posts SET deleted_at = now() WHERE id = $1', [orphan.postId]);
    expect(await refusal(onComment(voter.id, orphan.id, 'agree'))).toBeInstanceOf(NotFound);

    const draft = await makePost(db, { publish: false });
    const onDraft = await refusal(
      castVote(db, { voterId: voter.id, targetType: 'post', targetId: draft.id, axis: 'karma', kind: 'up' }),
    );
    expect(onDraft.message).toBe('This post does not exist or has been deleted.');
    expect(await db.query('SELECT 1 FROM votes WHERE user_id = $1', [voter.id])).toHaveLength(0);
  });
});

describe('repeated and concurrent requests', () => {
  it('treats a resubmitted form as the same vote, not a cancellation', async () => {
    const author = await makeUser(db);
    const voter = await makeUser(db);
    const comment = await makeComment(db, { authorId: author.id });
    // The page showed no vote; the user pressed Upvote; the browser sent the form twice.
    const first = await onComment(voter.id, comment.id, 'up', { shown: null });
    const second = await onComment(voter.id, comment.id, 'up', { shown: null });
    expect(first).toEqual(second);
    expect(second).toMatchObject({ score: 2, voteCount: 2, current: 'up' });
    // Pressing the now-pressed button (the page shows "up") cancels, and a repeat of that stays cancelled.
    await onComment(voter.id, comment.id, 'up', { shown: 'up' });
    expect(await onComment(voter.id, comment.id, 'up', { shown: 'up' })).toMatchObject({ score: 1, current: null });
    expect(await karmaOf(db, author.id)).toBe(0);
  });

  it('counts a double submit sent at the same moment once', async () => {
    const author = await makeUser(db);
    const voter = await userWithKarma(db, 250);
    const comment = await makeComment(db, { authorId: author.id });
    const results = await Promise.all([
      onComment(voter.id, comment.id, 'strongUp', { shown: null }),
      onComment(voter.id, comment.id, 'strongUp', { shown: null }),
      onComment(voter.id, comment.id, 'strongUp', { shown: null }),
    ]);
    for (const result of results) expect(result).toMatchObject({ score: 5, voteCount: 2, current: 'strongUp' });
    expect(await karmaOf(db, author.id)).toBe(4);
  });

  it('toggles against the stored vote when the request does not say what the page showed', async () => {
    const voter = await makeUser(db);
    const comment = await makeComment(db);
    expect(await onComment(voter.id, comment.id, 'up')).toMatchObject({ current: 'up', score: 2 });
    expect(await onComment(voter.id, comment.id, 'up')).toMatchObject({ current: null, score: 1 });
  });

  it('keeps score, vote count and karma exact when 100 users vote on one comment at once', async () => {
    const author = await makeUser(db);
    const comment = await makeComment(db, { authorId: author.id });
    const kinds: VoteKind[] = ['up', 'strongUp', 'down', 'strongDown', 'up', 'strongUp', 'up'];
    const voters = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => ({ ...(await userWithKarma(db, i * 997)), karma: i * 997, i })),
    );
    const power = (kind: VoteKind, karma: number) =>
      (kind.toLowerCase().includes('down') ? -1 : 1) *
      votePower(karma, kind.startsWith('strong') ? 'strong' : 'normal');

    await Promise.all(voters.map((v) => onComment(v.id, comment.id, kinds[v.i % kinds.length]!)));
    let expected = voters.reduce((sum, v) => sum + power(kinds[v.i % kinds.length]!, v.karma), 0);
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 1 + expected, voteCount: 101 });
    expect(await karmaOf(db, author.id)).toBe(expected);

    // A second wave at once: a third cancel, a third switch to downvote, a third agree.
    await Promise.all(
      voters.map((v) => {
        const first = kinds[v.i % kinds.length]!;
        if (v.i % 3 === 0) return onComment(v.id, comment.id, first);
        if (v.i % 3 === 1) return onComment(v.id, comment.id, first === 'down' ? 'strongDown' : 'down');
        return onComment(v.id, comment.id, 'agree');
      }),
    );
    expected = 0;
    let count = 1;
    let agreement = 0;
    for (const v of voters) {
      const first = kinds[v.i % kinds.length]!;
      if (v.i % 3 === 1) {
        expected += power(first === 'down' ? 'strongDown' : 'down', v.karma);
        count++;
      } else if (v.i % 3 === 2) {
        expected += power(first, v.karma);
        count++;
        agreement += votePower(v.karma, 'normal');
      }
    }
    expect(await totalsOf(db, 'comment', comment.id)).toEqual({
      score: 1 + expected,
      voteCount: count,
      agreement,
      agreementCount: voters.filter((v) => v.i % 3 === 2).length,
    });
    expect(await karmaOf(db, author.id)).toBe(expected);
  });
});

describe('the rate limit', () => {
  it(`refuses the ${VOTES_PER_HOUR + 1}st vote action in an hour, cancellations included`, async () => {
    const voter = await makeUser(db);
    const comment = await makeComment(db);
    for (let i = 0; i < VOTES_PER_HOUR; i++) await onComment(voter.id, comment.id, 'up'); // up, cancel, up, …
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 1, voteCount: 1 });
    const error = await refusal(onComment(voter.id, comment.id, 'up'));
    expect(error).toBeInstanceOf(RateLimited);
    expect(error.message).toMatch(/^You have voted 100 times in the last hour; try again in (59|60) minutes\.$/);
    expect(await totalsOf(db, 'comment', comment.id)).toMatchObject({ score: 1, voteCount: 1 });
  });

  it('lets exactly the remaining quota through when one voter sends many votes at once', async () => {
    const voter = await makeUser(db);
    await db.query(`INSERT INTO vote_actions (user_id, acted_at) SELECT $1, now() FROM generate_series(1, $2::int)`, [
      voter.id,
      VOTES_PER_HOUR - 2,
    ]);
    const post = await makePost(db);
    const comments = await Promise.all(Array.from({ length: 6 }, () => makeComment(db, { postId: post.id })));
    const outcomes = await Promise.allSettled(comments.map((c) => onComment(voter.id, c.id, 'up')));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(RateLimited);
  });

  it('says when the quota frees up, and forgets actions older than an hour', async () => {
    const voter = await makeUser(db);
    const comment = await makeComment(db);
    await db.query(
      `INSERT INTO vote_actions (user_id, acted_at)
       SELECT $1, now() - interval '30 minutes' FROM generate_series(1, 100)`,
      [voter.id],
    );
    const error = await refusal(onComment(voter.id, comment.id, 'down'));
    expect(error.message).toBe('You have voted 100 times in the last hour; try again in 30 minutes.');
    await db.query(`UPDATE vote_actions SET acted_at = now() - interval '61 minutes' WHERE user_id = $1`, [voter.id]);
    expect(await onComment(voter.id, comment.id, 'down')).toMatchObject({ current: 'down' });
    expect(await db.query('SELECT 1 FROM vote_actions WHERE user_id = $1', [voter.id])).toHaveLength(1);
  });
});

describe('stored magic scores', () => {
  it('computes the same score in SQL as in TypeScript', async () => {
    const cases: [number, number, number][] = [
      [1, 0, 0],
      [25, 0, 3.5],
      [-7, 0, 48],
      [120, 10, 24 * 30],
    ];
    for (const [score, bonus, hours] of cases) {
      const [row] = await db.query<{ value: number }>(
        `SELECT ${magicScoreSql({ baseScore: '$1::int', bonus: '$2::int', at: '$3::timestamptz', now: '$4::timestamptz' })} AS value`,
        [score, bonus, new Date(Date.UTC(2024, 0, 1)), new Date(Date.UTC(2024, 0, 1) + hours * 3_600_000)],
      );
      expect(row!.value).toBeCloseTo(magicScore(score, bonus, hours), 10);
    }
  });

  it('refreshes recent posts, unscored posts and the highest stored scores', async () => {
    const day = 24 * 3_600_000;
    const recent = await makePost(db, { at: new Date(Date.now() - 2 * day) });
    const old = await makePost(db, { at: new Date(Date.now() - 60 * day) });
    const unscored = await makePost(db, { at: new Date(Date.now() - 90 * day) });
    await db.query('UPDATE posts SET magic_score = 1000 WHERE id = ANY($1::text[])', [[recent.id, old.id]]);
    await db.query('UPDATE posts SET magic_score = NULL WHERE id = $1', [unscored.id]);
    const refreshed = await refreshMagicScores(db);
    expect(refreshed).toBeGreaterThanOrEqual(3);
    const rows = await db.query<{ id: string; magic: number | null }>(
      'SELECT id, magic_score AS magic FROM posts WHERE id = ANY($1::text[])',
      [[recent.id, old.id, unscored.id]],
    );
    const magic = new Map(rows.map((r) => [r.id, r.magic]));
    expect(magic.get(recent.id)).toBeCloseTo(magicScore(1, 0, 48), 3);
    expect(magic.get(old.id)).toBeCloseTo(magicScore(1, 0, 60 * 24), 4);
    expect(magic.get(unscored.id)).toBeCloseTo(magicScore(1, 0, 90 * 24), 4);
  });
});

describe("a reader's votes on a post page (readerOnPostPage)", () => {
  it("finds their votes on the post and on any of its comments, and none of another post's", async () => {
    const author = await userWithKarma(db, 100);
    const reader = await userWithKarma(db, 100);
    const post = await makePost(db, { authorId: author.id });
    const other = await makePost(db, { authorId: author.id });
    const comments = [];
    for (let i = 0; i < 5; i++) comments.push(await makeComment(db, { postId: post.id, authorId: author.id }));
    const elsewhere = await makeComment(db, { postId: other.id, authorId: author.id });
    await castVote(db, { voterId: reader.id, targetType: 'post', targetId: post.id, axis: 'karma', kind: 'down' });
    await onComment(reader.id, comments[1]!.id, 'up');
    await onComment(reader.id, comments[1]!.id, 'disagree');
    await onComment(reader.id, comments[4]!.id, 'strongUp');
    await onComment(reader.id, elsewhere.id, 'up');
    // Cancelled: no longer theirs.
    await onComment(reader.id, comments[2]!.id, 'up');
    await onComment(reader.id, comments[2]!.id, 'up');
    const { votes } = await readerOnPostPage(db, reader.id, post.id);
    expect(Object.fromEntries(votes)).toEqual({
      [post.id]: { karma: 'down', agreement: null },
      [comments[1]!.id]: { karma: 'up', agreement: 'disagree' },
      [comments[4]!.id]: { karma: 'strongUp', agreement: null },
    });
    // The author's own vote on their comment, made with it, is on the other post's page.
    expect((await readerOnPostPage(db, author.id, other.id)).votes.get(elsewhere.id)).toEqual({
      karma: 'up',
      agreement: null,
    });
  });

  it("reads their relevance votes on the post's tags with them, and no one else's", async () => {
    const [tag, other, tagger] = await Promise.all([makeTag(db), makeTag(db), makeTagger(db)]);
    const post = await makePost(db);
    await applyTag(db, actorOf(tagger), post.id, tag.id);
    await applyTag(db, actorOf(tagger), post.id, other.id);
    const reader = await makeTagger(db);
    await voteOnRelevance(db, { voterId: reader.id, postId: post.id, tagId: other.id, kind: 'down', shown: null });
    expect(Object.fromEntries((await readerOnPostPage(db, reader.id, post.id)).tagVotes)).toEqual({
      [other.id]: 'down',
    });
    // The tagger's own vote came with applying each tag; the reader's is not theirs.
    expect(Object.fromEntries((await readerOnPostPage(db, tagger.id, post.id)).tagVotes)).toEqual({
      [tag.id]: 'up',
      [other.id]: 'up',
    });
    expect((await readerOnPostPage(db, reader.id, post.id)).votes.size).toBe(0);
  });

  it('knows which post a vote is on however it was inserted, with triggers off too (an import)', async () => {
    const author = await makeUser(db);
    const reader = await makeUser(db);
    const post = await makePost(db, { authorId: author.id });
    const comment = await makeComment(db, { postId: post.id, authorId: author.id });
    await db.transaction(async (tx) => {
      await tx.exec('SET LOCAL session_replication_role = replica');
      await tx.query(
        `INSERT INTO votes (user_id, target_type, target_id, axis, power) VALUES
           ($1, 'post', $2, 'karma', 1), ($1, 'comment', $3, 'agreement', -1)`,
        [reader.id, post.id, comment.id],
      );
    });
    const rows = await db.query<{ postId: string }>(
      'SELECT post_id AS "postId" FROM votes WHERE user_id = $1 ORDER BY target_type',
      [reader.id],
    );
    expect(rows.map((row) => row.postId)).toEqual([post.id, post.id]);
    const { votes } = await readerOnPostPage(db, reader.id, post.id);
    expect(votes.get(comment.id)).toEqual({ karma: null, agreement: 'disagree' });
    expect(votes.get(post.id)).toEqual({ karma: 'up', agreement: null });
  });
});
