import type { StateInline } from 'markdown-it';

// Math inside a paragraph. The rules, and why:
// - `$…$` is pandoc's tex_math_dollars: the opening `$` is followed by a non-space; the first `$` after it that is
//   not escaped (`\$`) closes it, if that `$` follows a non-space and is not followed by a digit; otherwise the
//   opener is plain text (it never reaches for a later `$`). So "$3 per unit and $q$" keeps "$3 per unit and" as
//   text. As in pandoc, a `$` inside `\text{…}` does not close (`$\text{for all $x$}$`).
// - `$$…$$` in a paragraph is display math up to the next `$$`; an unmatched `$$` is text.
// - `\(…\)` is math unless its content reads as prose (see looksLikeTex): CommonMark reads `\(` as an escaped
//   parenthesis, and prose in escaped parentheses stays prose.
// - `\[…\]` is never math inside a paragraph (only as a block of its own, math-block.ts): "see \[4\]" and "v\[k\]"
//   are CommonMark escapes, read "see [4]" and "v[k]".
// - Code spans take precedence, as over every other inline construct in CommonMark: math whose content would
//   hold the start of a code span is not math, so the dollars around a code span stay text.
// Every scan is linear over a paragraph: each search starts where the last one for the same thing ended.

const DOLLAR = 0x24;
const BACKSLASH = 0x5c;
const BACKTICK = 0x60;
const OPEN_PAREN = 0x28;
const TEXT_GROUP = '\\text{';

const isSpace = (char: string | undefined): boolean => char !== undefined && /\s/u.test(char);
const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39;

/**
 * `\(…\)` content that reads as TeX rather than prose: anything with a command or a TeX operator, and otherwise
 * anything without two words in a row (`x`, `f(x)`, `a, b`, `dx dy` are TeX; "see the note" is prose).
 */
const TEX_SIGNS = /[\\^_{}=<>+|]/;
const TWO_WORDS = /(?:^|\s)\p{L}{3,}[\p{P}]*\s+\p{L}{3,}/u;
function looksLikeTex(content: string): boolean {
  const trimmed = content.trim();
  return trimmed !== '' && (TEX_SIGNS.test(trimmed) || !TWO_WORDS.test(trimmed));
}

/** What one paragraph's scans have learnt, so repeated searches stay linear. */
interface ParagraphScan {
  /** Where the first unescaped `$` at or after a position (outside `\text{…}`) is; -1 if none. */
  dollarAfter: Map<number, number>;
  /** `{` position → its matching `}`, for `\text{` groups (built on first use). */
  braces?: Map<number, number>;
  /** Backtick runs in order, and for each the first run at or after it that opens a code span (-1: none). */
  backtickStarts?: number[];
  spanOpenerFrom?: Int32Array;
  /** Last answer of `src.indexOf(needle, from)` per needle, reused while still valid. */
  found: Map<string, { from: number; at: number }>;
}
const scans = new WeakMap<StateInline, ParagraphScan>();

function scanOf(state: StateInline): ParagraphScan {
  let scan = scans.get(state);
  if (!scan) {
    scan = { dollarAfter: new Map(), found: new Map() };
    scans.set(state, scan);
  }
  return scan;
}

/** `src.indexOf(needle, from)`, reusing the previous answer when it is still valid. */
function nextIndex(state: StateInline, needle: string, from: number): number {
  const scan = scanOf(state);
  const last = scan.found.get(needle);
  if (last && last.from <= from && (last.at === -1 || last.at >= from)) return last.at;
  const at = state.src.indexOf(needle, from);
  scan.found.set(needle, { from, at });
  return at;
}

/** Matching braces of the paragraph, in one pass (`\{` and `\}` are escaped, as in TeX). */
function matchBraces(src: string): Map<number, number> {
  const matches = new Map<number, number>();
  const open: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const code = src.charCodeAt(i);
    if (code === BACKSLASH) i++;
    else if (code === 0x7b) open.push(i);
    else if (code === 0x7d && open.length > 0) matches.set(open.pop()!, i);
  }
  return matches;
}

/**
 * The first `$` at or after `from` that is not escaped and not inside a `\text{…}` group, or -1. Scans resume
 * after a group at positions remembered in `dollarAfter`, so nested groups do not make the search quadratic.
 */
function firstDollar(state: StateInline, from: number): number {
  const scan = scanOf(state);
  const src = state.src;
  const waiting: number[] = [];
  let i = from;
  let found = -1;
  while (i < src.length) {
    const known = scan.dollarAfter.get(i);
    if (known !== undefined) {
      found = known;
      break;
    }
    const code = src.charCodeAt(i);
    if (code === DOLLAR) {
      found = i;
      break;
    }
    if (code !== BACKSLASH) {
      i++;
      continue;
    }
    if (src.startsWith(TEXT_GROUP, i)) {
      scan.braces ??= matchBraces(src);
      const close = scan.braces.get(i + TEXT_GROUP.length - 1);
      if (close !== undefined) {
        i = close + 1;
        waiting.push(i);
        continue;
      }
    }
    i += 2; // an escaped character, `\$` included
  }
  for (const position of waiting) scan.dollarAfter.set(position, found);
  return found;
}

function indexBacktickRuns(state: StateInline, scan: ParagraphScan): void {
  const src = state.src;
  const starts: number[] = [];
  const openerLengths: number[] = [];
  const rawLengths: number[] = [];
  for (let i = src.indexOf('`'); i !== -1; ) {
    let end = i;
    while (src.charCodeAt(end) === BACKTICK) end++;
    let escapes = 0;
    while (src.charCodeAt(i - 1 - escapes) === BACKSLASH) escapes++;
    // An escaped first backtick is text; the rest of the run may still open a span. Any run may close one.
    const escaped = escapes % 2 === 1;
    starts.push(escaped ? i + 1 : i);
    openerLengths.push(end - i - (escaped ? 1 : 0));
    rawLengths.push(end - i);
    i = src.indexOf('`', end);
  }
  const spanOpenerFrom = new Int32Array(starts.length + 1).fill(-1);
  const laterLengths = new Set<number>();
  for (let k = starts.length - 1; k >= 0; k--) {
    const opens = openerLengths[k]! > 0 && laterLengths.has(openerLengths[k]!);
    spanOpenerFrom[k] = opens ? k : spanOpenerFrom[k + 1]!;
    laterLengths.add(rawLengths[k]!);
  }
  scan.backtickStarts = starts;
  scan.spanOpenerFrom = spanOpenerFrom;
}

/** Whether a code span starts within [from, to): a backtick run there with a run of its length after it. */
function codeSpanStartsWithin(state: StateInline, from: number, to: number): boolean {
  const scan = scanOf(state);
  if (!scan.backtickStarts) indexBacktickRuns(state, scan);
  const starts = scan.backtickStarts!;
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  const opener = scan.spanOpenerFrom![lo]!;
  return opener !== -1 && starts[opener]! < to;
}

function pushMath(state: StateInline, tex: string, display: boolean, markup: string): void {
  const token = state.push('math_inline', 'math', 0);
  token.content = tex;
  token.markup = markup;
  token.info = display ? 'display' : 'inline';
}

/** `$$…$$` inside a paragraph. */
function displayDollars(state: StateInline, silent: boolean): boolean {
  const { src, pos, posMax: max } = state;
  const end = nextIndex(state, '$$', pos + 2);
  if (end === -1 || end + 2 > max || !src.slice(pos + 2, end).trim() || codeSpanStartsWithin(state, pos + 2, end)) {
    // An unmatched `$$` is literal text; consuming both keeps the second from opening inline math.
    if (!silent) state.pending += '$$';
    state.pos = pos + 2;
    return true;
  }
  if (!silent) pushMath(state, src.slice(pos + 2, end), true, '$$');
  state.pos = end + 2;
  return true;
}

/** `$…$` by pandoc's rule (see the top of this file). */
function inlineDollars(state: StateInline, silent: boolean): boolean {
  const { src, pos, posMax: max } = state;
  if (pos + 1 >= max || isSpace(src[pos + 1])) return false;
  const end = firstDollar(state, pos + 1);
  if (end === -1 || end >= max) return false;
  if (isSpace(src[end - 1]) || isDigit(src.charCodeAt(end + 1))) return false;
  if (codeSpanStartsWithin(state, pos + 1, end)) return false;
  if (!silent) pushMath(state, src.slice(pos + 1, end), false, '$');
  state.pos = end + 1;
  return true;
}

/** `\(…\)` whose content looks like TeX. */
function parenthesized(state: StateInline, silent: boolean): boolean {
  const { src, pos, posMax: max } = state;
  const end = nextIndex(state, '\\)', pos + 2);
  if (end === -1 || end + 2 > max) return false;
  const tex = src.slice(pos + 2, end);
  if (!looksLikeTex(tex) || codeSpanStartsWithin(state, pos + 2, end)) return false;
  if (!silent) pushMath(state, tex, false, '\\(');
  state.pos = end + 2;
  return true;
}

/** markdown-it inline rule (before `escape`): `$…$`, `$$…$$` and `\(…\)` become math tokens. */
export function mathInline(state: StateInline, silent: boolean): boolean {
  const code = state.src.charCodeAt(state.pos);
  if (code === BACKSLASH) return state.src.charCodeAt(state.pos + 1) === OPEN_PAREN && parenthesized(state, silent);
  if (code !== DOLLAR) return false;
  return state.src.charCodeAt(state.pos + 1) === DOLLAR ? displayDollars(state, silent) : inlineDollars(state, silent);
}
