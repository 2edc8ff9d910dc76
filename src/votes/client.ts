// Voting without a page reload. The vote buttons work without this (they submit the page's vote form to
// POST /votes, then come back to the same anchor); this sends the same vote to /api/votes and updates the score
// and the pressed buttons in place.
import { postJson } from '../client/csrf.js';
import { scoreTitle, type VoteAxis } from './kinds.js';
import type { VoteResult } from './service.js';

/** Upgrades every vote button under root, including ones added later (one delegated listener). */
export function enhanceVotes(root: ParentNode): void {
  root.addEventListener('submit', (event) => {
    const button = (event as SubmitEvent).submitter;
    if (!(button instanceof HTMLButtonElement) || button.name !== 'vote') return;
    const controls = button.closest<HTMLElement>('[data-vote]');
    const [targetType, targetId, kind, shown] = button.value.split('/');
    if (!controls || !targetType || !targetId || !kind) return;
    event.preventDefault();
    // One request at a time per item; the vote shown makes a repeat harmless anyway.
    if (controls.getAttribute('aria-busy') === 'true') return;
    void sendVote(controls, button, { targetType, targetId, kind, shown: shown || 'none' });
  });
}

async function sendVote(
  controls: HTMLElement,
  button: HTMLButtonElement,
  vote: { targetType: string; targetId: string; kind: string; shown: string },
): Promise<void> {
  controls.setAttribute('aria-busy', 'true');
  try {
    const result = await postJson<VoteResult>('/api/votes', vote);
    showVote(controls, result);
    showError(controls, '');
  } catch (error) {
    // No network or no JSON answer: let the browser send the vote as it would without this script.
    if (error instanceof TypeError || error instanceof SyntaxError) return submitPlainly(button);
    showError(controls, error instanceof Error ? error.message : String(error));
  } finally {
    controls.removeAttribute('aria-busy');
  }
}

/** Shows the vote on every control of the same item and axis (a post has one by its title and one at its end). */
function showVote(controls: HTMLElement, result: VoteResult): void {
  const target = `[data-vote="${result.axis}"][data-target="${result.targetType}/${result.targetId}"]`;
  const all = new Set([controls, ...document.querySelectorAll<HTMLElement>(target)]);
  const shown = result.current ?? 'none';
  for (const control of all) {
    showScore(control, result.axis, result.score, result.voteCount);
    showPressedVote(control, shown);
  }
}

/** An item's score on one axis, with its tooltip, as the server renders them. */
export function showScore(controls: HTMLElement, axis: VoteAxis, score: number, voteCount: number): void {
  const shown = controls.querySelector<HTMLElement>('[data-vote-score]');
  if (!shown) return;
  shown.textContent = String(score);
  shown.title = scoreTitle(axis, score, voteCount);
}

/** The reader's vote (`shown`: a kind or "none") as the pressed button and in every button's value. */
export function showPressedVote(controls: HTMLElement, shown: string): void {
  for (const button of controls.querySelectorAll<HTMLButtonElement>('button[name="vote"]')) {
    const [targetType, targetId, kind] = button.value.split('/');
    button.value = [targetType, targetId, kind, shown].join('/');
    button.setAttribute('aria-pressed', kind === shown ? 'true' : 'false');
  }
}

function showError(controls: HTMLElement, message: string): void {
  let note = controls.nextElementSibling;
  if (!note?.classList.contains('vote-error')) {
    if (!message) return;
    note = document.createElement('span');
    note.className = 'vote-error';
    note.setAttribute('role', 'alert');
    controls.after(note);
  }
  if (message) note.textContent = message;
  else note.remove();
}

/** Sends the page's vote form with this button's value, as the browser would have. */
function submitPlainly(button: HTMLButtonElement): void {
  const form = button.form;
  if (!form) return;
  const field = document.createElement('input');
  field.type = 'hidden';
  field.name = button.name;
  field.value = button.value;
  form.append(field);
  form.submit();
}
