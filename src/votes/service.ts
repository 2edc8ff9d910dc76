import type { Queryable } from '../db/database.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import {
  axisOfKind,
  isVoteKind,
  kindOfVote,
  signOfKind,
  strengthOfKind,
  TARGET_TYPES,
  type TargetType,
  VOTE_AXES,
  type VoteAxis,
  type VoteKind,
} from './kinds.js';
import { votePower } from './power.js';
import { refreshPostMagicScore } from './ranking.js';
import { checkVoteRate, recordVoteAction } from './rate-limit.js';

export interface VoteRequest {
  voterId: string;
  targetType: TargetType;
  targetId: string;
  axis: VoteAxis;
  kind: VoteKind;
  /**
   * The vote the page showed on this axis when the button was pressed (null: none). With it, a request states
   * the outcome the user asked for (pressing the shown kind cancels it, any other kind sets that vote), so a
   * repeated submit of the same form changes nothing. Without it, pressing toggles against the stored vote.
   */
  shown?: VoteKind | null | undefined;
}

export interface VoteResult {
  targetType: TargetType;
  targetId: string;
  axis: VoteAxis;
  /** base_score (karma axis) or agreement_score. */
  score: number;
  voteCount: number;
  /** The voter's vote on this axis after the request, or null. */
  current: VoteKind | null;
}

const TABLE: Record<TargetType, string> = { post: 'posts', comment: 'comments' };
const COUNTERS: Record<VoteAxis, { score: string; count: string }> = {
  karma: { score: 'base_score', count: 'vote_count' },
  agreement: { score: 'agreement_score', count: 'agreement_vote_count' },
};

interface LockedTarget {
  authorId: string;
  score: number;
  voteCount: number;
}

/**
 * The visible target, its row locked until commit, which serializes every vote on it. Race prevented: two
 * requests for one voter's vote (a double submit) both reading "no vote yet" and both adding their power.
 * (checkVoteRate's voter lock also serializes one voter; this lock keeps the target exact for any writer that
 * skips it.) It also makes the visibility check hold until commit: a concurrent delete lands before this vote
 * (NotFound) or after it, never in between.
 */
async function lockTarget(
  tx: Queryable,
  targetType: TargetType,
  targetId: string,
  axis: VoteAxis,
): Promise<LockedTarget> {
  const { score, count } = COUNTERS[axis];
  const rows =
    targetType === 'post'
      ? await tx.query<LockedTarget>(
          `SELECT author_id AS "authorId", ${score} AS score, ${count} AS "voteCount"
             FROM posts WHERE id = $1 AND status = 'published' AND deleted_at IS NULL
              FOR UPDATE`,
          [targetId],
        )
      : await tx.query<LockedTarget>(
          `SELECT c.author_id AS "authorId", c.${score} AS score, c.${count} AS "voteCount"
             FROM comments c JOIN posts p ON p.id = c.post_id
            WHERE c.id = $1 AND NOT c.deleted AND p.status = 'published' AND p.deleted_at IS NULL
              FOR UPDATE OF c`,
          [targetId],
        );
  const target = rows[0];
  if (!target) throw new NotFound(`This ${targetType} does not exist or has been deleted.`);
  return target;
}

function validate(request: VoteRequest): void {
  const { kind, axis, shown } = request;
  if (!(TARGET_TYPES as readonly string[]).includes(request.targetType)) {
    throw new Invalid('You can vote on posts and comments only.', {
      targetType: 'targetType must be post or comment.',
    });
  }
  if (!(VOTE_AXES as readonly string[]).includes(axis)) {
    throw new Invalid('Unknown voting axis.', { axis: 'axis must be karma or agreement.' });
  }
  if (!isVoteKind(kind)) {
    throw new Invalid('Unknown kind of vote.', {
      kind: 'kind must be one of up, down, strongUp, strongDown, agree or disagree.',
    });
  }
  if (axis === 'agreement' && request.targetType === 'post') {
    throw new Invalid('Posts take karma votes only; agreement is for comments.', {
      kind: 'Agree and disagree apply to comments only.',
    });
  }
  if (axisOfKind(kind) !== axis) throw new Invalid(`“${kind}” is not a ${axis} vote.`, { kind: `Not a ${axis} vote.` });
  if (shown && (!isVoteKind(shown) || axisOfKind(shown) !== axis)) {
    throw new Invalid(`shown must be a ${axis} vote or none.`, { shown: `Not a ${axis} vote.` });
  }
}

async function karmaOf(tx: Queryable, userId: string): Promise<number | undefined> {
  const rows = await tx.query<{ karma: number }>('SELECT karma FROM users WHERE id = $1', [userId]);
  return rows[0]?.karma;
}

/**
 * Casts, switches or cancels one user's vote on a post or comment, in one transaction with everything it moves:
 * the target's score and vote count on that axis, the author's karma (karma axis only) and the post's magic
 * score. Lock order: voter (rate limit) → target row → author's user row, the same in every vote, so votes
 * never deadlock one another.
 */
export async function castVote(db: Queryable, request: VoteRequest): Promise<VoteResult> {
  validate(request);
  const { voterId, targetType, targetId, axis, kind } = request;
  return db.transaction(async (tx) => {
    await checkVoteRate(tx, voterId);
    const target = await lockTarget(tx, targetType, targetId, axis);
    if (target.authorId === voterId) throw new Forbidden(`You cannot vote on your own ${targetType}.`);
    const karma = await karmaOf(tx, voterId);
    if (karma === undefined) throw new Forbidden('Log in to vote.');

    // Read after the lock: a concurrent vote by this voter on this target has committed or not started.
    const existingRows = await tx.query<{ power: number; isStrong: boolean }>(
      `SELECT power, is_strong AS "isStrong" FROM votes
        WHERE user_id = $1 AND target_type = $2 AND target_id = $3 AND axis = $4`,
      [voterId, targetType, targetId, axis],
    );
    const existing = existingRows[0];
    const current = existing ? kindOfVote(axis, existing.power, existing.isStrong) : null;
    const pressed = request.shown === undefined ? current : request.shown;
    const wanted = pressed === kind ? null : kind;
    const result = { targetType, targetId, axis };
    if (wanted === current) return { ...result, score: target.score, voteCount: target.voteCount, current };

    const power = wanted ? signOfKind(wanted) * votePower(karma, strengthOfKind(wanted)) : 0;
    if (!wanted) {
      await tx.query('DELETE FROM votes WHERE user_id = $1 AND target_type = $2 AND target_id = $3 AND axis = $4', [
        voterId,
        targetType,
        targetId,
        axis,
      ]);
    } else if (existing) {
      await tx.query(
        `UPDATE votes SET power = $5, is_strong = $6, created_at = now()
          WHERE user_id = $1 AND target_type = $2 AND target_id = $3 AND axis = $4`,
        [voterId, targetType, targetId, axis, power, strengthOfKind(wanted) === 'strong'],
      );
    } else {
      // Race prevented by the unique (user, target, axis) constraint: any path that skipped the locks and
      // inserted the same vote twice fails instead of counting one voter twice.
      await tx.query(
        `INSERT INTO votes (user_id, target_type, target_id, axis, power, is_strong) VALUES ($1, $2, $3, $4, $5, $6)`,
        [voterId, targetType, targetId, axis, power, strengthOfKind(wanted) === 'strong'],
      );
    }

    const delta = power - (existing?.power ?? 0);
    const countDelta = (wanted ? 1 : 0) - (existing ? 1 : 0);
    const { score, count } = COUNTERS[axis];
    const [totals] = await tx.query<{ score: number; voteCount: number }>(
      `UPDATE ${TABLE[targetType]} SET ${score} = ${score} + $2, ${count} = ${count} + $3
        WHERE id = $1 RETURNING ${score} AS score, ${count} AS "voteCount"`,
      [targetId, delta, countDelta],
    );
    if (axis === 'karma' && delta !== 0) {
      await tx.query('UPDATE users SET karma = karma + $2 WHERE id = $1', [target.authorId, delta]);
    }
    if (axis === 'karma' && targetType === 'post') await refreshPostMagicScore(tx, targetId);
    await recordVoteAction(tx, voterId);
    return { ...result, score: totals!.score, voteCount: totals!.voteCount, current: wanted };
  });
}

/**
 * "A new post or comment starts with its author's own normal upvote applied": records that vote and adds it to
 * the score and vote count, but never to the author's karma. Call it in the transaction that creates the
 * target; `karma` is the author's karma (read when omitted). Applying it twice changes nothing.
 */
export async function applyAuthorVote(
  tx: Queryable,
  target: { authorId: string; targetType: TargetType; targetId: string; karma?: number },
): Promise<void> {
  const { authorId, targetType, targetId } = target;
  await tx.transaction(async (inner) => {
    const power = votePower(target.karma ?? (await karmaOf(inner, authorId)) ?? 0, 'normal');
    const inserted = await inner.query(
      `INSERT INTO votes (user_id, target_type, target_id, axis, power, is_strong)
       VALUES ($1, $2, $3, 'karma', $4, false)
       ON CONFLICT (user_id, target_type, target_id, axis) DO NOTHING
       RETURNING id`,
      [authorId, targetType, targetId, power],
    );
    if (inserted.length === 0) return;
    const updated = await inner.query(
      `UPDATE ${TABLE[targetType]} SET base_score = base_score + $2, vote_count = vote_count + 1
        WHERE id = $1 AND author_id = $3 RETURNING id`,
      [targetId, power, authorId],
    );
    if (updated.length === 0) throw new Error(`applyAuthorVote: no ${targetType} ${targetId} by ${authorId}`);
    if (targetType === 'post') await refreshPostMagicScore(inner, targetId);
  });
}
