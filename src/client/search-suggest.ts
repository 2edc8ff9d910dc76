/**
 * The header's search box as a combobox (WAI-ARIA 1.2, list autocomplete): titles, users and tags suggested as
 * one types, from /api/search/suggest. Without this script the box is a plain form that submits to /search.
 */

interface Suggestion {
  kind: 'post' | 'user' | 'tag';
  label: string;
  href: string;
}

/** Wait after the last keystroke before asking (typing fast sends one request, not one per key). */
const DEBOUNCE_MS = 150;
const MIN_CHARS = 2;
const MAX_CHARS = 100;
const KIND_LABELS: Record<Suggestion['kind'], string> = { post: 'Post', user: 'User', tag: 'Tag' };

export function enhanceSearchSuggest(root: Document): void {
  const forms = root.querySelectorAll<HTMLFormElement>('form[data-search-suggest]');
  for (const [n, form] of [...forms].entries()) enhanceBox(form, n);
}

function enhanceBox(form: HTMLFormElement, n: number): void {
  const input = form.querySelector<HTMLInputElement>('input[name="q"]');
  if (!input) return;
  const list = document.createElement('ul');
  list.id = `search-suggestions-${n}`;
  list.className = 'search-suggestions';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Suggestions');
  list.hidden = true;
  const status = document.createElement('p');
  status.className = 'visually-hidden';
  status.setAttribute('role', 'status');
  form.append(list, status);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', list.id);
  input.autocomplete = 'off';

  let suggestions: Suggestion[] = [];
  let active = -1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // At most one request in flight: a newer one aborts it (its answer would be for text no longer typed).
  let inFlight: AbortController | undefined;

  const optionId = (i: number) => `${list.id}-${i}`;
  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const setActive = (i: number) => {
    active = i;
    list.querySelectorAll('[role="option"]').forEach((option, j) => {
      option.setAttribute('aria-selected', String(j === i));
    });
    if (i >= 0) input.setAttribute('aria-activedescendant', optionId(i));
    else input.removeAttribute('aria-activedescendant');
  };
  const show = (found: Suggestion[]) => {
    suggestions = found;
    list.replaceChildren(
      ...found.map((s, i) => {
        const option = document.createElement('li');
        option.id = optionId(i);
        option.setAttribute('role', 'option');
        option.setAttribute('aria-selected', 'false');
        option.dataset.href = s.href;
        const kind = document.createElement('span');
        kind.className = 'search-kind';
        kind.textContent = KIND_LABELS[s.kind];
        option.append(kind, ` ${s.label}`);
        return option;
      }),
    );
    active = -1;
    list.hidden = found.length === 0;
    input.setAttribute('aria-expanded', String(found.length > 0));
    input.removeAttribute('aria-activedescendant');
    status.textContent = found.length === 0 ? '' : `${found.length} suggestions; use the arrow keys to choose.`;
  };
  const ask = async (text: string) => {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    try {
      const response = await fetch(`/api/search/suggest?q=${encodeURIComponent(text)}`, {
        headers: { accept: 'application/json' },
        signal: controller.signal,
      });
      if (!response.ok) return show([]);
      const body = (await response.json()) as { suggestions: Suggestion[] };
      if (input.value.trim() === text) show(body.suggestions);
    } catch {
      // Aborted by a newer request, or offline: the box still submits.
    } finally {
      if (inFlight === controller) inFlight = undefined;
    }
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < MIN_CHARS || text.length > MAX_CHARS) {
      inFlight?.abort();
      show([]);
      return;
    }
    timer = setTimeout(() => void ask(text), DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (suggestions.length === 0) return;
      event.preventDefault();
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      // -1 is the box itself: the arrows cycle through the options and back to what was typed.
      const last = suggestions.length - 1;
      if (event.key === 'ArrowDown') setActive(active >= last ? -1 : active + 1);
      else setActive(active <= -1 ? last : active - 1);
    } else if (event.key === 'Enter' && active >= 0 && !list.hidden) {
      event.preventDefault();
      window.location.href = suggestions[active]!.href;
    } else if (event.key === 'Escape') {
      if (!list.hidden) {
        event.preventDefault();
        close();
      } else {
        input.value = '';
      }
    }
  });
  // mousedown, not click: the input keeps focus (a click would blur it first and close the list).
  list.addEventListener('mousedown', (event) => {
    const option = (event.target as Element).closest<HTMLElement>('[role="option"]');
    if (!option?.dataset.href) return;
    event.preventDefault();
    window.location.href = option.dataset.href;
  });
  input.addEventListener('blur', close);
}
