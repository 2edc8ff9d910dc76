import type { MarkdownIt, StateBlock, StateCore, Token } from 'markdown-it';
import { CONTENT_TAGS } from './sanitize.js';

// GFM's tagfilter, generalized: raw HTML an author writes keeps only the tags the content allowlist keeps (and
// complete comments, which hide what they enclose on purpose). Any other tag, open or close, in any case, with
// or without attributes, and any `<` that starts no complete tag, is shown as text. Left as markup, the
// sanitizer would drop such a tag together with what follows it: an unclosed `<style>` or `<script>` took the
// rest of the post with it, `<svg>` or `<math>` the rest of the paragraph, an unclosed `<!--` everything after.
// Processing instructions, declarations and CDATA (`<?php`, `<!DOCTYPE`) are shown as text too.

const ATTRIBUTE = String.raw`\s+[a-zA-Z_:][a-zA-Z0-9:._-]*(?:\s*=\s*(?:[^"'=<>\x60\x00-\x20]+|'[^']*'|"[^"]*"))?`;
/** CommonMark's open and close tags (as markdown-it parses them), anchored where the search is. */
const OPEN_TAG = new RegExp(String.raw`<([A-Za-z][A-Za-z0-9-]*)(?:${ATTRIBUTE})*\s*\/?>`, 'y');
const CLOSE_TAG = /<\/([A-Za-z][A-Za-z0-9-]*)\s*>/y;
const TAG_NAME = /<\/?([A-Za-z][A-Za-z0-9-]*)/y;

function matchAt(pattern: RegExp, html: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(html);
}

/** Where the tag or comment at `at` ends if the sanitizer may see it as markup, else -1. */
function keptMarkupEnd(html: string, at: number, commentEnd: (from: number) => number): number {
  if (html.startsWith('<!--', at)) {
    // `<!-->` and `<!--->` are complete (empty) comments for CommonMark and for the sanitizer's parser.
    if (html.startsWith('>', at + 4)) return at + 5;
    if (html.startsWith('->', at + 4)) return at + 6;
    const end = commentEnd(at + 4);
    return end === -1 ? -1 : end + 3;
  }
  const tag = matchAt(OPEN_TAG, html, at) ?? matchAt(CLOSE_TAG, html, at);
  return tag && CONTENT_TAGS.has(tag[1]!.toLowerCase()) ? at + tag[0].length : -1;
}

/** Raw HTML with every `<` that does not start an allowed tag or a complete comment escaped. */
export function filterTags(html: string): string {
  // One forward search for `-->` serves every comment opener (many unclosed ones stay linear).
  let found = { from: -1, at: -1 };
  const commentEnd = (from: number): number => {
    if (found.from === -1 || from < found.from || (found.at !== -1 && found.at < from)) {
      found = { from, at: html.indexOf('-->', from) };
    }
    return found.at;
  };
  let out = '';
  let copied = 0;
  let at = html.indexOf('<');
  while (at !== -1) {
    const end = keptMarkupEnd(html, at, commentEnd);
    if (end === -1) {
      out += `${html.slice(copied, at)}&lt;`;
      copied = at + 1;
    }
    at = html.indexOf('<', end === -1 ? at + 1 : end);
  }
  return copied === 0 ? html : out + html.slice(copied);
}

/** Where the next `-->` at or after `from` is, per document (the block rule asks once per `<!--` line). */
const COMMENT_ENDS = Symbol('lyceum.commentEnds');

function commentClosesLater(state: StateBlock, from: number): boolean {
  const env = state.env as Record<symbol, { from: number; at: number } | undefined>;
  const last = env[COMMENT_ENDS];
  if (last && last.from <= from && (last.at === -1 || last.at >= from)) return last.at !== -1;
  const at = state.src.indexOf('-->', from);
  env[COMMENT_ENDS] = { from, at };
  return at !== -1;
}

type BlockRule = (state: StateBlock, startLine: number, endLine: number, silent: boolean) => boolean;

/**
 * markdown-it's HTML block rule, for allowed tags and comments only: a line starting with any other tag is a
 * paragraph (whose tags the inline filter shows as text), so an unclosed `<script>` or `<!--` leaves the rest of
 * the document Markdown.
 */
function allowedHtmlBlock(htmlBlock: BlockRule): BlockRule {
  return (state, startLine, endLine, silent) => {
    const start = state.bMarks[startLine]! + state.tShift[startLine]!;
    const src = state.src;
    if (src.charCodeAt(start) !== 0x3c /* < */) return false;
    const name = matchAt(TAG_NAME, src, start)?.[1];
    if (name !== undefined) {
      if (!CONTENT_TAGS.has(name.toLowerCase())) return false;
    } else if (!src.startsWith('<!--', start) || !commentClosesLater(state, start + 4)) {
      return false;
    }
    return htmlBlock(state, startLine, endLine, silent);
  };
}

function filterInlineHtml(children: Token[]): void {
  for (const token of children) {
    if (token.children) filterInlineHtml(token.children); // an image's alt text
    if (token.type !== 'html_inline') continue;
    if (keptMarkupEnd(token.content, 0, (from) => token.content.indexOf('-->', from)) !== token.content.length) {
      token.type = 'text';
      token.tag = '';
    }
  }
}

/** Core rule: raw HTML outside the allowlist becomes text (inline) or escaped (in HTML blocks). */
function tagFilter(state: StateCore): void {
  for (const token of state.tokens) {
    if (token.type === 'html_block') token.content = filterTags(token.content);
    else if (token.type === 'inline' && token.children) filterInlineHtml(token.children);
  }
}

/** markdown-it plugin: tags outside the content allowlist are shown as text (GFM's tagfilter idea). */
export function tagFilterPlugin(md: MarkdownIt): void {
  const rule = md.block.ruler.__rules__.find((r) => r.name === 'html_block');
  if (!rule) throw new Error('markdown-it has no html_block rule');
  md.block.ruler.at('html_block', allowedHtmlBlock(rule.fn), { alt: rule.alt });
  // After linkify, so text inside a filtered tag is not made a link; before text_join, which merges text tokens.
  md.core.ruler.before('text_join', 'tag_filter', tagFilter);
}
