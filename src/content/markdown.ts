import hljs from 'highlight.js';
import type { MarkdownIt, StateCore, Token } from 'markdown-it';
import markdownIt from 'markdown-it';
import footnotePlugin from 'markdown-it-footnote';
import { escapeHtml } from './escape.js';
import { headingsPlugin, inlineText } from './headings.js';
import { mathPlugin } from './math.js';

/**
 * Deepest block/inline nesting markdown-it builds (10,000 `>` would otherwise recurse 10,000 times).
 * Content nested deeper is dropped by markdown-it; no real post nests 40 lists or quotes.
 */
export const MAX_NESTING = 40;
/** Code highlighted per document; later blocks are shown plain (highlight.js costs ≈ 1.5 ms per KB). */
export const MAX_HIGHLIGHT_CHARS = 50_000;

const HIGHLIGHT_BUDGET = Symbol('lyceum.highlightBudget');
const LANGUAGE_NAME = /^[\w#+.-]{1,32}$/;

function fenceLanguage(info: string): string {
  const name = info.trim().split(/\s+/, 1)[0] ?? '';
  return LANGUAGE_NAME.test(name) ? name.toLowerCase() : '';
}

/** Fenced code: highlight.js for a language it knows (within the document budget), escaped text otherwise. */
function renderFence(
  tokens: Token[],
  idx: number,
  _options: unknown,
  env: Record<symbol, unknown> | undefined,
): string {
  const token = tokens[idx]!;
  const code = token.content;
  const language = fenceLanguage(token.info);
  const spent = (env?.[HIGHLIGHT_BUDGET] as number | undefined) ?? 0;
  if (language && hljs.getLanguage(language) && spent + code.length <= MAX_HIGHLIGHT_CHARS) {
    if (env) env[HIGHLIGHT_BUDGET] = spent + code.length;
    const highlighted = hljs.highlight(code, { language, ignoreIllegals: true }).value;
    return `<pre><code class="hljs language-${language}">${highlighted}</code></pre>\n`;
  }
  const languageClass = language ? ` class="language-${language}"` : '';
  return `<pre><code${languageClass}>${escapeHtml(code)}</code></pre>\n`;
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

function createMarkdown(): MarkdownIt {
  const md = markdownIt({
    html: true, // raw HTML is allowed in source; the sanitizer decides what survives
    linkify: true,
    typographer: false,
    maxNesting: MAX_NESTING,
  });
  md.use(mathPlugin).use(footnotePlugin).use(headingsPlugin);
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
