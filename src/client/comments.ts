import { csrfToken, postJson } from './csrf.js';

/**
 * A link to `#comment-<id>` on a post page whose long discussion shows that comment on another page: go to
 * the comment's permalink page instead of leaving the reader at the top.
 */
function findLinkedComment(root: Document): void {
  const id = /^#comment-([A-Za-z0-9]+)$/.exec(window.location.hash)?.[1];
  const post = /^\/posts\/[A-Za-z0-9]+\/[^/]+$/.exec(window.location.pathname)?.[0];
  if (!id || !post || root.getElementById(`comment-${id}`) || !root.querySelector('.comment-pager')) return;
  window.location.replace(`${post}/comment/${id}`);
}

/** Inline reply forms and comments that appear in place; without JavaScript the links and forms still work. */
export function enhanceComments(root: Document): void {
  findLinkedComment(root);
  const template = root.querySelector<HTMLFormElement>('.comments > form[data-comment-form]');

  root.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest?.<HTMLAnchorElement>('a[data-reply]');
    if (!link || !template) return;
    event.preventDefault();
    const parentId = link.dataset.reply!;
    const article = root.getElementById(`comment-${parentId}`);
    const existing = article?.querySelector<HTMLFormElement>(`:scope > details > form.inline-reply`);
    if (existing) {
      existing.querySelector('textarea')?.focus();
      return;
    }
    const form = template.cloneNode(true) as HTMLFormElement;
    form.classList.add('inline-reply');
    form.querySelector('.form-error')?.remove();
    form.querySelector('.comment-preview')?.remove();
    const textarea = form.querySelector('textarea')!;
    textarea.value = '';
    textarea.id = `comment-body-${parentId}`;
    const label = form.querySelector('label')!;
    label.htmlFor = textarea.id;
    label.textContent = 'Your reply';
    const parentField = document.createElement('input');
    parentField.type = 'hidden';
    parentField.name = 'parentId';
    parentField.value = parentId;
    form.prepend(parentField);
    form.querySelector<HTMLButtonElement>('button[value="submit"]')!.textContent = 'Reply';
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'secondary';
    cancel.textContent = 'Cancel';
    cancel.addEventListener('click', () => form.remove());
    form.querySelector('.editor-buttons')!.append(cancel);
    link.closest('.comment-actions')!.after(form);
    textarea.focus();
  });

  root.addEventListener('submit', async (event) => {
    const form = event.target as HTMLFormElement;
    const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
    if (!form.matches('form[data-comment-form]') || !submitter) return;
    if (submitter.value === 'preview') {
      event.preventDefault();
      await showPreview(form, submitter);
      return;
    }
    // A new comment or reply appears in place on the post page. Edits, and the reply page (no discussion to put
    // it in), submit as plain forms: the server sends the writer back to the comment on the post page.
    const list = root.querySelector('[data-list="comments"]');
    if (submitter.value !== 'submit' || form.dataset.commentForm !== 'new' || !list) return;
    event.preventDefault();
    const data = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (typeof value === 'string') data.append(key, value);
    data.set('intent', 'submit');
    submitter.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        body: data,
        headers: { accept: 'application/json', 'x-csrf-token': csrfToken() },
        credentials: 'same-origin',
      });
      const result = (await response.json().catch(() => ({}))) as {
        id?: string;
        parentId?: string | null;
        html?: string;
        error?: string;
        fields?: Record<string, string>;
      };
      if (!response.ok || !result.html)
        throw new Error(Object.values(result.fields ?? {})[0] ?? result.error ?? 'Could not post the comment.');
      insertComment(root, result.parentId ?? null, result.html);
      if (form.classList.contains('inline-reply')) {
        form.remove();
      } else {
        // Empty the box (reset() would restore the text the page was served with) and the preview.
        form.querySelector('textarea')!.value = '';
        form.querySelector('.comment-preview')?.remove();
        form.querySelector('.form-error')?.remove();
      }
      const added = root.getElementById(`comment-${result.id}`);
      added?.scrollIntoView({ block: 'nearest' });
      added?.querySelector<HTMLElement>('summary')?.focus();
    } catch (error) {
      showError(form, (error as Error).message);
    } finally {
      submitter.disabled = false;
    }
  });
}

/** The comment as it will read, rendered by the server's pipeline, shown in the form without leaving the page. */
async function showPreview(form: HTMLFormElement, button: HTMLButtonElement) {
  const body = form.querySelector<HTMLTextAreaElement>('textarea[name="body"]')!.value;
  button.disabled = true;
  try {
    const { html } = await postJson<{ html: string }>('/api/preview', { markdown: body });
    let preview = form.querySelector<HTMLElement>('.comment-preview');
    if (!preview) {
      preview = document.createElement('section');
      preview.className = 'comment-preview';
      preview.setAttribute('aria-label', 'Preview');
      preview.innerHTML = '<h3>Preview</h3><div class="content"></div>';
      form.querySelector('.editor-buttons')!.before(preview);
    }
    preview.querySelector('.content')!.innerHTML = html;
    form.querySelector('.form-error')?.remove();
  } catch (error) {
    showError(form, (error as Error).message);
  } finally {
    button.disabled = false;
  }
}

function showError(form: HTMLFormElement, text: string) {
  let message = form.querySelector<HTMLElement>('.form-error');
  if (!message) {
    message = document.createElement('p');
    message.className = 'form-error';
    message.setAttribute('role', 'alert');
    form.querySelector('.field')!.before(message);
  }
  message.textContent = text;
}

export function insertComment(root: Document, parentId: string | null, html: string) {
  const holder = document.createElement('div');
  holder.innerHTML = html;
  const article = holder.firstElementChild!;
  if (!parentId) {
    root.querySelector('.comment-tree')?.prepend(article);
    return;
  }
  const details = root.getElementById(`comment-${parentId}`)?.querySelector(':scope > details');
  if (!details) return;
  let replies = details.querySelector(':scope > .comment-replies');
  if (!replies) {
    replies = document.createElement('div');
    replies.className = 'comment-replies';
    details.append(replies);
  }
  replies.append(article);
}
