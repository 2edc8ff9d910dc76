import type { MarkdownIt, StateBlock, StateInline } from 'markdown-it';

/** One formula found in a document, in source order. */
export interface Formula {
  tex: string;
  display: boolean;
  /** A display block of its own (a `<div>`), rather than math inside a paragraph (a `<span>`). */
  block: boolean;
}

/**
 * Formulas are rendered after Markdown, outside markdown-it: the Markdown renderer leaves a placeholder
 * (private-use characters around a per-render nonce, which user text cannot guess) that is swapped for
 * the sanitized KaTeX output, in its `.math` wrapper, once the rest of the document has been sanitized with a
 * stricter allowlist. (A bare placeholder keeps the HTML the sanitizer walks small: 200 KB of `$x$` is
 * 50,000 formulas.)
 */
export interface MathEnv {
  nonce: string;
  formulas: Formula[];
}

export const MATH_ENV = Symbol('lyceum.math');
const PLACEHOLDER_OPEN = '\uE000';
const PLACEHOLDER_CLOSE = '\uE001';

/** A display block (`$$` on its own line) may span at most this many lines; bounds the closer scan. */
const MAX_DISPLAY_LINES = 100;

export function placeholderPattern(nonce: string): RegExp {
  return new RegExp(`${PLACEHOLDER_OPEN}${nonce}:(\\d+)${PLACEHOLDER_CLOSE}`, 'g');
}

/** Any math placeholder, whatever its nonce (used to count formulas in text). */
export const ANY_PLACEHOLDER = /\uE000[0-9a-f]+:\d+\uE001/g;

function registerFormula(env: unknown, formula: Formula): string {
  const math = (env as Record<symbol, MathEnv | undefined> | undefined)?.[MATH_ENV];
  if (!math) throw new Error('math placeholders need a MathEnv in the render env');
  math.formulas.push(formula);
  return `${PLACEHOLDER_OPEN}${math.nonce}:${math.formulas.length - 1}${PLACEHOLDER_CLOSE}`;
}

const DOLLAR = 0x24;
const BACKSLASH = 0x5c;

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x0c || code === 0xa0;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function oddBackslashesBefore(src: string, pos: number): boolean {
  let n = 0;
  while (pos - 1 - n >= 0 && src.charCodeAt(pos - 1 - n) === BACKSLASH) n++;
  return n % 2 === 1;
}

/**
 * Per-inline-block memo so that searching for closers stays linear even with thousands of unmatched
 * openers ("$5 and $10 …" repeated over a 200 KB paragraph).
 */
interface CloserCache {
  dollarClosers?: number[];
  found: Map<string, { from: number; at: number }>;
}
const closerCaches = new WeakMap<StateInline, CloserCache>();

function cacheFor(state: StateInline): CloserCache {
  let cache = closerCaches.get(state);
  if (!cache) {
    cache = { found: new Map() };
    closerCaches.set(state, cache);
  }
  return cache;
}

/** `src.indexOf(needle, from)`, reusing the previous answer when it is still valid. */
function nextIndex(state: StateInline, needle: string, from: number): number {
  const cache = cacheFor(state);
  const last = cache.found.get(needle);
  if (last && last.from <= from && (last.at === -1 || last.at >= from)) return last.at;
  const at = state.src.indexOf(needle, from);
  cache.found.set(needle, { from, at });
  return at;
}

/** Positions of every `$` that may close inline math: not after whitespace, not before a digit. */
function dollarClosers(state: StateInline): number[] {
  const cache = cacheFor(state);
  if (cache.dollarClosers) return cache.dollarClosers;
  const src = state.src;
  const closers: number[] = [];
  for (let i = src.indexOf('$', 1); i !== -1; i = src.indexOf('$', i + 1)) {
    const prev = src.charCodeAt(i - 1);
    const next = src.charCodeAt(i + 1);
    if (isWhitespace(prev) || isDigit(next) || prev === DOLLAR || next === DOLLAR) continue;
    if (oddBackslashesBefore(src, i)) continue;
    closers.push(i);
  }
  cache.dollarClosers = closers;
  return closers;
}

function firstAfter(sorted: number[], min: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < min) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length ? sorted[lo]! : -1;
}

function pushMath(state: StateInline, tex: string, display: boolean, markup: string): void {
  const token = state.push('math_inline', 'math', 0);
  token.content = tex;
  token.markup = markup;
  token.info = display ? 'display' : 'inline';
}

function mathInline(state: StateInline, silent: boolean): boolean {
  const { src, pos, posMax: max } = state;
  const ch = src.charCodeAt(pos);

  if (ch === BACKSLASH) {
    const next = src.charCodeAt(pos + 1);
    if (next !== 0x28 && next !== 0x5b) return false; // only \( and \[
    const close = next === 0x28 ? '\\)' : '\\]';
    const end = nextIndex(state, close, pos + 2);
    if (end === -1 || end + 2 > max || !src.slice(pos + 2, end).trim()) return false;
    if (!silent) pushMath(state, src.slice(pos + 2, end), next === 0x5b, next === 0x28 ? '\\(' : '\\[');
    state.pos = end + 2;
    return true;
  }
  if (ch !== DOLLAR) return false;

  if (src.charCodeAt(pos + 1) === DOLLAR) {
    const end = nextIndex(state, '$$', pos + 2);
    if (end === -1 || end + 2 > max || !src.slice(pos + 2, end).trim()) {
      // An unmatched `$$` is literal text; consuming both keeps the second from opening inline math.
      if (!silent) state.pending += '$$';
      state.pos = pos + 2;
      return true;
    }
    if (!silent) pushMath(state, src.slice(pos + 2, end), true, '$$');
    state.pos = end + 2;
    return true;
  }

  // Opening `$` must be followed by a non-space, so "$5 and $10" stays plain text.
  if (pos + 1 >= max || isWhitespace(src.charCodeAt(pos + 1))) return false;
  const end = firstAfter(dollarClosers(state), pos + 2);
  if (end === -1 || end >= max) return false;
  if (!silent) pushMath(state, src.slice(pos + 1, end), false, '$');
  state.pos = end + 1;
  return true;
}

/** Position of `needle` within [from, to), or -1; never scans past `to` (a line end). */
function indexInRange(src: string, needle: string, from: number, to: number): number {
  const first = needle.charCodeAt(0);
  for (let i = from; i + needle.length <= to; i++) {
    if (src.charCodeAt(i) === first && src.startsWith(needle, i)) return i;
  }
  return -1;
}

function trimmedEnd(src: string, from: number, to: number): number {
  while (to > from && isWhitespace(src.charCodeAt(to - 1))) to--;
  return to;
}

/** Display math as its own block: `$$ … $$` or `\[ … \]`, on one line or spanning lines (no blank line). */
function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  if (state.sCount[startLine]! - state.blkIndent >= 4) return false;
  const src = state.src;
  const start = state.bMarks[startLine]! + state.tShift[startLine]!;
  const max = state.eMarks[startLine]!;
  let close: string;
  if (src.startsWith('$$', start)) close = '$$';
  else if (src.startsWith('\\[', start)) close = '\\]';
  else return false;
  const open = src.slice(start, start + 2);

  // Cheap per-line search: a line that does not contain the closer cannot end the block.
  const lineEnd = (line: number): number =>
    trimmedEnd(src, state.bMarks[line]! + state.tShift[line]!, state.eMarks[line]!);
  const sameLine = indexInRange(src, close, start + 2, max);
  let tex: string;
  let lastLine = startLine;
  if (sameLine !== -1) {
    if (sameLine + close.length !== lineEnd(startLine)) return false; // text follows: inline math
    tex = src.slice(start + 2, sameLine);
  } else {
    let closeAt = -1;
    const limit = Math.min(endLine, startLine + MAX_DISPLAY_LINES);
    for (let line = startLine + 1; line < limit && closeAt === -1; line++) {
      const from = state.bMarks[line]! + state.tShift[line]!;
      const to = state.eMarks[line]!;
      if (from >= to || state.sCount[line]! < state.blkIndent) return false;
      closeAt = indexInRange(src, close, from, to);
      lastLine = line;
    }
    if (closeAt === -1 || closeAt + close.length !== lineEnd(lastLine)) return false;
    const parts = [src.slice(start + 2, max)];
    for (let line = startLine + 1; line < lastLine; line++) {
      parts.push(src.slice(state.bMarks[line]! + state.tShift[line]!, state.eMarks[line]!));
    }
    parts.push(src.slice(state.bMarks[lastLine]! + state.tShift[lastLine]!, closeAt));
    tex = parts.join('\n');
  }
  if (!tex.trim()) return false;
  if (silent) return true;

  const token = state.push('math_block', 'div', 0);
  token.block = true;
  token.content = tex;
  token.markup = open;
  token.map = [startLine, lastLine + 1];
  state.line = lastLine + 1;
  return true;
}

/** markdown-it plugin: `$…$`, `\(…\)`, `$$…$$`, `\[…\]` become math tokens rendered as placeholders. */
export function mathPlugin(md: MarkdownIt): void {
  md.inline.ruler.before('escape', 'math_inline', mathInline);
  md.block.ruler.before('fence', 'math_block', mathBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });

  md.renderer.rules.math_inline = (tokens, idx, _options, env) => {
    const token = tokens[idx]!;
    // Not a block even for display math: a <div> may not sit inside the paragraph around it.
    return registerFormula(env, { tex: token.content, display: token.info === 'display', block: false });
  };
  md.renderer.rules.math_block = (tokens, idx, _options, env) =>
    `${registerFormula(env, { tex: tokens[idx]!.content, display: true, block: true })}\n`;
}
