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
  /** Where logging in to vote returns to: the page's path and the target's anchor, e.g. `/posts/x/y#comment-z`. */
  returnTo: string;
  loggedIn: boolean;
  /** The viewer wrote the target: the buttons show but cannot be pressed. */
  disabled?: boolean;
}

/**
 * One axis of voting on a post or comment: buttons that submit the page's one vote form (voteFormHtml), each
 * carrying its target and kind, so the markup stays small on a page of a thousand comments. Works without
 * JavaScript (POST /votes, then back to the page at the target); votes/client.ts upgrades it in place. Logged-out readers see the score, and on the karma axis a link to log in.
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
  return raw(fillVoteForm(voteFormPieces(props.targetType, props.targetId, axis), props));
}

/** What differs in a logged-in reader's vote form from one reader, vote or moment to the next. */
export interface VoteFormState {
  axis: VoteAxis;
  targetType: TargetType;
  targetId: string;
  current: VoteKind | null;
  disabled?: boolean | undefined;
  score: number;
}

/** The id of the page's one vote form (VoteForm), which every logged-in vote button submits. */
export const VOTE_FORM_ID = 'vote-form';

/**
 * The one form a logged-in page's vote buttons submit (by their `form` attribute): the CSRF token and the way
 * back once per page instead of once per button, so the buttons of a comment are the same for every reader
 * and a comment section can be compressed once for all of them (see posts/spliced-page.ts). The server adds
 * the voted item's anchor to `returnTo`.
 */
export function voteFormHtml(csrfToken: string, returnTo: string): HtmlEscapedString {
  return html`<form id="${VOTE_FORM_ID}" method="post" action="/votes" hidden><input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}"/><input type="hidden" name="returnTo" value="${returnTo}"/></form>`;
}

/**
 * A button's value: the target, the kind and the vote the page shows ("comment/<id>/up/none"), all that a vote
 * needs besides the page's form. parseVoteValue reads it back.
 */
export function voteValue(targetType: TargetType, targetId: string, kind: VoteKind, shown: VoteKind | null) {
  return `${targetType}/${targetId}/${kind}/${shown ?? 'none'}`;
}

/**
 * A logged-in reader's vote buttons on one target, split at what differs per reader (web/slots.ts): made once per
 * target and kept with a rendered comment tree, then filled per view by fillVoteForm, which costs a few string
 * joins instead of rendering the buttons again for each of a thousand comments.
 */
export function voteFormPieces(targetType: TargetType, targetId: string, axis: VoteAxis): string[] {
  const part = (name: string) => raw(slot(name, ''));
  return splitSlots(
    String(
      html`<span class="vote vote-${axis}" data-vote="${axis}" data-target="${targetType}/${targetId}">${part('before')}<span class="vote-score" title="${SCORE_TITLES[axis]}" data-vote-score="true" aria-live="polite">${part('score')}</span>${part('after')}</span>`,
    ),
  );
}

/** The buttons of voteFormPieces as this reader sees them (pushed onto `into` when given, see fillSlots). */
export function fillVoteForm(pieces: string[], state: VoteFormState, into?: string[]): string {
  const out = into ?? [];
  fillSlots(
    pieces,
    (name, _, parts) => {
      if (name === 'score') return String(state.score);
      // The run is the same few strings for every target, split where the target's id goes.
      const run = buttonRun(state, name === 'before' ? 'before' : 'after');
      const target = `${state.targetType}/${state.targetId}/`;
      for (let i = 0; i < run.length; i++) {
        parts.push(run[i]!);
        if (i < run.length - 1) parts.push(target);
      }
      return undefined;
    },
    out,
  );
  return into ? '' : out.join('');
}

/** The buttons on one side of the score, split before each button's value (see fillVoteForm). */
const buttonRuns = new Map<string, string[]>();
function buttonRun(state: VoteFormState, side: 'before' | 'after'): string[] {
  const key = `${state.targetType} ${state.axis} ${side} ${state.current} ${state.disabled === true}`;
  let run = buttonRuns.get(key);
  if (run === undefined) {
    const title = state.disabled ? `You cannot vote on your own ${state.targetType}.` : undefined;
    const disabled = state.disabled ? raw(' disabled=""') : '';
    const shown = state.current ?? 'none';
    // A NUL marks where the target goes: it occurs nowhere else in a page (web/slots.ts).
    run = LAYOUT[state.axis][side]
      .map((kind) =>
        String(
          html`<button type="submit" form="${VOTE_FORM_ID}" name="vote" value="\0${kind}/${shown}" aria-label="${VOTE_LABELS[kind]}" aria-pressed="${String(state.current === kind)}"${disabled} title="${title ?? VOTE_LABELS[kind]}">${GLYPHS[kind]}</button>`,
        ),
      )
      .join('')
      .split('\0');
    buttonRuns.set(key, run);
  }
  return run;
}

export function VoteButtons(props: VoteButtonsProps) {
  return voteButtonsHtml(props);
}
