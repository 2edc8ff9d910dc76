import { html as honoHtml, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export type { HtmlEscapedString };
export { raw };

/**
 * HTML outside JSX: a tagged template that escapes every interpolated string (Hono's `html`), leaving alone only
 * what is already HTML (another html`…`, or raw() for stored, sanitized content). Escaping is the default, not
 * a habit per interpolation. For the markup repeated on every comment (votes, actions), where JSX's
 * per-element work costs too much; synchronous only.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): HtmlEscapedString {
  const out = honoHtml(strings, ...values);
  if (out instanceof Promise) throw new Error('html`…` was given a promise; render it to a string first');
  return out;
}
