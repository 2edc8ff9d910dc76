import { raw } from 'hono/html';

/**
 * An excerpt as lists show it: its stored HTML (sanitized text with typeset formulas) where it holds formulas,
 * otherwise its plain text, which is then the same words.
 */
export function Excerpt({ text, html }: { text: string; html: string }) {
  return <>{html ? raw(html) : text}</>;
}
