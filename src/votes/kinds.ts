/** What can be voted on, on which axis, and the buttons' kinds; shared by the server and the client script. */

export const TARGET_TYPES = ['post', 'comment'] as const;
export type TargetType = (typeof TARGET_TYPES)[number];

export const VOTE_AXES = ['karma', 'agreement'] as const;
export type VoteAxis = (typeof VOTE_AXES)[number];

const KARMA_KINDS = ['up', 'down', 'strongUp', 'strongDown'] as const;
// Agreement has no strong variant: it is a quick "I agree" signal, not a judgement of quality.
const AGREEMENT_KINDS = ['agree', 'disagree'] as const;
export const VOTE_KINDS = [...KARMA_KINDS, ...AGREEMENT_KINDS] as const;
export type VoteKind = (typeof VOTE_KINDS)[number];

export type Strength = 'normal' | 'strong';

export function isVoteKind(value: unknown): value is VoteKind {
  return (VOTE_KINDS as readonly unknown[]).includes(value);
}

export function axisOfKind(kind: VoteKind): VoteAxis {
  return kind === 'agree' || kind === 'disagree' ? 'agreement' : 'karma';
}

export function strengthOfKind(kind: VoteKind): Strength {
  return kind === 'strongUp' || kind === 'strongDown' ? 'strong' : 'normal';
}

/** +1 for up and agree, -1 for down and disagree. */
export function signOfKind(kind: VoteKind): 1 | -1 {
  return kind === 'up' || kind === 'strongUp' || kind === 'agree' ? 1 : -1;
}

/** The button a stored vote corresponds to. */
export function kindOfVote(axis: VoteAxis, power: number, isStrong: boolean): VoteKind {
  if (axis === 'agreement') return power > 0 ? 'agree' : 'disagree';
  if (power > 0) return isStrong ? 'strongUp' : 'up';
  return isStrong ? 'strongDown' : 'down';
}

export const AXIS_LABELS: Record<VoteAxis, string> = { karma: 'Karma', agreement: 'Agreement' };

/** A score's tooltip: what it is and how many votes make it (the page's, and the client script's after a vote). */
export function scoreTitle(axis: VoteAxis, score: number, voteCount: number): string {
  return `${AXIS_LABELS[axis]} ${score}, from ${voteCount} ${voteCount === 1 ? 'vote' : 'votes'}`;
}
