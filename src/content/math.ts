import type { MarkdownIt } from 'markdown-it';
import { mathBlock } from './math-block.js';
import { mathInline } from './math-inline.js';

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

/**
 * markdown-it plugin: `$…$`, `$$…$$` and `\(…\)` in paragraphs (math-inline.ts), and display blocks of their own
 * (`$$…$$`, `\[…\]`, `\begin{align}…\end{align}`; math-block.ts) become math tokens rendered as placeholders.
 */
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
