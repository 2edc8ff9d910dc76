import { ownVoteMessage } from '../policy/policy.js';
import { type HtmlEscapedString, html, raw } from '../web/html.js';
import { CSRF_FIELD } from '../web/middleware.js';
import { fillSlots, slot, splitSlots } from '../web/slots.js';
import { AXIS_LABELS, scoreTitle, type TargetType, type VoteAxis, type VoteKind } from './kinds.js';

/** Each button's accessible name; the client script and tests rely on these exact words. */
const VOTE_LABELS: Record<VoteKind, string> = {
  strongDown: 'Strong downvote',
  down: 'Downvote',
  up: 'Upvote',
  strongUp: 'Strong upvote',
  disagree: 'Disagree',
  agree: 'Agree',
};

// Arrows, doubled for a strong vote (not the « ‹ › » of a pager).
const GLYPHS: Record<VoteKind, string> = {
  strongDown: '⇊',
  down: '↓',
  up: '↑',
  strongUp: '⇈',
  disagree: '✗',
  agree: '✓',
};

const STRONG: ReadonlySet<VoteKind> = new Set(['strongDown', 'strongUp']);

// Buttons either side of the score, as they appear left to right.
const LAYOUT: Record<VoteAxis, { before: VoteKind[]; after: VoteKind[] }> = {
  karma: { before: ['strongDown', 'down'], after: ['up', 'strongUp'] },
  agreement: { before: ['disagree'], after: ['agree'] },
};

export interface VoteButtonsProps {
  targetType: TargetType;
  targetId: string;
  axis: VoteAxis;
  /** base_score for the karma axis, agreement_score for agreement. */
  score: number;
  /** How many votes make the score (vote_count or agreement_vote_count), for its tooltip. */
  voteCount: number;
  /** Show the axis's name beside the buttons (a post's controls); otherwise it is only their group's name. */
  labelled?: boolean;
  /** The viewer's vote on this axis (readerOnPostPage), or null. */
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
    const score = html`<span class="vote-score" title="${scoreTitle(axis, props.score, props.voteCount)}" data-vote-score="true" aria-live="polite">${props.score}</span>`;
    // Readers who are not logged in see what the scores mean; an agreement count of 0 tells them nothing.
    if (axis === 'agreement' && props.score === 0) return html``;
    const login =
      axis === 'karma'
        ? html` <a class="vote-login" href="/login?next=${encodeURIComponent(props.returnTo)}" rel="nofollow">Log in to vote</a>`
        : '';
    return html`<span class="vote vote-${axis}">${score} <span class="vote-unit">${axis === 'karma' ? 'karma' : 'agreement'}</span>${login}</span>`;
  }
  return raw(fillVoteForm(voteFormPieces(props.targetType, props.targetId, axis, props.labelled), props));
}

/** What differs in a logged-in reader's vote form from one reader, vote or moment to the next. */
export interface VoteFormState {
  axis: VoteAxis;
  targetType: TargetType;
  targetId: string;
  current: VoteKind | null;
  disabled?: boolean | undefined;
  score: number;
  voteCount: number;
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
  return html`<form id="${VOTE_FORM_ID}" method="post" action="/votes" hidden=""><input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}"/><input type="hidden" name="returnTo" value="${returnTo}"/></form>`;
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
export function voteFormPieces(targetType: TargetType, targetId: string, axis: VoteAxis, labelled = false): string[] {
  const part = (name: string) => raw(slot(name, ''));
  const label = labelled ? html`<span class="vote-label" aria-hidden="true">${AXIS_LABELS[axis]}</span>` : '';
  return splitSlots(
    String(
      html`<span class="vote vote-${axis}" role="group" aria-label="${AXIS_LABELS[axis]}" data-vote="${axis}" data-target="${targetType}/${targetId}">${label}${part('before')}<span class="vote-score" title="${part('title')}" data-vote-score="true" aria-live="polite">${part('score')}</span>${part('after')}</span>`,
    ),
  );
}

/** The buttons of voteFormPieces as this reader sees them (pushed onto `into` when given, see fillSlots). */
export function fillVoteForm(pieces: string[], state: VoteFormState, into?: string[]): string {
  return fillSlots(
    pieces,
    (name, _, parts) => {
      // A comment's shared template has a slot where its id goes (comments/views.tsx actionsShape).
      if (name === 'id') return state.targetId;
      if (name === 'score') return String(state.score);
      if (name === 'title') return scoreTitle(state.axis, state.score, state.voteCount);
      // The run is the same few strings for every target, split where the target's id goes.
      const run = buttonRun(state, name === 'before' ? 'before' : 'after');
      const target = `${state.targetType}/${state.targetId}/`;
      for (let i = 0; i < run.length; i++) {
        parts.push(run[i]!);
        if (i < run.length - 1) parts.push(target);
      }
      return undefined;
    },
    into,
  );
}

/** The buttons on one side of the score, split before each button's value (see fillVoteForm). */
const buttonRuns = new Map<string, string[]>();
function buttonRun(state: VoteFormState, side: 'before' | 'after'): string[] {
  const key = `${state.targetType} ${state.axis} ${side} ${state.current} ${state.disabled === true}`;
  let run = buttonRuns.get(key);
  if (run === undefined) {
    const title = state.disabled ? ownVoteMessage(state.targetType) : undefined;
    const disabled = state.disabled ? raw(' disabled=""') : '';
    const shown = state.current ?? 'none';
    // A NUL marks where the target goes: it occurs nowhere else in a page (web/slots.ts).
    run = LAYOUT[state.axis][side]
      .map((kind) =>
        String(
          html`<button type="submit" form="${VOTE_FORM_ID}" name="vote" value="\0${kind}/${shown}"${STRONG.has(kind) ? raw(' class="vote-strong"') : ''} aria-label="${VOTE_LABELS[kind]}" aria-pressed="${String(state.current === kind)}"${disabled} title="${title ?? VOTE_LABELS[kind]}">${GLYPHS[kind]}</button>`,
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
