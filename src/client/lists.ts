/** "Load more" appends the next page of a list in place; "Read more" expands an excerpt to the full text. */
export function enhanceLists(root: Document): void {
  root.addEventListener('click', async (event) => {
    const target = event.target as Element | null;
    const more = target?.closest?.<HTMLAnchorElement>('a[data-load-more]');
    if (more) {
      event.preventDefault();
      await loadMore(root, more);
      return;
    }
    const read = target?.closest?.<HTMLAnchorElement>('[data-expand] a.read-more');
    if (read) {
      event.preventDefault();
      await expand(read);
    }
  });
}

async function loadMore(root: Document, link: HTMLAnchorElement) {
  const list = root.querySelector(`[data-list="${link.dataset.loadMore}"]`);
  if (!list) return;
  link.setAttribute('aria-busy', 'true');
  try {
    const response = await fetch(link.href, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(String(response.status));
    const page = new DOMParser().parseFromString(await response.text(), 'text/html');
    const items = Array.from(page.querySelector(`[data-list="${link.dataset.loadMore}"]`)?.children ?? []);
    const added = items.map((item) => root.importNode(item, true));
    list.append(...added);
    const next = page.querySelector<HTMLAnchorElement>(`a[data-load-more="${link.dataset.loadMore}"]`);
    if (next) link.href = next.getAttribute('href')!;
    else link.closest('.load-more')?.remove();
    // Keyboard and screen-reader users continue at the first item that arrived.
    added[0]?.querySelector<HTMLAnchorElement>('a')?.focus();
  } catch {
    // The plain link still works: follow it.
    window.location.href = link.href;
  } finally {
    link.removeAttribute('aria-busy');
  }
}

async function expand(link: HTMLAnchorElement) {
  const holder = link.closest<HTMLElement>('[data-expand]')!;
  const [kind, id] = (holder.dataset.expand ?? '').split(':');
  try {
    const response = await fetch(`/api/content/${kind}/${id}`, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(String(response.status));
    const { html } = (await response.json()) as { html: string };
    const full = document.createElement('div');
    full.className = 'content expanded';
    full.innerHTML = html;
    if (full.querySelector('.katex')) await withMathStylesheet();
    holder.replaceWith(full);
  } catch {
    window.location.href = link.href;
  }
}

/**
 * Pages without math leave out KaTeX's stylesheet (it blocks rendering); text expanded into them may have math,
 * which without it shows twice, once garbled. Resolves once the stylesheet is in (or failed to load).
 */
function withMathStylesheet(): Promise<void> {
  const href = document.body.dataset.mathCss;
  if (!href || document.querySelector(`link[rel="stylesheet"][href="${href}"]`)) return Promise.resolve();
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = href;
  const loaded = new Promise<void>((resolve) => {
    link.onload = () => resolve();
    link.onerror = () => resolve();
  });
  document.head.append(link);
  return loaded;
}
