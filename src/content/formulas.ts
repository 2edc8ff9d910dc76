import katex, { type KatexOptions } from 'katex';
import { escapeHtml } from './escape.js';
import {
  DOCUMENT_COMMANDS,
  estimateFormulaHtml,
  KATEX_MAX_SIZE_EM,
  MAX_MACRO_TOKENS,
  type MacroMeter,
  meteredMacros,
  parseFormula,
} from './formula-bounds.js';
import type { Formula } from './math.js';
import { sanitizeMathBatch } from './sanitize.js';

// Formula rendering: KaTeX with bounded work, errors shown as source, sanitized output cached.

export const KATEX_MAX_EXPAND = 1000;
/** Longer formulas are shown as source: KaTeX time and output grow with length (20k chars ≈ 250 ms, 3 MB). */
export const MAX_FORMULA_CHARS = 5000;
/**
 * Total KaTeX HTML one document may produce (repeats included): 2,000 to 3,000 ordinary formulas. It bounds
 * render + sanitize time (0.2 to 0.3 µs per char together, ≈ 0.5 s for the whole budget) and page weight;
 * formulas past it are shown as source.
 */
export const MAX_MATH_HTML_CHARS = 2_000_000;
/** Estimated HTML one formula may make (a 2,000-cell array, say); past it the formula is shown as source. */
export const MAX_FORMULA_HTML_CHARS = 1_000_000;

const OVER_BUDGET = 'Not rendered: this document has more math than one page may hold';
const FORMULA_TOO_LARGE = 'Formula too large to render';

/**
 * What became of one formula: KaTeX's HTML; an error (its source shown, with a title saying why); or, past the
 * document's budget, its source as plain text between dollars.
 */
type Outcome = { html: string; sanitized: boolean } | { error: string } | { overBudget: true };

/**
 * The formula's HTML in its `.math` wrapper (a `div` for a display block, a `span` in a paragraph). A formula
 * past the budget adds only its delimiters to its source: there may be 50,000 of them.
 */
function formulaHtml({ tex, display, block }: Formula, outcome: Outcome, cleanHtml: string | undefined): string {
  if ('overBudget' in outcome) return escapeHtml(display ? `$$${tex}$$` : `$${tex}$`);
  const tag = block ? 'div' : 'span';
  const kind = display ? 'math-display' : 'math-inline';
  if ('html' in outcome) return `<${tag} class="math ${kind}">${cleanHtml ?? ''}</${tag}>`;
  return `<${tag} class="math ${kind} math-error" title="${escapeHtml(outcome.error)}">${escapeHtml(tex)}</${tag}>`;
}

function errorMessage(error: unknown): string {
  if (error instanceof katex.ParseError) return `KaTeX: ${error.rawMessage}`;
  if (error instanceof RangeError) return 'KaTeX: formula is nested too deeply';
  return `KaTeX: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Sanitized formula HTML shared across documents: a live preview re-renders the same post on every pause,
 * and an edit changes few of its formulas. Only formulas rendered without document macros are kept.
 */
const FORMULA_CACHE_MAX_ENTRIES = 5000;
const FORMULA_CACHE_MAX_CHARS = 16_000_000;
const formulaCache = new Map<string, string>();
let formulaCacheChars = 0;

function cachedFormula(key: string): string | undefined {
  const html = formulaCache.get(key);
  if (html !== undefined) {
    formulaCache.delete(key); // most recently used goes last
    formulaCache.set(key, html);
  }
  return html;
}

function cacheFormula(key: string, html: string): void {
  if (formulaCache.has(key)) return;
  formulaCache.set(key, html);
  formulaCacheChars += html.length;
  for (const [oldKey, oldHtml] of formulaCache) {
    if (formulaCache.size <= FORMULA_CACHE_MAX_ENTRIES && formulaCacheChars <= FORMULA_CACHE_MAX_CHARS) break;
    formulaCache.delete(oldKey);
    formulaCacheChars -= oldHtml.length;
  }
}

/** Empties the cross-document formula cache (benchmarks measure cold renders with it). */
export function clearFormulaCache(): void {
  formulaCache.clear();
  formulaCacheChars = 0;
}

/** Formulas this short, in a document without macros, skip the size estimate: they cannot make much HTML. */
const SMALL_FORMULA_CHARS = 100;
/**
 * Definitions made at a formula's top level (`\newcommand`, `\def`, `\gdef`, `\let`, …) persist for the rest of
 * the document (KaTeX's `globalGroup`), as MathJax users expect: a post defines its macros once. After such a
 * formula, identical TeX may expand differently.
 */
const DEFINES_MACRO = /\\(?:[gex]?def|global|(?:re|provide)?newcommand|let|futurelet)(?![a-zA-Z])/;

function katexOptions(display: boolean, macros: Record<string, unknown>): KatexOptions {
  return {
    displayMode: display,
    output: 'htmlAndMathml',
    throwOnError: true,
    trust: false,
    strict: 'ignore',
    maxExpand: KATEX_MAX_EXPAND,
    maxSize: KATEX_MAX_SIZE_EM,
    globalGroup: true,
    macros: macros as KatexOptions['macros'],
  };
}

/** One document's formulas share their macros (top-level definitions persist) and the document's math budget. */
class DocumentMath {
  private readonly meter: MacroMeter = { remaining: MAX_MACRO_TOKENS };
  readonly macros = meteredMacros(this.meter);
  /** Characters of math HTML still allowed; once a formula does not fit, no later one is rendered. */
  private budget = MAX_MATH_HTML_CHARS;
  exhausted = false;

  /** Whether an earlier formula defined a macro (then a formula's HTML depends on more than its TeX). */
  hasMacros(): boolean {
    return Object.keys(this.macros).some((name) => !DOCUMENT_COMMANDS.has(name));
  }

  /** KaTeX's HTML for a formula, or an error if it breaks a rule or a bound. */
  render(tex: string, display: boolean): Outcome {
    const options = katexOptions(display, this.macros);
    try {
      if (tex.length > SMALL_FORMULA_CHARS || this.hasMacros() || DEFINES_MACRO.test(tex)) {
        // Parse first (macros run, bounded by the meter) and estimate the output before building any of it.
        // The trial parse must leave no \gdef behind, or the real one would apply it twice.
        const before = { ...this.macros };
        this.meter.remaining = MAX_MACRO_TOKENS;
        let estimate: number;
        try {
          estimate = estimateFormulaHtml(parseFormula(tex, options), tex);
        } finally {
          for (const name of Object.keys(this.macros)) if (!(name in before)) delete this.macros[name];
          Object.assign(this.macros, before);
        }
        if (estimate > MAX_FORMULA_HTML_CHARS) return { error: FORMULA_TOO_LARGE };
        if (estimate > this.budget) return this.overBudget();
      }
      this.meter.remaining = MAX_MACRO_TOKENS;
      return { html: katex.renderToString(tex, options), sanitized: false };
    } catch (error) {
      return { error: errorMessage(error) };
    }
  }

  /** Counts an outcome against the budget, or turns it into an over-budget error if it does not fit. */
  charge(outcome: Outcome, tex: string): Outcome {
    if (this.exhausted) return outcome; // its own estimate was past the budget
    const size = 'html' in outcome ? outcome.html.length : tex.length + ('error' in outcome ? outcome.error.length : 0);
    if (size > this.budget) return this.overBudget();
    this.budget -= size;
    return outcome;
  }

  /** Formulas past the budget are shown as source: the first as an error saying why, the rest as plain text. */
  overBudget(): Outcome {
    const first = !this.exhausted;
    this.exhausted = true;
    return first ? { error: OVER_BUDGET } : { overBudget: true };
  }
}

/**
 * Renders each formula with KaTeX (HTML + MathML, trust off), sanitized with the math allowlist, in its `.math`
 * wrapper. A formula KaTeX rejects, or one past a bound (its length, its macros' output, its estimated HTML),
 * is shown as its escaped source with class `math-error`; so is the first one past the document's budget, and
 * the later ones as plain text (`$TeX$`). One entry per formula.
 */
export function renderFormulas(formulas: readonly Formula[]): string[] {
  const doc = new DocumentMath();
  const memo = new Map<string, Outcome>(); // within this document
  const cacheable = new Map<string, string>(); // unsanitized HTML → cache key, for HTML rendered without macros
  const outcomes = formulas.map(({ tex, display }): Outcome => {
    if (doc.exhausted) return doc.overBudget();
    if (tex.length > MAX_FORMULA_CHARS) {
      return doc.charge({ error: `Formula too long to render (limit ${MAX_FORMULA_CHARS} characters)` }, tex);
    }
    const key = (display ? 'D' : 'I') + tex;
    const withoutMacros = !doc.hasMacros();
    const cached = withoutMacros ? cachedFormula(key) : undefined;
    let outcome = cached === undefined ? memo.get(key) : { html: cached, sanitized: true };
    if (outcome === undefined) {
      outcome = doc.render(tex, display);
      if (DEFINES_MACRO.test(tex)) memo.clear();
      else memo.set(key, outcome);
      if ('html' in outcome && withoutMacros && !doc.hasMacros()) cacheable.set(outcome.html, key);
    }
    return doc.charge(outcome, tex);
  });

  // Identical formulas are sanitized once, and all of them in one pass.
  const unsanitized = new Set<string>();
  for (const outcome of outcomes) if ('html' in outcome && !outcome.sanitized) unsanitized.add(outcome.html);
  const distinct = [...unsanitized];
  const cleaned = sanitizeMathBatch(distinct);
  const cleanByHtml = new Map(distinct.map((html, i) => [html, cleaned[i]!]));
  for (const [html, key] of cacheable) {
    const clean = cleanByHtml.get(html);
    if (clean !== undefined) cacheFormula(key, clean);
  }
  return formulas.map((formula, i) => {
    const outcome = outcomes[i]!;
    const clean = 'html' in outcome ? (outcome.sanitized ? outcome.html : cleanByHtml.get(outcome.html)) : undefined;
    return formulaHtml(formula, outcome, clean);
  });
}
