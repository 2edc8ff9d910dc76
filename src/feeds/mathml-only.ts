// Formulas in a feed: MathML only. Stored HTML has each formula twice, as KaTeX writes it: MathML (with the TeX as
// its annotation) for assistive technology, and "katex-html", hundreds of positioned spans with inline styles
// that only KaTeX's stylesheet turns into a formula. A feed reader has no such stylesheet and shows both, the
// formula's text twice and the spans garbled; every current reader's engine renders MathML itself.

import { withoutKatexHtml } from '../content/katex-html.js';
import { withStyledCharacters } from '../content/math-variants.js';

// The MathML's wrapper, which KaTeX's stylesheet hides visually; a <math> never holds another.
const MATHML_WRAPPER = /<span class="katex-mathml">(<math[\s\S]*?<\/math>)<\/span>/g;

/** Stored HTML with each formula as its MathML alone, its styled letters (ℝ, 𝓑) written as such. */
export function mathmlOnly(html: string): string {
  const mathml = withoutKatexHtml(html);
  return mathml === html ? html : withStyledCharacters(mathml.replace(MATHML_WRAPPER, '$1'));
}
