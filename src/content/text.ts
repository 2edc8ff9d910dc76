import { Parser } from 'htmlparser2';
import { withoutKatexHtml } from './katex-html.js';
import { ANY_PLACEHOLDER } from './math.js';

/**
 * A run of visible text, or a formula: its TeX (recovered from KaTeX's annotation or an error's source) and, for
 * one KaTeX typeset, its MathML as written in the HTML walked.
 */
export type Piece = { kind: 'text'; text: string } | { kind: 'math'; tex: string; display: boolean; mathml?: string };

export interface WalkOptions {
  /** Drop what an excerpt leaves out: code blocks and the footnotes section (markers are always dropped). */
  excerpt: boolean;
}

// Elements whose edges separate words ("<p>a</p><p>b</p>" is "a b", "<em>a</em>b" is "ab").
const BLOCK_ELEMENTS = new Set(
  `address article aside blockquote br caption dd details div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header
  hr li main nav ol p pre section summary table tbody td tfoot th thead tr ul`.split(/\s+/),
);
const NEVER_TEXT = new Set(['script', 'style', 'template', 'textarea', 'img', 'input', 'svg']);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** A heading ending in one of these already reads as ended. */
const SENTENCE_END = /[.!?:;…)\]]/u;

interface Frame {
  skip: boolean;
  display: boolean;
  math: boolean;
  annotation: boolean;
}

class StopWalk extends Error {}
/** Thrown to stop a walk: one, made once (an error's stack is taken when it is made, a cost per excerpt). */
const STOP_WALK = new StopWalk();

/**
 * Walks sanitized HTML in document order, handing visible text and formulas to `onPiece`, which returns
 * false to stop early (excerpts need only the start of a long post).
 */
export function walkVisibleText(stored: string, options: WalkOptions, onPiece: (piece: Piece) => boolean): void {
  // Formulas are read from their MathML and TeX; their visual spans, most of a math-heavy body's markup, are cut
  // first (the parser would read every one of them, for nothing: 80 % of a snippet's cost on the synthetic forum).
  const html = withoutKatexHtml(stored);
  const frames: Frame[] = [];
  let skipDepth = 0;
  let displayDepth = 0;
  let capture: { tex: string; fromAnnotation: boolean; display: boolean; mathml?: string } | null = null;
  let mathmlStart = -1;
  let annotationDepth = 0;

  /** The last character of visible text emitted (for ending a heading in an excerpt). */
  let lastChar = '';
  const emit = (piece: Piece): void => {
    if (piece.kind === 'text' && piece.text.trim()) lastChar = piece.text.trimEnd().slice(-1);
    if (!onPiece(piece)) throw STOP_WALK;
  };

  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const classes = (attribs.class ?? '').split(/\s+/);
        const display = classes.includes('math-display') || classes.includes('katex-display');
        const frame: Frame = { skip: false, display, math: false, annotation: false };
        if (skipDepth === 0 && capture === null && BLOCK_ELEMENTS.has(name)) emit({ kind: 'text', text: ' ' });
        if (capture !== null) {
          if (name === 'annotation' && attribs.encoding === 'application/x-tex') frame.annotation = true;
          if (name === 'math' && mathmlStart < 0 && capture.mathml === undefined) mathmlStart = parser.startIndex;
        } else if (classes.includes('katex') || classes.includes('math-error')) {
          frame.math = true;
          // A formula shown as source is its own wrapper: `.math.math-display.math-error`.
          capture = { tex: '', fromAnnotation: classes.includes('katex'), display: display || displayDepth > 0 };
        } else if (
          NEVER_TEXT.has(name) ||
          // Footnote markers ("[1]") and back-links ("↩︎") are controls, not words.
          classes.includes('footnote-ref') ||
          classes.includes('footnote-backref') ||
          (options.excerpt && (name === 'pre' || classes.includes('footnotes')))
        ) {
          frame.skip = true;
        }
        if (frame.skip) skipDepth++;
        if (frame.display) displayDepth++;
        if (frame.annotation) annotationDepth++;
        frames.push(frame);
      },
      ontext(text) {
        if (skipDepth > 0) return;
        if (capture === null) emit({ kind: 'text', text });
        else if (!capture.fromAnnotation || annotationDepth > 0) capture.tex += text;
      },
      onclosetag(name) {
        const frame = frames.pop();
        if (!frame) return;
        if (frame.skip) skipDepth--;
        if (frame.display) displayDepth--;
        if (frame.annotation) annotationDepth--;
        if (name === 'math' && capture !== null && mathmlStart >= 0) {
          capture.mathml = html.slice(mathmlStart, parser.endIndex + 1);
          mathmlStart = -1;
        }
        if (frame.math && capture !== null) {
          const { tex, display, mathml } = capture;
          capture = null;
          emit(
            mathml === undefined
              ? { kind: 'math', tex: tex.trim(), display }
              : { kind: 'math', tex: tex.trim(), display, mathml },
          );
        }
        // In an excerpt a heading runs into the text after it ("Setup Let the …"): end it like a sentence.
        if (options.excerpt && skipDepth === 0 && capture === null && HEADINGS.has(name) && lastChar) {
          if (!SENTENCE_END.test(lastChar)) emit({ kind: 'text', text: '.' });
        }
        if (skipDepth === 0 && capture === null && BLOCK_ELEMENTS.has(name)) emit({ kind: 'text', text: ' ' });
      },
    },
    { decodeEntities: true },
  );
  try {
    parser.end(html);
  } catch (error) {
    if (error !== STOP_WALK) throw error;
  }
}

const wordSegmenter = new Intl.Segmenter('en', { granularity: 'word' });
/** Scripts written without spaces between words, where only a dictionary segmenter finds the words. */
export const SPACELESS_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\u3000-\u303f\uff00-\uffef]/u;
const HAS_WORD_CHARACTER = /[\p{L}\p{N}]/u;
/**
 * V8's Intl.Segmenter slows down quadratically with the length of the string it walks (40,000 words take
 * 17 s in one piece, 60 ms in pieces), so long text is fed to it in chunks cut at whitespace.
 */
const SEGMENT_CHUNK = 768;
const graphemeSegmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * A character that always forms a grapheme cluster on its own (Latin, Greek, Cyrillic, CJK, common punctuation;
 * no combining marks, joiners, Hangul jamo or surrogates): between two of them is always a cluster boundary.
 */
export const SINGLE_CLUSTER_CHARACTER =
  /[\x20-\x7e\u00a0-\u02ff\u0370-\u03ff\u0400-\u0482\u048a-\u052f\u2010-\u2027\u2030-\u205e\u3000-\u3029\u3030-\u303f\u3041-\u3096\u30a0-\u30ff\u4e00-\u9fff]/;

/** The last grapheme cluster boundary in (start, end] of the text, or `end` if a cluster spans all of it. */
function clusterBoundaryBefore(text: string, start: number, end: number): number {
  if (SINGLE_CLUSTER_CHARACTER.test(text[end - 1]!) && SINGLE_CLUSTER_CHARACTER.test(text[end]!)) return end;
  // Boundaries up to `end` are known once the code point after it (two UTF-16 units at most) is seen.
  let boundary = start;
  for (const { index } of graphemeSegmenter.segment(text.slice(start, end + 2))) {
    if (index > end - start) break;
    boundary = start + index;
  }
  if (boundary > start) return boundary;
  return /[\uDC00-\uDFFF]/.test(text[end]!) ? end - 1 : end; // a cluster longer than a chunk: keep pairs whole
}

/** Word segments of the text, fed to the segmenter in chunks cut at whitespace or between grapheme clusters. */
export function* segmentWords(text: string): Generator<Intl.SegmentData> {
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + SEGMENT_CHUNK);
    if (end < text.length) {
      let cut = end;
      while (cut > start + SEGMENT_CHUNK / 2 && !/\s/.test(text[cut - 1]!)) cut--;
      end = cut > start + SEGMENT_CHUNK / 2 ? cut : clusterBoundaryBefore(text, start, end);
    }
    yield* wordSegmenter.segment(text.slice(start, end));
    start = end;
  }
}

/** Words of visible text in HTML that still holds math placeholders; each formula counts as one word. */
export function countWords(html: string): number {
  let words = 0;
  walkVisibleText(html, { excerpt: false }, (piece) => {
    if (piece.kind === 'math') {
      words++;
      return true;
    }
    const text = piece.text.replace(ANY_PLACEHOLDER, () => {
      words++;
      return ' ';
    });
    // Space-separated scripts: one word per token with a letter or digit (the segmenter costs ≈ 1 µs a
    // segment, and "[*[*[*…" is all segments). Scripts without spaces: the segmenter's dictionary words.
    for (const token of text.split(/\s+/)) {
      if (SPACELESS_SCRIPT.test(token)) {
        for (const segment of segmentWords(token)) if (segment.isWordLike) words++;
      } else if (HAS_WORD_CHARACTER.test(token)) {
        words++;
      }
    }
    return true;
  });
  return words;
}
