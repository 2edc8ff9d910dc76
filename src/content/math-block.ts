import type { StateBlock } from 'markdown-it';

// Display math as a block of its own: `$$ … $$`, `\[ … \]`, or a TeX environment written without delimiters
// (`\begin{align} … \end{align}`, as MathJax users write them). On one line or spanning lines (no blank line),
// interrupting a paragraph if need be; the closing delimiter ends its line. Its content is TeX as written:
// Markdown never sees it, so `\\` and `&` survive.

/** A display block may span at most this many lines; bounds the closer scan. */
const MAX_DISPLAY_LINES = 100;

const words = (list: string): string[] => list.split(/\s+/).filter(Boolean);
/**
 * Environments that are display math when a block starts with them: every environment KaTeX knows, and the
 * amsmath ones it does not (`multline`, `eqnarray`), which show their source with KaTeX's message rather than
 * being read as Markdown.
 */
export const DISPLAY_ENVIRONMENTS: ReadonlySet<string> = new Set(
  words(`equation equation* align align* alignat alignat* gather gather* multline multline* eqnarray eqnarray*
    aligned alignedat gathered split CD array darray subarray smallmatrix matrix matrix* pmatrix pmatrix* bmatrix
    bmatrix* Bmatrix Bmatrix* vmatrix vmatrix* Vmatrix Vmatrix* cases dcases rcases drcases`),
);
const BEGIN_ENVIRONMENT = /\\begin\{([A-Za-z]+\*?)\}/y;

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x0c || code === 0xa0;
}

function trimmedEnd(src: string, from: number, to: number): number {
  while (to > from && isWhitespace(src.charCodeAt(to - 1))) to--;
  return to;
}

/** Position of `needle` within [from, to), or -1; never scans past `to` (a line end). */
function indexInRange(src: string, needle: string, from: number, to: number): number {
  const first = needle.charCodeAt(0);
  for (let i = from; i + needle.length <= to; i++) {
    if (src.charCodeAt(i) === first && src.startsWith(needle, i)) return i;
  }
  return -1;
}

/** How a block opens: what closes it, and whether the delimiters are part of the TeX (environments). */
interface Opening {
  open: string;
  close: string;
  /** An environment: nested ones of the same name are counted, and `\begin`/`\end` stay in the TeX. */
  environment: boolean;
}

function openingAt(src: string, start: number): Opening | undefined {
  if (src.startsWith('$$', start)) return { open: '$$', close: '$$', environment: false };
  if (src.startsWith('\\[', start)) return { open: '\\[', close: '\\]', environment: false };
  BEGIN_ENVIRONMENT.lastIndex = start;
  const name = BEGIN_ENVIRONMENT.exec(src)?.[1];
  if (name === undefined || !DISPLAY_ENVIRONMENTS.has(name)) return undefined;
  return { open: `\\begin{${name}}`, close: `\\end{${name}}`, environment: true };
}

/**
 * Where the block's closer is on [from, to): the first closer for `$$` and `\[`, the one that closes the
 * outermost environment for `\begin{…}` (depth carried across lines). -1 if the line does not close it.
 */
function closerInLine(src: string, opening: Opening, from: number, to: number, depth: { open: number }): number {
  if (!opening.environment) return indexInRange(src, opening.close, from, to);
  for (let i = from; i < to; i++) {
    if (src.charCodeAt(i) !== 0x5c /* \ */) continue;
    if (src.startsWith(opening.open, i) && i + opening.open.length <= to) {
      depth.open++;
      i += opening.open.length - 1;
    } else if (src.startsWith(opening.close, i) && i + opening.close.length <= to) {
      if (--depth.open === 0) return i;
      i += opening.close.length - 1;
    }
  }
  return -1;
}

/** markdown-it block rule: display math as its own block (`math_block` token, content = the TeX). */
export function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  if (state.sCount[startLine]! - state.blkIndent >= 4) return false;
  const src = state.src;
  const start = state.bMarks[startLine]! + state.tShift[startLine]!;
  const max = state.eMarks[startLine]!;
  const opening = openingAt(src, start);
  if (!opening) return false;
  // An environment's TeX keeps its `\begin{…}` and `\end{…}`; the other delimiters are dropped.
  const texStart = opening.environment ? start : start + opening.open.length;
  const depth = { open: opening.environment ? 1 : 0 };

  const lineEnd = (line: number): number =>
    trimmedEnd(src, state.bMarks[line]! + state.tShift[line]!, state.eMarks[line]!);
  let closeAt = closerInLine(src, opening, start + opening.open.length, max, depth);
  let lastLine = startLine;
  const limit = Math.min(endLine, startLine + MAX_DISPLAY_LINES);
  for (let line = startLine + 1; closeAt === -1 && line < limit; line++) {
    const from = state.bMarks[line]! + state.tShift[line]!;
    const to = state.eMarks[line]!;
    if (from >= to || state.sCount[line]! < state.blkIndent) return false;
    closeAt = closerInLine(src, opening, from, to, depth);
    lastLine = line;
  }
  // Text after the closer: not a block (`$$…$$` and `\(…\)` may still be math inside the paragraph).
  if (closeAt === -1 || closeAt + opening.close.length !== lineEnd(lastLine)) return false;
  const texEnd = opening.environment ? closeAt + opening.close.length : closeAt;
  let tex: string;
  if (lastLine === startLine) {
    tex = src.slice(texStart, texEnd);
  } else {
    const parts = [src.slice(texStart, max)];
    for (let line = startLine + 1; line < lastLine; line++) {
      parts.push(src.slice(state.bMarks[line]! + state.tShift[line]!, state.eMarks[line]!));
    }
    parts.push(src.slice(state.bMarks[lastLine]! + state.tShift[lastLine]!, texEnd));
    tex = parts.join('\n');
  }
  if (!tex.trim()) return false;
  if (silent) return true;

  const token = state.push('math_block', 'div', 0);
  token.block = true;
  token.content = tex;
  token.markup = opening.open;
  token.map = [startLine, lastLine + 1];
  state.line = lastLine + 1;
  return true;
}
