import type { DiffPart } from './word-diff.js';

/** Unchanged lines shown above and below each change (a Markdown paragraph and the blank line beside it). */
export const CONTEXT_LINES = 2;
/** Unchanged characters shown beside a change on its own line: Markdown paragraphs are often one long line. */
export const CONTEXT_CHARS = 200;
/** A fold hides at least this many lines: folding a single line away saves nothing but a click. */
const MIN_FOLDED_LINES = 2;
/** A cut hides at least this many characters, or its marker would be about as long as what it hides. */
const MIN_ELIDED_CHARS = 40;
/** How far a cut may move from CONTEXT_CHARS to fall between words. */
const WORD_SLACK = 30;
/** Characters of changed text a change list entry quotes. */
const PREVIEW_CHARS = 60;

/** A stretch of unchanged text inside a change left out of the view (the revision's full text shows it). */
export interface Elided {
  kind: 'elided';
  chars: number;
}
export type HunkPart = DiffPart | Elided;

/** Changed lines with a little unchanged context around them. */
export interface DiffHunk {
  kind: 'hunk';
  /** 1 for the first change of the body. */
  number: number;
  /** The line of the newer text where the first change in the hunk is. */
  line: number;
  parts: HunkPart[];
  /** The changed words, shortened, for the list of changes. */
  preview: DiffPart[];
}

/** Whole unchanged lines between changes, shown folded (and kept whole: unfolding shows every line). */
export interface FoldedLines {
  kind: 'folded';
  /** Line number (in either text: nothing in it changed) of its first line. */
  line: number;
  lines: number;
  text: string;
}

export type DiffBlock = DiffHunk | FoldedLines;

interface Row {
  parts: DiffPart[];
  changed: boolean;
  /** Line number in the newer text where the row starts. */
  line: number;
}

/**
 * A word diff (over the whole Markdown source) grouped into hunks: each change with CONTEXT_LINES unchanged lines
 * around it, long lines cut to CONTEXT_CHARS beside the change, and the unchanged lines between hunks folded.
 * Joining the blocks' text (folded text, hunk parts) gives back every line, bar the elided characters.
 */
export function diffHunks(parts: DiffPart[]): DiffBlock[] {
  const rows = rowsOf(normalizeLineEnds(parts));
  const spans = hunkSpans(rows);
  const blocks: DiffBlock[] = [];
  let next = 0;
  let number = 0;
  const fold = (from: number, to: number) => {
    if (from > to) return;
    const text = rows
      .slice(from, to + 1)
      .flatMap((row) => row.parts.map((part) => part.text))
      .join('');
    blocks.push({ kind: 'folded', line: rows[from]!.line, lines: to - from + 1, text });
  };
  for (const [from, to] of spans) {
    fold(next, from - 1);
    const hunkRows = rows.slice(from, to + 1);
    const merged = mergeParts(hunkRows.flatMap((row) => row.parts));
    blocks.push({
      kind: 'hunk',
      number: ++number,
      line: hunkRows.find((row) => row.changed)!.line,
      parts: trimContext(merged),
      preview: changePreview(merged),
    });
    next = to + 1;
  }
  fold(next, rows.length - 1);
  return blocks;
}

/** Whether a diff changes anything. */
export function hasChanges(parts: DiffPart[]): boolean {
  return parts.some((part) => part.kind !== 'same' && part.text !== '');
}

// CommonMark ends lines with LF, CR or CRLF, and browsers submit forms with CRLF. A CRLF may also be split
// across two parts ("…\r" then "\n…"), which must still count as one line end.
function normalizeLineEnds(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  let pendingCr = false;
  for (const part of parts) {
    let text = part.text;
    if (pendingCr && text.startsWith('\n')) text = text.slice(1);
    pendingCr = text.endsWith('\r');
    text = text.replace(/\r\n?/g, '\n');
    if (text !== '') out.push({ kind: part.kind, text });
  }
  return mergeParts(out);
}

/** Neighbouring parts of one kind joined into one (so a change reads as one <del> or <ins>). */
function mergeParts<T extends HunkPart>(parts: T[]): T[] {
  const out: T[] = [];
  for (const part of parts) {
    const last = out.at(-1);
    if (last && last.kind === part.kind && 'text' in last && 'text' in part) {
      out[out.length - 1] = { ...last, text: last.text + part.text };
    } else out.push(part);
  }
  return out;
}

/** The parts cut into lines (a part can span several; a line can hold several parts), each line numbered. */
function rowsOf(parts: DiffPart[]): Row[] {
  const rows: Row[] = [];
  let line = 1;
  let row: Row = { parts: [], changed: false, line };
  for (const part of parts) {
    let start = 0;
    while (start < part.text.length) {
      const newline = part.text.indexOf('\n', start);
      const end = newline === -1 ? part.text.length : newline + 1;
      row.parts.push({ kind: part.kind, text: part.text.slice(start, end) });
      if (part.kind !== 'same') row.changed = true;
      if (newline !== -1) {
        rows.push(row);
        // A deleted line end joins two lines of the older text into one of the newer.
        if (part.kind !== 'removed') line += 1;
        row = { parts: [], changed: false, line };
      }
      start = end;
    }
  }
  if (row.parts.length > 0) rows.push(row);
  return rows;
}

/** The row ranges [from, to] each hunk covers: changed rows with their context, merged where folds would be tiny. */
function hunkSpans(rows: Row[]): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  rows.forEach((row, i) => {
    if (!row.changed) return;
    const from = Math.max(0, i - CONTEXT_LINES);
    const to = Math.min(rows.length - 1, i + CONTEXT_LINES);
    const last = spans.at(-1);
    if (last && from - last[1] - 1 < MIN_FOLDED_LINES) last[1] = to;
    else spans.push([from, to]);
  });
  const first = spans[0];
  const last = spans.at(-1);
  if (first && first[0] < MIN_FOLDED_LINES) first[0] = 0;
  if (last && rows.length - 1 - last[1] < MIN_FOLDED_LINES) last[1] = rows.length - 1;
  return spans;
}

/** Long unchanged stretches inside a hunk cut to CONTEXT_CHARS, keeping the end that touches a change. */
function trimContext(parts: DiffPart[]): HunkPart[] {
  const out: HunkPart[] = [];
  parts.forEach((part, i) => {
    if (part.kind !== 'same') {
      out.push(part);
      return;
    }
    const afterChange = i > 0;
    const beforeChange = i < parts.length - 1;
    const lines = part.text.split(/(?<=\n)/);
    lines.forEach((text, j) => {
      const first = j === 0;
      const last = j === lines.length - 1 && !text.endsWith('\n');
      if (first && last && afterChange && beforeChange) out.push(...keepEnds(text));
      else if (last && beforeChange) out.push(...keepTail(text));
      else if (first && afterChange) out.push(...keepHead(text));
      else out.push(...keepHead(text)); // a whole unchanged line: its start tells which paragraph it is
    });
  });
  return mergeParts(out);
}

function keepHead(line: string): HunkPart[] {
  const end = line.endsWith('\n') ? '\n' : '';
  const body = line.slice(0, line.length - end.length);
  if (body.length <= CONTEXT_CHARS + MIN_ELIDED_CHARS) return [{ kind: 'same', text: line }];
  const cut = wordCut(body, CONTEXT_CHARS, 'backward');
  const parts: HunkPart[] = [
    { kind: 'same', text: body.slice(0, cut) },
    { kind: 'elided', chars: body.length - cut },
  ];
  return end ? [...parts, { kind: 'same', text: end }] : parts;
}

function keepTail(line: string): HunkPart[] {
  if (line.length <= CONTEXT_CHARS + MIN_ELIDED_CHARS) return [{ kind: 'same', text: line }];
  const cut = wordCut(line, line.length - CONTEXT_CHARS, 'forward');
  return [
    { kind: 'elided', chars: cut },
    { kind: 'same', text: line.slice(cut) },
  ];
}

function keepEnds(line: string): HunkPart[] {
  if (line.length <= 2 * CONTEXT_CHARS + MIN_ELIDED_CHARS) return [{ kind: 'same', text: line }];
  const head = wordCut(line, CONTEXT_CHARS, 'backward');
  const tail = wordCut(line, line.length - CONTEXT_CHARS, 'forward');
  return [
    { kind: 'same', text: line.slice(0, head) },
    { kind: 'elided', chars: tail - head },
    { kind: 'same', text: line.slice(tail) },
  ];
}

/**
 * A cut near `at`, moved up to WORD_SLACK characters into the cut-away side to fall beside a space, which stays
 * with the kept text (so the marker never runs into a word, with or without the stylesheet).
 */
function wordCut(text: string, at: number, direction: 'backward' | 'forward'): number {
  const space = direction === 'backward' ? text.lastIndexOf(' ', at) + 1 : text.indexOf(' ', at);
  let cut = space > 0 && Math.abs(space - at) <= WORD_SLACK ? space : at;
  // Never between the two halves of a surrogate pair (an emoji, a rare CJK character).
  if (/[\uDC00-\uDFFF]/.test(text[cut] ?? '')) cut -= 1;
  return cut;
}

/** The changed text of a hunk, whitespace collapsed, shortened to about PREVIEW_CHARS in all. */
function changePreview(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  let left = PREVIEW_CHARS;
  for (const part of parts) {
    if (part.kind === 'same') continue;
    const text = part.text.replace(/\s+/g, ' ').trim();
    if (text === '') continue;
    if (left <= 0) {
      const last = out.at(-1);
      if (last && !last.text.endsWith('…')) last.text += '…';
      break;
    }
    const short =
      text.length > left
        ? `${Array.from(text)
            .slice(0, left)
            .join('')
            .replace(/\s+\S*$/, '')}…`
        : text;
    out.push({ kind: part.kind, text: short });
    left -= text.length;
  }
  return out;
}
