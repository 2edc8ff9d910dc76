import type { Queryable } from '../db/database.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import { VOTES_PER_HOUR, voteRateLimited } from '../limits/limits.js';
import { axisOfKind, isVoteKind, type VoteKind } from '../votes/kinds.js';

/** The kinds of a relevance vote: the karma axis's (a link's relevance has no agreement axis). */
export const RELEVANCE_KINDS = ['up', 'down', 'strongUp', 'strongDown'] as const;
export type RelevanceKind = (typeof RELEVANCE_KINDS)[number];

export function isRelevanceKind(value: unknown): value is RelevanceKind {
  return isVoteKind(value) && axisOfKind(value) === 'karma';
}

export interface RelevanceVoteRequest {
  voterId: string;
  postId: string;
  tagId: string;
  kind: RelevanceKind;
  /**
   * The vote the page showed on this link (null: none), as for castVote: pressing the shown kind cancels it, any
   * other sets that vote, so a repeated submit changes nothing. Undefined toggles against the stored vote.
   */
  shown?: RelevanceKind | null | undefined;
}

export interface RelevanceVoteResult {
  postId: string;
  tagId: string;
  relevance: number;
  voteCount: number;
  /** The voter's vote on the link after the request, or null. */
  current: RelevanceKind | null;
}

/** What lyceum_vote_tag_relevance (migration 0018) answers. */
interface VoteRow {
  outcome: 'changed' | 'unchanged' | 'rate_limited' | 'not_found' | 'no_voter';
  relevance: number | null;
  voteCount: number | null;
  vote: RelevanceKind | null;
  recentActions: number;
  waitSeconds: number | null;
}

export const NO_LINK =
  'This post does not carry that tag (or the post or tag is gone), so there is no relevance to vote on.';

/**
 * Casts, switches or cancels one user's relevance vote on a post–tag link with their usual vote power, moving the
 * link's relevance and vote count by exactly what changed: one statement, a call of lyceum_vote_tag_relevance
 * (migration 0018), which locks the link row so concurrent submits count once. Counted against the voter's
 * hourly vote quota unless `rateLimited` is false (the author's own choices in the editor).
 */
export async function voteOnRelevance(
  db: Queryable,
  request: RelevanceVoteRequest,
  options: { rateLimited?: boolean } = {},
): Promise<RelevanceVoteResult> {
  const { voterId, postId, tagId, kind, shown } = request;
  if (!isRelevanceKind(kind)) {
    throw new Invalid('Unknown kind of relevance vote.', {
      kind: 'kind must be one of up, down, strongUp or strongDown.',
    });
  }
  if (shown && !isRelevanceKind(shown)) {
    throw new Invalid('shown must be a relevance vote or none.', { shown: 'Not a relevance vote.' });
  }
  const [row] = await db.query<VoteRow>(
    `SELECT outcome, relevance, vote_count AS "voteCount", vote, recent_actions AS "recentActions",
            wait_seconds AS "waitSeconds"
       FROM lyceum_vote_tag_relevance($1, $2, $3, $4, $5, $6)`,
    [
      voterId,
      postId,
      tagId,
      kind,
      shown === undefined ? null : (shown ?? 'none'),
      options.rateLimited === false ? null : VOTES_PER_HOUR,
    ],
  );
  switch (row!.outcome) {
    case 'rate_limited':
      throw voteRateLimited(row!.recentActions, row!.waitSeconds);
    case 'not_found':
      throw new NotFound(NO_LINK);
    case 'no_voter':
      throw new Forbidden('Log in to vote.');
    default:
      return { postId, tagId, relevance: row!.relevance!, voteCount: row!.voteCount!, current: row!.vote };
  }
}

/** A kind as a relevance kind, for values read back from storage or a page. */
export function asRelevanceKind(kind: VoteKind | null | undefined): RelevanceKind | null {
  return kind && isRelevanceKind(kind) ? kind : null;
}
