import katex from 'katex';
import { escapeHtml } from './escape.js';
import type { Formula } from './math.js';
import { sanitizeMathBatch } from './sanitize.js';

// Formula rendering: KaTeX with bounded work, errors shown as source, sanitized output cached.

export const KATEX_MAX_EXPAND = 1000;
export const KATEX_MAX_SIZE_EM = 20;
/** Longer formulas are shown as source: KaTeX time and output grow with length (20k chars ≈ 250 ms, 3 MB). */
export const MAX_FORMULA_CHARS = 5000;
/**
 * Total KaTeX HTML one document may produce (repeats included). It bounds render + sanitize time
 * (≈ 0.2 µs per char together) and page weight; formulas past it are shown as source.
 */
export const MAX_MATH_HTML_CHARS = 3_000_000;

function errorHtml(tex: string, message: string): string {
  return `<span class="math-error" title="${escapeHtml(message)}">${escapeHtml(tex)}</span>`;
}

function errorMessage(error: unknown): string {
  if (error instanceof katex.ParseError) return `KaTeX: ${error.rawMessage}`;
  if (error instanceof RangeError) return 'KaTeX: formula is nested too deeply';
  return `KaTeX: ${error instanceof Error ? error.message : String(error)}`;
}

// \gdef, \global\def and \xdef persist across the formulas of one document, so a post can define its
// macros once. After such a formula, identical TeX may expand differently.
const DEFINES_GLOBAL_MACRO = /\\(?:gdef|global|xdef)/;

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

function renderKatex(tex: string, display: boolean, macros: Record<string, string | object>): string {
  try {
    return katex.renderToString(tex, {
      displayMode: display,
      output: 'htmlAndMathml',
      throwOnError: true,
      trust: false,
      strict: 'ignore',
      maxExpand: KATEX_MAX_EXPAND,
      maxSize: KATEX_MAX_SIZE_EM,
      macros,
    });
  } catch (error) {
    return errorHtml(tex, errorMessage(error));
  }
}

/**
 * Renders each formula with KaTeX (HTML + MathML, trust off) and sanitizes it with the math allowlist.
 * A formula KaTeX rejects, or one past the length or document budget, becomes its escaped source in a
 * `.math-error` span whose title says why. Returns sanitized HTML, one entry per formula.
 */
export function renderFormulas(formulas: readonly Formula[]): string[] {
  const macros: Record<string, string | object> = {};
  const memo = new Map<string, string>(); // key → unsanitized HTML, within this document
  const cacheable = new Map<string, string>(); // unsanitized HTML → key, for HTML rendered without macros
  const unsanitized: Array<string | undefined> = [];
  const sanitized: Array<string | undefined> = [];
  let budget = MAX_MATH_HTML_CHARS;
  for (const { tex, display } of formulas) {
    let html: string | undefined;
    let clean: string | undefined;
    if (tex.length > MAX_FORMULA_CHARS) {
      html = errorHtml(tex, `Formula too long to render (limit ${MAX_FORMULA_CHARS} characters)`);
    } else if (budget <= 0) {
      html = errorHtml(tex, 'Not rendered: this document has more math than one page may hold');
    } else {
      const key = (display ? 'D' : 'I') + tex;
      const withoutMacros = Object.keys(macros).length === 0;
      clean = withoutMacros ? cachedFormula(key) : undefined;
      html = clean === undefined ? memo.get(key) : undefined;
      if (clean === undefined && html === undefined) {
        html = renderKatex(tex, display, macros);
        if (DEFINES_GLOBAL_MACRO.test(tex)) memo.clear();
        else memo.set(key, html);
        if (withoutMacros && Object.keys(macros).length === 0) cacheable.set(html, key);
      }
    }
    budget -= (clean ?? html ?? '').length;
    unsanitized.push(clean === undefined ? html : undefined);
    sanitized.push(clean);
  }

  // Identical formulas are sanitized once, and all of them in one pass.
  const distinct = [...new Set(unsanitized.filter((html): html is string => html !== undefined))];
  const cleaned = sanitizeMathBatch(distinct);
  const cleanByHtml = new Map(distinct.map((html, i) => [html, cleaned[i]!]));
  for (const [html, key] of cacheable) cacheFormula(key, cleanByHtml.get(html)!);
  return formulas.map((_, i) => sanitized[i] ?? cleanByHtml.get(unsanitized[i]!) ?? '');
}
