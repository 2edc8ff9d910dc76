// Relevance votes on a post's tags without a page reload. The buttons work without this (each tag's form posts
// to /posts/:postId/tags/:tagId/relevance and comes back to the tag list); this sends the same value to the JSON
// route and shows the new relevance and pressed button in place.
import { postJson } from '../client/csrf.js';
import type { RelevanceVoteResult } from './relevance.js';

export function enhanceTagRelevance(root: ParentNode): void {
  root.addEventListener('submit', (event) => {
    const button = (event as SubmitEvent).submitter;
    const form = event.target;
    if (!(button instanceof HTMLButtonElement) || button.name !== 'relevance') return;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains('tag-relevance')) return;
    event.preventDefault();
    // One request at a time per tag; the vote shown in each value makes a repeat harmless anyway.
    if (form.getAttribute('aria-busy') === 'true') return;
    void send(form, button);
  });
}

async function send(form: HTMLFormElement, button: HTMLButtonElement): Promise<void> {
  form.setAttribute('aria-busy', 'true');
  try {
    const result = await postJson<RelevanceVoteResult>(`/api${new URL(form.action).pathname}`, {
      relevance: button.value,
    });
    show(form, result);
    showError(form, '');
  } catch (error) {
    // No network or no JSON answer: send the form as the browser would have.
    if (error instanceof TypeError || error instanceof SyntaxError) {
      const field = Object.assign(document.createElement('input'), { type: 'hidden', name: button.name });
      field.value = button.value;
      form.append(field);
      form.submit();
      return;
    }
    showError(form, error instanceof Error ? error.message : String(error));
  } finally {
    form.removeAttribute('aria-busy');
  }
}

/** The new relevance, and each button's value and pressed state from the voter's current vote. */
function show(form: HTMLFormElement, result: RelevanceVoteResult): void {
  const score = form.querySelector<HTMLElement>('.tag-relevance-score');
  if (score) {
    score.textContent = String(result.relevance);
    score.title = `Relevance ${result.relevance}, from ${result.voteCount} ${result.voteCount === 1 ? 'vote' : 'votes'}`;
  }
  const current = result.current;
  for (const button of form.querySelectorAll<HTMLButtonElement>('button[name="relevance"]')) {
    const kind = button.value.split('/')[0];
    const up = kind === 'up' || kind === 'strongUp';
    const pressed = up ? current === 'up' || current === 'strongUp' : current === 'down' || current === 'strongDown';
    button.value = `${pressed ? current : up ? 'up' : 'down'}/${current ?? 'none'}`;
    button.setAttribute('aria-pressed', String(pressed));
  }
}

/** The refusal (rate limit, a link gone) beside the tag, read out once; cleared by the next vote that works. */
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
