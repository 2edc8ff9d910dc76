// Voting without a page reload. The vote forms work without this (POST /votes, then back to the same anchor);
// this sends the same vote to /api/votes and updates the score and the pressed buttons in place.
import { postJson } from '../client/csrf.js';
import type { VoteResult } from './service.js';

/** Upgrades every vote form under root, including ones added later (one delegated listener). */
export function enhanceVotes(root: ParentNode): void {
  root.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches('form[data-vote]')) return;
    const button = (event as SubmitEvent).submitter;
    if (!(button instanceof HTMLButtonElement) || button.name !== 'kind') return;
    event.preventDefault();
    // One request at a time per form; the `shown` field makes a repeat harmless anyway.
    if (form.getAttribute('aria-busy') === 'true') return;
    void sendVote(form, button.value);
  });
}

function hiddenValue(form: HTMLFormElement, name: string): string {
  return form.querySelector<HTMLInputElement>(`input[name="${name}"]`)?.value ?? '';
}

async function sendVote(form: HTMLFormElement, kind: string): Promise<void> {
  form.setAttribute('aria-busy', 'true');
  try {
    const result = await postJson<VoteResult>('/api/votes', {
      targetType: hiddenValue(form, 'targetType'),
      targetId: hiddenValue(form, 'targetId'),
      kind,
      shown: hiddenValue(form, 'shown') || 'none',
    });
    showVote(form, result);
    showError(form, '');
  } catch (error) {
    // No network or no JSON answer: let the browser send the form as it would without this script.
    if (error instanceof TypeError || error instanceof SyntaxError) return submitPlainly(form, kind);
    showError(form, error instanceof Error ? error.message : String(error));
  } finally {
    form.removeAttribute('aria-busy');
  }
}

function showVote(form: HTMLFormElement, result: VoteResult): void {
  const score = form.querySelector('[data-vote-score]');
  if (score) score.textContent = String(result.score);
  const shown = form.querySelector<HTMLInputElement>('input[name="shown"]');
  if (shown) shown.value = result.current ?? 'none';
  for (const button of form.querySelectorAll<HTMLButtonElement>('button[name="kind"]')) {
    button.setAttribute('aria-pressed', button.value === result.current ? 'true' : 'false');
  }
}

function showError(form: HTMLFormElement, message: string): void {
  let note = form.nextElementSibling;
  if (!note?.classList.contains('vote-error')) {
    if (!message) return;
    note = document.createElement('span');
    note.className = 'vote-error';
    note.setAttribute('role', 'alert');
    form.after(note);
  }
  if (message) note.textContent = message;
  else note.remove();
}

function submitPlainly(form: HTMLFormElement, kind: string): void {
  const field = document.createElement('input');
  field.type = 'hidden';
  field.name = 'kind';
  field.value = kind;
  form.append(field);
  form.submit();
}
