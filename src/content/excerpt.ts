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
