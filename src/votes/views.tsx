import { type HtmlEscapedString, html, raw } from '../web/html.js';
import { CSRF_FIELD } from '../web/middleware.js';
import type { TargetType, VoteAxis, VoteKind } from './kinds.js';

/** Each button's accessible name; the client script and tests rely on these exact words. */
const VOTE_LABELS: Record<VoteKind, string> = {
  strongDown: 'Strong downvote',
  down: 'Downvote',
  up: 'Upvote',
  strongUp: 'Strong upvote',
  disagree: 'Disagree',
  agree: 'Agree',
};

const GLYPHS: Record<VoteKind, string> = {
  strongDown: '«',
  down: '‹',
  up: '›',
  strongUp: '»',
  disagree: '✗',
  agree: '✓',
};

// Buttons either side of the score, as they appear left to right.
const LAYOUT: Record<VoteAxis, { before: VoteKind[]; after: VoteKind[] }> = {
  karma: { before: ['strongDown', 'down'], after: ['up', 'strongUp'] },
  agreement: { before: ['disagree'], after: ['agree'] },
};

const SCORE_TITLES: Record<VoteAxis, string> = { karma: 'Karma score', agreement: 'Agreement' };

export interface VoteButtonsProps {
  targetType: TargetType;
  targetId: string;
  axis: VoteAxis;
  /** base_score for the karma axis, agreement_score for agreement. */
  score: number;
  /** The viewer's vote on this axis (userVotesOn), or null. */
  current: VoteKind | null;
  /** Where a no-JS vote returns to: the page's path and the target's anchor, e.g. `/posts/x/y#comment-z`. */
  returnTo: string;
  csrfToken: string;
  loggedIn: boolean;
  /** The viewer wrote the target: the buttons show but cannot be pressed. */
  disabled?: boolean;
}

/**
 * One axis of voting on a post or comment: a single form whose submit buttons carry the kind, so the markup
 * stays small on a page of a thousand comments. Works without JavaScript (POST /votes, then back to returnTo);
 * votes/client.ts upgrades it in place. Logged-out readers see the score, and on the karma axis a link to log in.
 * Written as a string template rather than JSX: it repeats twice per comment on every logged-in post page, where
 * the framework's per-element work was most of the rendering time.
 */
export function voteButtonsHtml(props: VoteButtonsProps): HtmlEscapedString {
  const { axis } = props;
  const score = html`<span class="vote-score" title="${SCORE_TITLES[axis]}" data-vote-score="true" aria-live="polite">${props.score}</span>`;
  if (!props.loggedIn) {
    // Readers who are not logged in see what the scores mean; an agreement count of 0 tells them nothing.
    if (axis === 'agreement' && props.score === 0) return html``;
    const login =
      axis === 'karma'
        ? html` <a class="vote-login" href="/login?next=${encodeURIComponent(props.returnTo)}" rel="nofollow">Log in to vote</a>`
        : '';
    return html`<span class="vote vote-${axis}">${score} <span class="vote-unit">${axis === 'karma' ? 'karma' : 'agreement'}</span>${login}</span>`;
  }
  const title = props.disabled ? `You cannot vote on your own ${props.targetType}.` : undefined;
  const disabled = props.disabled ? raw(' disabled=""') : '';
  // No class on the buttons: `.vote button` styles them, and a thousand comments' markup stays smaller.
  const button = (kind: VoteKind) =>
    html`<button type="submit" name="kind" value="${kind}" aria-label="${VOTE_LABELS[kind]}" aria-pressed="${String(props.current === kind)}"${disabled} title="${title ?? VOTE_LABELS[kind]}">${GLYPHS[kind]}</button>`;
  return html`<form method="post" action="/votes" class="vote vote-${axis}" data-vote="${axis}"><input type="hidden" name="${CSRF_FIELD}" value="${props.csrfToken}"/><input type="hidden" name="targetType" value="${props.targetType}"/><input type="hidden" name="targetId" value="${props.targetId}"/><input type="hidden" name="shown" value="${props.current ?? 'none'}"/><input type="hidden" name="returnTo" value="${props.returnTo}"/>${LAYOUT[axis].before.map(button)}${score}${LAYOUT[axis].after.map(button)}</form>`;
}

export function VoteButtons(props: VoteButtonsProps) {
  return voteButtonsHtml(props);
}
