import type { Queryable } from '../db/database.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import { VOTES_PER_HOUR, voteRateLimited } from '../limits/limits.js';
import { ownVoteMessage, VOTE_LOGIN_MESSAGE } from '../policy/policy.js';
import {
  axisOfKind,
  isVoteKind,
  TARGET_TYPES,
  type TargetType,
  VOTE_AXES,
  type VoteAxis,
  type VoteKind,
} from './kinds.js';

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

/** What lyceum_cast_vote (migration 0012) answers: the outcome, and the totals or the rate limit's figures. */
interface CastRow {
  outcome: 'changed' | 'unchanged' | 'rate_limited' | 'not_found' | 'own' | 'no_voter';
  score: number | null;
  voteCount: number | null;
  vote: VoteKind | null;
  recentActions: number;
  waitSeconds: number | null;
}

/**
 * Casts, switches or cancels one user's vote on a post or comment, with everything it moves: the target's score
 * and vote count on that axis, the author's karma (karma axis only) and the post's magic score, and the voter's
 * rate limit. After validation it is one statement, a call of lyceum_cast_vote (migration 0012), so its row locks
 * last one round trip. It also enforces the policy's canVote (policy.ts: not on one's own post or comment) in the
 * same statement, where the target's author is read anyway. That function locks in one order, voter (advisory lock) → target row → author's user row,
 * the same in every vote, so votes never deadlock one another; a refusal writes nothing.
 */
export async function castVote(db: Queryable, request: VoteRequest): Promise<VoteResult> {
  validate(request);
  const { voterId, targetType, targetId, axis, kind, shown } = request;
  const [row] = await db.query<CastRow>(
    `SELECT outcome, score, vote_count AS "voteCount", vote, recent_actions AS "recentActions",
            wait_seconds AS "waitSeconds"
       FROM lyceum_cast_vote($1, $2, $3, $4, $5, $6, $7)`,
    // shown: 'none' when the page showed no vote, NULL when the request did not say.
    [voterId, targetType, targetId, axis, kind, shown === undefined ? null : (shown ?? 'none'), VOTES_PER_HOUR],
  );
  switch (row!.outcome) {
    case 'rate_limited':
      throw voteRateLimited(row!.recentActions, row!.waitSeconds);
    case 'not_found':
      throw new NotFound(`This ${targetType} does not exist or has been deleted.`);
    case 'own':
      throw new Forbidden(ownVoteMessage(targetType));
    case 'no_voter':
      throw new Forbidden(VOTE_LOGIN_MESSAGE);
    default:
      return { targetType, targetId, axis, score: row!.score!, voteCount: row!.voteCount!, current: row!.vote };
  }
}

/**
 * "A new post or comment starts with its author's own normal upvote applied": records that vote and adds it to
 * the score and vote count (and a post's magic score), but never to the author's karma, in one statement
 * (lyceum_apply_author_vote, migration 0012). Call it in the transaction that creates the target; `karma` is
 * the author's karma (read when omitted). Applying it twice changes nothing.
 */
export async function applyAuthorVote(
  tx: Queryable,
  target: { authorId: string; targetType: TargetType; targetId: string; karma?: number },
): Promise<void> {
  await tx.query('SELECT lyceum_apply_author_vote($1, $2, $3, $4)', [
    target.authorId,
    target.targetType,
    target.targetId,
    target.karma ?? null,
  ]);
}
