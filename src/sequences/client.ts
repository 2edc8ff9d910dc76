import { csrfToken } from '../client/csrf.js';
import { postIdInPath } from './link-paths.js';

// Progressive enhancement for sequences and post links; every page works without it.

interface Preview {
  title: string;
  excerpt: string;
  /** The excerpt with formulas typeset (sanitized when saved); '' when it has none. */
  excerptHtml: string;
  author: string;
  readingMinutes: number;
  url: string;
}

/** Hover intent: a pointer crossing a link on its way elsewhere fetches nothing. */
const HOVER_DELAY_MS = 250;

/** The post a link in rendered content points to on this site, if any (not in-page anchors like footnotes). */
function linkedPost(link: HTMLAnchorElement): string | undefined {
  if (link.getAttribute('href')?.startsWith('#') || link.origin !== window.location.origin) return undefined;
  if (link.pathname === window.location.pathname) return undefined;
  return postIdInPath(link.pathname);
}

/**
 * Links in posts and comments to other posts show a card with the linked post's title, author and excerpt on
 * hover or keyboard focus, fetched once per post from /api/posts/:id/preview. Without JavaScript the title
 * attribute stored with the link does the same job.
 */
export function enhancePostLinks(root: Document): void {
  const previews = new Map<string, Promise<Preview | undefined>>();
  let card: HTMLElement | undefined;
  let shownFor: HTMLAnchorElement | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const load = (id: string) => {
    let preview = previews.get(id);
    if (!preview) {
      preview = fetch(`/api/posts/${id}/preview`, {
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      })
        .then((response) => (response.ok ? (response.json() as Promise<Preview>) : undefined))
        .catch(() => undefined);
      previews.set(id, preview);
    }
    return preview;
  };

  const hide = () => {
    clearTimeout(timer);
    card?.remove();
    card = undefined;
    if (shownFor) {
      shownFor.removeAttribute('aria-describedby');
      if (shownFor.dataset.title) shownFor.title = shownFor.dataset.title;
    }
    shownFor = undefined;
  };

  const show = async (link: HTMLAnchorElement, id: string) => {
    const preview = await load(id);
    if (!preview || !link.matches(':hover, :focus')) return;
    hide();
    card = root.createElement('div');
    card.className = 'post-preview-card';
    card.id = 'post-preview-card';
    card.setAttribute('role', 'tooltip');
    const title = root.createElement('strong');
    title.className = 'post-preview-title';
    title.textContent = preview.title;
    const meta = root.createElement('span');
    meta.className = 'post-preview-meta';
    meta.textContent = `${preview.author} · ${preview.readingMinutes} min read`;
    const excerpt = root.createElement('p');
    if (preview.excerptHtml) excerpt.innerHTML = preview.excerptHtml;
    else excerpt.textContent = preview.excerpt;
    card.append(title, meta, excerpt);
    root.body.append(card);
    // The card says what the title attribute would; two tooltips at once would cover each other.
    if (link.title) {
      link.dataset.title = link.title;
      link.removeAttribute('title');
    }
    link.setAttribute('aria-describedby', card.id);
    shownFor = link;
    const box = link.getBoundingClientRect();
    const width = root.documentElement.clientWidth;
    card.style.left = `${Math.max(8, Math.min(window.scrollX + box.left, window.scrollX + width - card.offsetWidth - 8))}px`;
    card.style.top = `${window.scrollY + box.bottom + 6}px`;
  };

  const start = (event: Event) => {
    const link = (event.target as Element | null)?.closest?.<HTMLAnchorElement>('.content a[href]');
    const id = link ? linkedPost(link) : undefined;
    if (!link || !id || link === shownFor) return;
    clearTimeout(timer);
    timer = setTimeout(() => void show(link, id), HOVER_DELAY_MS);
  };
  const end = (event: Event) => {
    const link = (event.target as Element | null)?.closest?.('.content a[href]');
    if (link) hide();
  };
  root.addEventListener('mouseover', start);
  root.addEventListener('focusin', start);
  root.addEventListener('mouseout', end);
  root.addEventListener('focusout', end);
  root.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') hide();
  });
}

/** The same button after the contents were redrawn, or its nearest useful stand-in. */
function focusAfterRedraw(root: Document, key: string | undefined) {
  const contents = root.querySelector<HTMLElement>('[data-sequence-contents]');
  // At the top or bottom the pressed button is disabled now; its twin in the other direction is the next best.
  const candidates = key ? [key, key.replace(/\b(up|down)\b/, (d) => (d === 'up' ? 'down' : 'up'))] : [];
  for (const candidate of candidates) {
    const button = root.querySelector<HTMLButtonElement>(`[data-focus-key="${CSS.escape(candidate)}"]`);
    if (button && !button.disabled) {
      button.focus();
      return;
    }
  }
  const heading = contents?.querySelector<HTMLElement>('h2');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus();
  }
}

/**
 * In the sequence editor, the move, remove and chapter buttons work in place: the change is posted with fetch,
 * the server answers with the redrawn contents, and focus stays on the button that was pressed so it can be
 * pressed again. Without JavaScript the same buttons post the form and the page reloads.
 */
export function enhanceSequenceEditor(root: Document): void {
  root.addEventListener('submit', async (event) => {
    const form = event.target as HTMLFormElement;
    const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
    if (!form.matches('form[data-sequence-order]') || !submitter?.hasAttribute('formaction')) return;
    event.preventDefault();
    const body = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (typeof value === 'string') body.append(name, value);
    if (submitter.name) body.set(submitter.name, submitter.value);
    const status = root.querySelector<HTMLElement>('[data-sequence-status]');
    submitter.disabled = true;
    try {
      const response = await fetch(submitter.formAction, {
        method: 'POST',
        body,
        headers: { accept: 'application/json', 'x-csrf-token': csrfToken() },
        credentials: 'same-origin',
      });
      const result = (await response.json()) as { html?: string; notice?: string; error?: string };
      if (!response.ok || !result.html) throw new Error(result.error ?? 'The change could not be saved.');
      const holder = root.createElement('div');
      holder.innerHTML = result.html;
      const redrawn = holder.firstElementChild;
      if (redrawn) root.querySelector('[data-sequence-contents]')?.replaceWith(redrawn);
      if (status) {
        status.hidden = false;
        status.textContent = result.notice ?? '';
      }
      focusAfterRedraw(root, submitter.dataset.focusKey);
    } catch (error) {
      submitter.disabled = false;
      if (status) {
        status.hidden = false;
        status.textContent = (error as Error).message;
      }
    }
  });
}
