import { postJson } from './csrf.js';

const PREVIEW_DELAY_MS = 400;

/** Live side-by-side preview through the server's pipeline, and a warning before leaving unsaved edits. */
export function enhanceEditor(form: HTMLFormElement): void {
  const body = form.querySelector<HTMLTextAreaElement>('textarea[name="body"]');
  const preview = document.querySelector<HTMLElement>('[data-preview] .preview-body');
  if (!body) return;
  let dirty = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest = 0;

  const refresh = async () => {
    if (!preview) return;
    const ticket = ++latest;
    try {
      const { html } = await postJson<{ html: string }>('/api/preview', { markdown: body.value });
      // Responses can overtake each other; only the newest request's answer is shown.
      if (ticket === latest) preview.innerHTML = html;
    } catch (error) {
      if (ticket === latest) preview.textContent = `Preview unavailable: ${(error as Error).message}`;
    }
  };

  form.classList.add('live-preview');
  // The preview follows the text as it is typed: the hint to press Preview no longer applies.
  const hint = preview?.querySelector('.preview-empty');
  hint?.remove();
  form.addEventListener('input', () => {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(refresh, PREVIEW_DELAY_MS);
  });
  form.addEventListener('submit', () => {
    dirty = false;
  });
  window.addEventListener('beforeunload', (event) => {
    if (!dirty) return;
    event.preventDefault();
    // Older browsers show the prompt only when returnValue is set.
    event.returnValue = '';
  });
  // A text reopened for editing has no preview yet: make one.
  if (body.value.trim() !== '' && hint) void refresh();
}
