import { escapeHtml } from './escape.js';
import { withStyledCharacters } from './math-variants.js';
import { SINGLE_CLUSTER_CHARACTER, SPACELESS_SCRIPT, segmentWords, walkVisibleText } from './text.js';

/**
 * A unit the excerpt keeps or drops whole: a word with whatever is glued to it ("(see", "don’t,",
 * a URL), a run of spaces, or a formula. Lengths are in grapheme clusters.
 */
interface Unit {
  text: string;
  length: number;
  space: boolean;
  math: boolean;
  /** A typeset formula's MathML, drawn inline, for the HTML excerpt. */
  mathml?: string;
}

/** An excerpt as text (`$TeX$` for formulas) and, when it holds a typeset formula, as HTML showing it. */
export interface Excerpts {
  text: string;
  /** Escaped text with each typeset formula as MathML; '' when no formula in the excerpt is typeset. */
  html: string;
}

const graphemeSegmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
// Left dangling at the end of a cut excerpt, these read as broken: drop them before the "…".
// (ASCII quotes are left alone: at the end of a word they usually close something.)
const DANGLING_END = /[\s([{<«‹“‘„—–\-‐,:;/\\·…&]+$/u;
/** Text gathered past maxChars (times this, in UTF-16 units) before the walk stops; covers long clusters. */
const LOOKAHEAD_FACTOR = 8;
const LOOKAHEAD_MIN = 64;
/**
 * Runs of breaking whitespace, collapsed to one space. No-break spaces (U+00A0, the figure space U+2007, the narrow
 * U+202F) are kept as written: they join "10 km" into one unit, which is never cut there.
 */
const BREAKING_SPACE = /[^\S\u00a0\u2007\u202f]+/gu;

// Text made only of characters that are clusters on their own needs no segmenter to be measured.
const SIMPLE_TEXT = new RegExp(`^${SINGLE_CLUSTER_CHARACTER.source}*$`);

function graphemeLength(text: string): number {
  if (SIMPLE_TEXT.test(text)) return text.length;
  let n = 0;
  for (const _ of graphemeSegmenter.segment(text)) n++;
  return n;
}

/** The text without its last grapheme cluster (which a cut in the middle of it may have left partial). */
function withoutLastCluster(text: string): string {
  let last = 0;
  for (const { index } of graphemeSegmenter.segment(text)) last = index;
  return text.slice(0, last);
}

/** Splits whitespace-collapsed text into units at word boundaries that are also breaks between words. */
function textUnits(text: string, units: Unit[]): void {
  let current = '';
  let previousBreaks = true;
  for (const { segment } of segmentWords(text)) {
    const space = segment === ' ';
    const breaks = space || SPACELESS_SCRIPT.test(segment);
    if (current && (breaks || previousBreaks)) {
      units.push({ text: current, length: graphemeLength(current), space: current === ' ', math: false });
      current = '';
    }
    current += segment;
    previousBreaks = breaks;
  }
  if (current) units.push({ text: current, length: graphemeLength(current), space: current === ' ', math: false });
}

/**
 * Plain-text excerpt of sanitized HTML: at most about `maxChars` grapheme clusters, cut between words (never
 * inside a grapheme cluster, nor at a no-break space) and ending in "…" only when something was cut. Inline
 * math stays as `$TeX$`, display math as `$$TeX$$`, and a formula is kept whole or not at all; formulas opening
 * the text that are too long to fit are left out, and the excerpt starts with what follows them. Footnote
 * markers, the footnotes, images and code blocks are left out; entities are decoded (the result is text, not
 * HTML). A first word longer than maxChars is the one thing ever cut inside (a pathological token, say a very
 * long URL), between two grapheme clusters.
 */
export function makeExcerpt(html: string, maxChars: number): string {
  return makeExcerpts(html, maxChars).text;
}

// An excerpt runs inline: a display formula in it is drawn in the line, like the rest.
const DISPLAY_BLOCK = /^(<math\b[^>]*?) display="block"/;

/** The units as HTML (formulas as their MathML), or '' when none of them is a typeset formula. */
function unitsHtml(units: readonly Unit[], ending: string): string {
  if (!units.some((unit) => unit.mathml)) return '';
  const html = units.map((unit) =>
    unit.mathml ? withStyledCharacters(unit.mathml.replace(DISPLAY_BLOCK, '$1')) : escapeHtml(unit.text),
  );
  return html.join('') + escapeHtml(ending);
}

function excerpts(units: readonly Unit[], ending = ''): Excerpts {
  return { text: units.map((unit) => unit.text).join('') + ending, html: unitsHtml(units, ending) };
}

/** makeExcerpt's text, with the same excerpt as HTML where it holds typeset formulas. */
export function makeExcerpts(html: string, maxChars: number): Excerpts {
  if (maxChars <= 0) return { text: '', html: '' };
  const gatherLimit = (maxChars + LOOKAHEAD_MIN) * LOOKAHEAD_FACTOR;
  const units: Unit[] = [];
  let pendingText = '';
  let gathered = 0;
  let truncated = false;
  /** The gathered text stops inside a piece of text: its last word (or cluster) may be partial. */
  let cutInsideText = false;

  const flushText = (): void => {
    if (pendingText) textUnits(pendingText.replace(BREAKING_SPACE, ' '), units);
    pendingText = '';
  };
  walkVisibleText(html, { excerpt: true }, (piece) => {
    if (gathered >= gatherLimit) {
      truncated = true;
      return false;
    }
    if (piece.kind === 'text') {
      const room = gatherLimit - gathered;
      if (piece.text.length > room) {
        pendingText += withoutLastCluster(piece.text.slice(0, room + 1));
        cutInsideText = true;
      } else {
        pendingText += piece.text;
      }
      gathered += piece.text.length;
      return true;
    }
    if (!piece.tex) return true;
    flushText();
    const delimiter = piece.display ? '$$' : '$';
    const text = `${delimiter}${piece.tex.replace(/\s+/gu, ' ')}${delimiter}`;
    // A formula longer than everything gathered cannot fit; skip counting its clusters.
    const length = text.length > gatherLimit ? text.length : graphemeLength(text);
    units.push(
      piece.mathml
        ? { text, length, space: false, math: true, mathml: piece.mathml }
        : { text, length, space: false, math: true },
    );
    // One too long to fit is skipped if it opens the text; it counts as maxChars, so only a few are skipped.
    gathered += length > maxChars ? maxChars : text.length;
    return true;
  });
  flushText();
  if (gathered > gatherLimit) truncated = true;
  // A word cut by the gathering limit is not a word: drop it, unless it is the only one (cut below, if long).
  const last = units[units.length - 1];
  if (cutInsideText && last && !last.space && units.some((unit) => unit !== last && !unit.space)) units.pop();

  // Leave out formulas opening the text that cannot fit; collapse runs of space units and trim both ends.
  const cleaned: Unit[] = [];
  let skipped = false;
  for (const unit of units) {
    const previous = cleaned[cleaned.length - 1];
    if (unit.space && (!previous || previous.space)) continue;
    if (unit.math && unit.length > maxChars && !previous) {
      skipped = true;
      continue;
    }
    cleaned.push(unit);
  }
  while (cleaned[cleaned.length - 1]?.space) cleaned.pop();
  if (cleaned.length === 0) return { text: skipped || truncated ? '…' : '', html: '' };

  const total = cleaned.reduce((sum, unit) => sum + unit.length, 0);
  if (!truncated && total <= maxChars) return excerpts(cleaned);

  const kept: Unit[] = [];
  let used = 0;
  for (const unit of cleaned) {
    if (used + unit.length > maxChars) break;
    kept.push(unit);
    used += unit.length;
  }
  // What dangles at the end is text after the last formula (a formula ends in "$", which never dangles).
  const lastMath = kept.findLastIndex((unit) => unit.math);
  const tail = kept
    .slice(lastMath + 1)
    .map((unit) => unit.text)
    .join('')
    .replace(DANGLING_END, '');
  const head = kept.slice(0, lastMath + 1);
  if (head.length === 0 && !tail) {
    const first = cleaned[0];
    if (first && !first.math) {
      const graphemes = Array.from(graphemeSegmenter.segment(first.text), (s) => s.segment);
      return { text: `${graphemes.slice(0, maxChars).join('').replace(DANGLING_END, '')}…`, html: '' };
    }
  }
  return excerpts(head, `${tail}…`);
}

/** A run of text (whitespace collapsed) or a formula, as read from sanitized HTML for a snippet. */
type SourcePiece = { text: string; math: false } | { text: string; math: true; mathml?: string };

/**
 * The visible text and formulas of sanitized HTML in order, up to about `scanChars` characters of text: what a
 * search result's snippet is cut from (a match further in is not looked for). Not yet cut into words: a snippet
 * segments only the few hundred characters around its match.
 */
export interface ExcerptSource {
  readonly pieces: readonly SourcePiece[];
  /** The text went on past what was read. */
  readonly truncated: boolean;
  /** Reading began after the text's start (`ExcerptSourceOptions.from`). */
  readonly truncatedBefore?: boolean;
}

export interface ExcerptSourceOptions {
  /** Characters of text read at most. */
  scanChars: number;
  /**
   * What may turn out to be a match (cheap and generous: a word sharing a lexeme's start). Once one is read,
   * reading stops `afterCandidate` characters later: a long text is not read to its end for a snippet at its
   * start.
   */
  candidate?: (part: ExcerptPart) => boolean;
  afterCandidate?: number;
  /**
   * Whether a run of text may hold a candidate word at all (one regular expression over the run, where asking
   * `candidate` word by word costs most of a long text's reading); false only when none of its words is one.
   */
  mayHold?: (text: string) => boolean;
  /** Where in the HTML to begin reading: the start of a block element (`resumePoint`); 0 by default. */
  from?: number;
}

/** The first match may lie this far into a body before reading skips to it (parsing up to it is the cost). */
const RESUME_FROM_CHARS = 2_000;
/**
 * Markup read before the found text at least, for the words a snippet shows before its match (about a quarter of
 * its 260 characters; a block starting just before the match would leave none).
 */
const RESUME_CONTEXT_CHARS = 1_000;
const BLOCK_OPENINGS = ['<p>', '<li>', '<h2', '<h3', '<h4', '<blockquote>'];

/**
 * Where to begin reading sanitized HTML for an excerpt around text found at `found` (a position in the HTML, from
 * a regular expression over it): a block element starting a little before it, so the parser skips everything
 * before; 0 when it is
 * near the start, or when that block could lie inside a code block or the footnotes (left out of excerpts, so text
 * read from inside them would show what a whole reading hides).
 */
export function resumePoint(html: string, found: number): number {
  if (found < RESUME_FROM_CHARS) return 0;
  const block = Math.max(...BLOCK_OPENINGS.map((opening) => html.lastIndexOf(opening, found - RESUME_CONTEXT_CHARS)));
  if (block <= 0) return 0;
  const skipped = html.slice(0, block);
  if (skipped.includes('class="footnotes') || skipped.lastIndexOf('<pre') > skipped.lastIndexOf('</pre>')) return 0;
  return block;
}

export function excerptSource(html: string, options: ExcerptSourceOptions): ExcerptSource {
  const pieces: SourcePiece[] = [];
  let pending = '';
  let gathered = 0;
  let limit = options.scanChars;
  let truncated = false;
  const { candidate, afterCandidate = 0, mayHold } = options;
  const flush = (): void => {
    const text = pending.replace(BREAKING_SPACE, ' ');
    if (text) pieces.push({ text, math: false });
    pending = '';
  };
  const seen = (at: number): void => {
    limit = Math.min(limit, at + afterCandidate);
  };
  const from = options.from ?? 0;
  walkVisibleText(from > 0 ? html.slice(from) : html, { excerpt: true }, (piece) => {
    if (gathered >= limit) {
      truncated = true;
      return false;
    }
    if (piece.kind === 'text') {
      if (candidate && limit === options.scanChars && (!mayHold || mayHold(piece.text))) {
        for (const m of piece.text.matchAll(WORD)) {
          if (candidate({ word: m[0] })) {
            seen(gathered + m.index);
            break;
          }
        }
      }
      const room = limit - gathered;
      // A long text node is cut too (at a space, so no word is split); what is left is not read.
      const cut = piece.text.length > room ? piece.text.lastIndexOf(' ', room) : -1;
      if (piece.text.length > room) truncated = true;
      pending += piece.text.length > room ? piece.text.slice(0, Math.max(cut, 0)) : piece.text;
      gathered += piece.text.length;
      return !truncated;
    }
    if (!piece.tex) return true;
    flush();
    const delimiter = piece.display ? '$$' : '$';
    const text = `${delimiter}${piece.tex.replace(/\s+/gu, ' ')}${delimiter}`;
    if (candidate && limit === options.scanChars && candidate({ tex: piece.tex })) seen(gathered);
    pieces.push(piece.mathml ? { text, math: true, mathml: piece.mathml } : { text, math: true });
    gathered += text.length;
    return true;
  });
  flush();
  return from > 0 ? { pieces, truncated, truncatedBefore: true } : { pieces, truncated };
}

/** A word or formula of an excerpt source, as a predicate choosing what to mark sees it. */
export interface ExcerptPart {
  /** A formula: its TeX (without delimiters). */
  tex?: string;
  /** Text: the word as written (letters and digits, punctuation left out). */
  word?: string;
}

/** Letters and digits (with inner apostrophes) inside a unit of text: the words a search may have matched. */
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/**
 * Every distinct word of the source's text, for telling which ones a search matched (only of the runs `mayHold`
 * lets through, when given).
 */
export function sourceWords(source: ExcerptSource, mayHold?: (text: string) => boolean): string[] {
  const words = new Set<string>();
  for (const piece of source.pieces) {
    if (piece.math || (mayHold && !mayHold(piece.text))) continue;
    for (const match of piece.text.matchAll(WORD)) words.add(match[0]);
  }
  return [...words];
}

/** Share of the window shown before the first match, so the match has some context before it. */
const CONTEXT_BEFORE = 0.3;
/** Characters read past the window's edges, so that it can end at a word boundary. */
const REACH_SLACK = 40;
const texOf = (text: string) => text.replace(/^\$+|\$+$/g, '');

/** Where the first accepted word or formula is: piece and offset in it (the start when there is none). */
function firstMatch(
  source: ExcerptSource,
  isMatch: (part: ExcerptPart) => boolean,
  mayHold: ((text: string) => boolean) | undefined,
) {
  for (const [index, piece] of source.pieces.entries()) {
    if (piece.math) {
      if (isMatch({ tex: texOf(piece.text) })) return { index, offset: 0, found: true };
      continue;
    }
    if (mayHold && !mayHold(piece.text)) continue;
    for (const m of piece.text.matchAll(WORD))
      if (isMatch({ word: m[0] })) return { index, offset: m.index, found: true };
  }
  return { index: 0, offset: 0, found: false };
}

/**
 * A snippet of about `maxChars` grapheme clusters around the first word or formula `isMatch` accepts (the start
 * when none does), as HTML: escaped text, formulas typeset (MathML, styled letters as Unicode) and kept whole,
 * every accepted word or formula in `<mark>`, "…" where text was left out at either end. Cut between units, so
 * never inside a word, a grapheme cluster or a formula. `mayHold`, when given, is false for text in which `isMatch`
 * accepts no word (the runs it rules out are not read word by word).
 */
export function excerptAround(
  source: ExcerptSource,
  isMatch: (part: ExcerptPart) => boolean,
  maxChars: number,
  mayHold?: (text: string) => boolean,
): { html: string; matched: boolean } {
  const { pieces } = source;
  const match = firstMatch(source, isMatch, mayHold);
  // The text around the match, a little more than the window can take, cut into units (only this is segmented:
  // the word segmenter is the costly part).
  const reachBefore = Math.ceil(maxChars * CONTEXT_BEFORE) + REACH_SLACK;
  const reachAfter = maxChars + REACH_SLACK;
  const units: Unit[] = [];
  let cutBefore = source.truncatedBefore ?? false;
  let cutAfter = source.truncated;
  let at = -1;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (piece.math) {
      if (i === match.index) at = units.length;
      const unit: Unit = { text: piece.text, length: graphemeLength(piece.text), space: false, math: true };
      if (piece.mathml) unit.mathml = piece.mathml;
      units.push(unit);
      continue;
    }
    let from = 0;
    let to = piece.text.length;
    // Distance of this piece from the match, counted in characters; far pieces are skipped, near ones trimmed.
    if (i < match.index || (i === match.index && match.offset > reachBefore)) {
      const end = i === match.index ? match.offset : piece.text.length;
      const after = pieces.slice(i + 1, match.index).reduce((sum, p) => sum + p.text.length, 0);
      const tail = i === match.index ? 0 : after + match.offset;
      if (tail >= reachBefore) {
        cutBefore = true;
        continue;
      }
      from = Math.max(0, end - (reachBefore - tail));
      if (i === match.index) to = piece.text.length;
    }
    if (i > match.index) {
      const before = pieces.slice(match.index, i).reduce((sum, p) => sum + p.text.length, 0) - match.offset;
      if (before >= reachAfter) {
        cutAfter = true;
        break;
      }
      to = Math.min(to, reachAfter - before);
    } else if (i === match.index) {
      to = Math.min(to, match.offset + reachAfter);
    }
    // Cut at spaces, so no word is split (the window below drops the partial edges anyway).
    if (from > 0) {
      const space = piece.text.indexOf(' ', from);
      from = space < 0 ? to : space;
      cutBefore = true;
    }
    if (to < piece.text.length) {
      const space = piece.text.lastIndexOf(' ', to);
      to = Math.max(from, space < 0 ? from : space);
      cutAfter = true;
    }
    const start = units.length;
    snippetUnits(piece.text.slice(from, to), units);
    if (i === match.index && at < 0) {
      // The unit holding the match: the first whose text reaches past its offset.
      let position = from;
      for (let u = start; u < units.length; u++) {
        position += units[u]!.text.length;
        if (position > match.offset) {
          at = u;
          break;
        }
      }
    }
  }
  at = Math.max(at, 0);
  while (units.length > 0 && units[0]!.space) {
    units.shift();
    at = Math.max(0, at - 1);
  }
  let start = at;
  let used = units[at]?.length ?? 0;
  const before = Math.floor(maxChars * CONTEXT_BEFORE) + used;
  while (start > 0 && used + units[start - 1]!.length <= before) {
    start--;
    used += units[start]!.length;
  }
  let end = at + 1;
  while (end < units.length && used + units[end]!.length <= maxChars) {
    used += units[end]!.length;
    end++;
  }
  if (start > 0) cutBefore = true;
  if (end < units.length) cutAfter = true;
  while (start < at && units[start]!.space) start++;
  while (end > at + 1 && units[end - 1]!.space) end--;
  const html = units.slice(start, end).map((unit) => unitHtml(unit, isMatch));
  return {
    html: `${cutBefore ? '…' : ''}${html.join('').trim()}${cutAfter ? '…' : ''}`,
    matched: match.found,
  };
}

/**
 * textUnits, without the word segmenter where it cannot change the answer: in text of scripts written with spaces
 * units break only at spaces (the segmenter, costly to start, would take most of a snippet's time).
 */
function snippetUnits(text: string, units: Unit[]): void {
  if (SPACELESS_SCRIPT.test(text)) {
    textUnits(text, units);
    return;
  }
  for (const part of text.split(/( )/)) {
    if (part) units.push({ text: part, length: graphemeLength(part), space: part === ' ', math: false });
  }
}

/** A unit as snippet HTML: escaped text or typeset formula, with what `isMatch` accepts marked. */
function unitHtml(unit: Unit, isMatch: (part: ExcerptPart) => boolean): string {
  if (unit.math) {
    const shown = unit.mathml ? withStyledCharacters(unit.mathml.replace(DISPLAY_BLOCK, '$1')) : escapeHtml(unit.text);
    return isMatch({ tex: texOf(unit.text) }) ? `<mark>${shown}</mark>` : shown;
  }
  let out = '';
  let last = 0;
  for (const m of unit.text.matchAll(WORD)) {
    if (!isMatch({ word: m[0] })) continue;
    out += `${escapeHtml(unit.text.slice(last, m.index))}<mark>${escapeHtml(m[0])}</mark>`;
    last = m.index + m[0].length;
  }
  return out + escapeHtml(unit.text.slice(last));
}
