import hljs from 'highlight.js';
import type { Token } from 'markdown-it';
import { escapeHtml } from './escape.js';

// Fenced code blocks, highlighted by highlight.js within bounds. Many of its grammars take time quadratic in
// the length of what they scan: an 8,000-character identifier in Java, a run of spaces in Nix, an unclosed
// string in TOML or 4,000 bare lines in C# each take a few hundred milliseconds, 50,000 characters seconds.
// So a long block is highlighted in pieces of at most HIGHLIGHT_CHUNK_CHARS (cut between lines, at a blank
// line where there is one), which bounds the work per piece, and a document highlights at most
// MAX_HIGHLIGHT_CHARS. A construct spanning a cut (a long docstring) may be coloured wrongly after it; the
// text is always exact.

/** Code highlighted per document; later blocks are shown plain. */
export const MAX_HIGHLIGHT_CHARS = 20_000;
/** Longest piece given to highlight.js at once: 1,000 characters cost at most ≈ 10 ms in any grammar. */
export const HIGHLIGHT_CHUNK_CHARS = 1000;
/** What each highlight.js call is charged on top of its length (its fixed cost, ≈ 30 µs). */
const HIGHLIGHT_CALL_CHARS = 100;

const HIGHLIGHT_BUDGET = Symbol('lyceum.highlightBudget');
const LANGUAGE_NAME = /^[\w#+.-]{1,32}$/;

function fenceLanguage(info: string): string {
  const name = info.trim().split(/\s+/, 1)[0] ?? '';
  return LANGUAGE_NAME.test(name) ? name.toLowerCase() : '';
}

/**
 * The code cut into pieces of at most HIGHLIGHT_CHUNK_CHARS, each ending with a line break (but the last),
 * preferring to cut after a blank line; undefined if a single line is longer than that.
 */
export function codeChunks(code: string): string[] | undefined {
  const chunks: string[] = [];
  let start = 0;
  while (code.length - start > HIGHLIGHT_CHUNK_CHARS) {
    const limit = start + HIGHLIGHT_CHUNK_CHARS;
    const blank = code.lastIndexOf('\n\n', limit - 2);
    const newline = code.lastIndexOf('\n', limit - 1);
    const end = blank > start + HIGHLIGHT_CHUNK_CHARS / 2 ? blank + 2 : newline + 1;
    if (end <= start) return undefined;
    chunks.push(code.slice(start, end));
    start = end;
  }
  chunks.push(code.slice(start));
  return chunks;
}

/** Fenced code: highlight.js for a language it knows (within the document budget), escaped text otherwise. */
export function renderFence(
  tokens: Token[],
  idx: number,
  _options: unknown,
  env: Record<symbol, unknown> | undefined,
): string {
  const token = tokens[idx]!;
  const code = token.content;
  const language = fenceLanguage(token.info);
  const chunks = language && hljs.getLanguage(language) ? codeChunks(code) : undefined;
  const spent = (env?.[HIGHLIGHT_BUDGET] as number | undefined) ?? 0;
  const cost = chunks ? code.length + chunks.length * HIGHLIGHT_CALL_CHARS : Number.POSITIVE_INFINITY;
  if (chunks && spent + cost <= MAX_HIGHLIGHT_CHARS) {
    if (env) env[HIGHLIGHT_BUDGET] = spent + cost;
    let highlighted = '';
    for (const chunk of chunks) highlighted += hljs.highlight(chunk, { language, ignoreIllegals: true }).value;
    return `<pre><code class="hljs language-${language}">${highlighted}</code></pre>\n`;
  }
  const languageClass = language ? ` class="language-${language}"` : '';
  return `<pre><code${languageClass}>${escapeHtml(code)}</code></pre>\n`;
}
