import type { MarkdownIt, StateCore, Token } from 'markdown-it';
import markdownIt from 'markdown-it';
import { renderFence } from './code.js';
import { escapeHtml } from './escape.js';
import { footnotesPlugin } from './footnotes.js';
import { headingsPlugin, inlineText, TOC_ENV } from './headings.js';
import { MATH_ENV, type MathEnv, mathPlugin } from './math.js';
import { mentionsPlugin } from './mentions.js';
import { tagFilterPlugin } from './tag-filter.js';

/**
 * Deepest block/inline nesting markdown-it builds (10,000 `>` would otherwise recurse 10,000 times).
 * Content nested deeper is dropped by markdown-it; no real post nests 40 lists or quotes.
 */
export const MAX_NESTING = 40;

// A document past either of these bounds is shown as written (see renderMarkup). Only pathological input gets
// there, and parsing, rendering and sanitizing it would take seconds.
/**
 * Tokens one document may have: blocks (three per paragraph or heading, five per list item, two per table
 * cell) and inline ones (three per link or emphasis). A long real post has a few thousand to a few tens of
 * thousands; 200 KB of one-line headings or table rows has 150,000 to 300,000, of `_*` 200,000. Checked after
 * block parsing and again after inline parsing, so the costlier steps are skipped.
 */
export const MAX_TOKENS = 100_000;
/**
 * Markup (HTML before sanitizing) one document may make: five times what a long real post makes of 200,000
 * characters. Some constructs make 10 to 50 times their length (200 KB of inline footnotes: 10 MB).
 */
export const MAX_MARKUP_CHARS = 2_000_000;
/** Paragraphs a document shown as written is split into (the rest runs on in the last one). */
const MAX_FALLBACK_PARAGRAPHS = 1000;
const TOO_INTRICATE = Symbol('lyceum.tooIntricate');

/** Core rule: past MAX_TOKENS, the document keeps no tokens (it will be shown as written). */
function limitTokens(state: StateCore): void {
  let count = state.tokens.length;
  for (const token of state.tokens) count += token.children?.length ?? 0;
  // Inline footnotes (^[…]) keep their parsed text outside the token stream until the footnote tail.
  const footnotes = (state.env.footnotes as { list?: Array<{ tokens?: Token[] }> } | undefined)?.list ?? [];
  for (const note of footnotes) count += note.tokens?.length ?? 0;
  if (count <= MAX_TOKENS) return;
  state.env[TOO_INTRICATE] = true;
  state.tokens = [];
}

const TASK_MARKER = /^\[([ xX])\](?:\s+|$)/;

/** GFM task lists: a list item starting with `[ ]` or `[x]` gets a disabled checkbox. */
function taskLists(state: StateCore): void {
  const tokens = state.tokens;
  const lists: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type === 'bullet_list_open' || token.type === 'ordered_list_open') lists.push(token);
    else if (token.type === 'bullet_list_close' || token.type === 'ordered_list_close') lists.pop();
    if (token.type !== 'inline' || i < 2) continue;
    const item = tokens[i - 2]!;
    if (tokens[i - 1]!.type !== 'paragraph_open' || item.type !== 'list_item_open') continue;
    const first = token.children?.[0];
    const match = first?.type === 'text' ? TASK_MARKER.exec(first.content) : null;
    if (!first || !match) continue;
    first.content = first.content.slice(match[0].length);
    const checkbox = new state.Token('html_inline', '', 0);
    const checked = match[1] === ' ' ? '' : ' checked';
    checkbox.content = `<input class="task-list-item-checkbox" type="checkbox" disabled${checked}> `;
    token.children!.unshift(checkbox);
    item.attrJoin('class', 'task-list-item');
    const list = lists[lists.length - 1];
    if (list && !String(list.attrGet('class') ?? '').includes('contains-task-list')) {
      list.attrJoin('class', 'contains-task-list');
    }
  }
}

/** Our syntax extensions; tests build an instance without some of them to check what those change. */
export interface MarkdownExtensions {
  math: boolean;
  footnotes: boolean;
}

/** A markdown-it instance configured as ours (`markdown` below is the one the pipeline uses). */
export function createMarkdown(extensions: MarkdownExtensions = { math: true, footnotes: true }): MarkdownIt {
  const md = markdownIt({
    html: true, // raw HTML is allowed in source; the sanitizer decides what survives
    linkify: true,
    typographer: false,
    maxNesting: MAX_NESTING,
  });
  md.core.ruler.after('block', 'block_limit', limitTokens);
  md.core.ruler.after('inline', 'inline_limit', limitTokens);
  if (extensions.math) md.use(mathPlugin);
  if (extensions.footnotes) md.use(footnotesPlugin);
  md.use(tagFilterPlugin).use(headingsPlugin).use(mentionsPlugin);
  md.core.ruler.push('task_lists', taskLists);
  md.renderer.rules.fence = renderFence;
  // Alt text keeps formulas as TeX (the default drops unknown inline tokens).
  md.renderer.rules.image = (tokens, idx, _options, _env, self) => {
    const token = tokens[idx]!;
    token.attrSet('alt', inlineText(token.children ?? []));
    return `<img${self.renderAttrs(token)}>`;
  };
  return md;
}

/** The one markdown-it instance: CommonMark + GFM, footnotes, math placeholders, heading ids. */
export const markdown = createMarkdown();

/**
 * A document's markup, for the sanitizer. A document past MAX_TOKENS or MAX_MARKUP_CHARS is shown as written
 * instead: its source, escaped, a paragraph per block (lines run on, as in Markdown), without math, anchors or
 * footnotes. Nothing the author typed is lost, and it costs little more than its length.
 */
export function renderMarkup(source: string, env: Record<symbol | string, unknown>): string {
  const html = markdown.render(source, env);
  if (env[TOO_INTRICATE] !== true && html.length <= MAX_MARKUP_CHARS) return html;
  const math = env[MATH_ENV] as MathEnv | undefined;
  if (math) math.formulas.length = 0;
  env[TOC_ENV] = [];
  const blocks = source.split(/\n[ \t]*\n/).filter((block) => block.trim());
  const paragraphs = blocks.slice(0, MAX_FALLBACK_PARAGRAPHS - 1);
  if (blocks.length >= MAX_FALLBACK_PARAGRAPHS) paragraphs.push(blocks.slice(MAX_FALLBACK_PARAGRAPHS - 1).join('\n'));
  return paragraphs.map((block) => `<p>${escapeHtml(block.trim())}</p>\n`).join('');
}
