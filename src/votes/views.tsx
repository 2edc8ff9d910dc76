import { type HtmlEscapedString, html, raw } from '../web/html.js';
import { CSRF_FIELD } from '../web/middleware.js';
import { fillSlots, slot, splitSlots } from '../web/slots.js';
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
 * Written as a string template rather than JSX: it repeats twice per comment on every logged-in post page.
 */
export function voteButtonsHtml(props: VoteButtonsProps): HtmlEscapedString {
  const { axis } = props;
  if (!props.loggedIn) {
    const score = html`<span class="vote-score" title="${SCORE_TITLES[axis]}" data-vote-score="true" aria-live="polite">${props.score}</span>`;
    // Readers who are not logged in see what the scores mean; an agreement count of 0 tells them nothing.
    if (axis === 'agreement' && props.score === 0) return html``;
    const login =
      axis === 'karma'
        ? html` <a class="vote-login" href="/login?next=${encodeURIComponent(props.returnTo)}" rel="nofollow">Log in to vote</a>`
        : '';
    return html`<span class="vote vote-${axis}">${score} <span class="vote-unit">${axis === 'karma' ? 'karma' : 'agreement'}</span>${login}</span>`;
  }
  const form = voteFormPieces(props.targetType, props.targetId, axis, props.returnTo);
  return raw(fillVoteForm(form, { ...props, csrfToken: String(html`${props.csrfToken}`) }));
}

/** What differs in a logged-in reader's vote form from one reader, vote or moment to the next. */
export interface VoteFormState {
  axis: VoteAxis;
  targetType: TargetType;
  /** Already escaped for an attribute value. */
  csrfToken: string;
  current: VoteKind | null;
  disabled?: boolean | undefined;
  score: number;
}

/**
 * A logged-in reader's vote form on one target, split at what differs per reader (web/slots.ts): made once per
 * target and kept with a rendered comment tree, then filled per view by fillVoteForm, which costs a few string
 * joins instead of rendering the form again for each of a thousand comments.
 */
export function voteFormPieces(targetType: TargetType, targetId: string, axis: VoteAxis, returnTo: string): string[] {
  const part = (name: string) => raw(slot(name, ''));
  return splitSlots(
    String(
      html`<form method="post" action="/votes" class="vote vote-${axis}" data-vote="${axis}"><input type="hidden" name="${CSRF_FIELD}" value="${part('csrf')}"/><input type="hidden" name="targetType" value="${targetType}"/><input type="hidden" name="targetId" value="${targetId}"/><input type="hidden" name="shown" value="${part('shown')}"/><input type="hidden" name="returnTo" value="${returnTo}"/>${part('before')}<span class="vote-score" title="${SCORE_TITLES[axis]}" data-vote-score="true" aria-live="polite">${part('score')}</span>${part('after')}</form>`,
    ),
  );
}

/** The form of voteFormPieces as this reader sees it (pushed onto `into` when given, see fillSlots). */
export function fillVoteForm(pieces: string[], state: VoteFormState, into?: string[]): string {
  return fillSlots(
    pieces,
    (name) => {
      switch (name) {
        case 'csrf':
          return state.csrfToken;
        case 'shown':
          return state.current ?? 'none';
        case 'score':
          return String(state.score);
        default:
          return buttonRun(state, name === 'before' ? 'before' : 'after');
      }
    },
    into,
  );
}

/** The buttons on one side of the score: the same few strings for every target, so made once each. */
const buttonRuns = new Map<string, string>();
function buttonRun(state: VoteFormState, side: 'before' | 'after'): string {
  const key = `${state.targetType} ${state.axis} ${side} ${state.current} ${state.disabled === true}`;
  let run = buttonRuns.get(key);
  if (run === undefined) {
    const title = state.disabled ? `You cannot vote on your own ${state.targetType}.` : undefined;
    const disabled = state.disabled ? raw(' disabled=""') : '';
    run = LAYOUT[state.axis][side]
      .map((kind) =>
        String(
          html`<button type="submit" name="kind" value="${kind}" aria-label="${VOTE_LABELS[kind]}" aria-pressed="${String(state.current === kind)}"${disabled} title="${title ?? VOTE_LABELS[kind]}">${GLYPHS[kind]}</button>`,
        ),
      )
      .join('');
    buttonRuns.set(key, run);
  }
  return run;
}

export function VoteButtons(props: VoteButtonsProps) {
  return voteButtonsHtml(props);
}
