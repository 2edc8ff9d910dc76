// Formulas in a feed: MathML only. Stored HTML has each formula twice, as KaTeX writes it: MathML (with the TeX as
// its annotation) for assistive technology, and "katex-html", hundreds of positioned spans with inline styles
// that only KaTeX's stylesheet turns into a formula. A feed reader has no such stylesheet and shows both, the
// formula's text twice and the spans garbled; every current reader's engine renders MathML itself.

// Sound on stored HTML only: sanitize-html's output, where a text `<` is always written `&lt;`, so every
// `<span` and `</span>` is a real tag.
const KATEX_HTML = '<span class="katex-html" aria-hidden="true">';
const SPAN_TAG = /<span[\s>]|<\/span>/g;
// The MathML's wrapper, which KaTeX's stylesheet hides visually; a <math> never holds another.
const MATHML_WRAPPER = /<span class="katex-mathml">(<math[\s\S]*?<\/math>)<\/span>/g;

import { withStyledCharacters } from '../content/math-variants.js';

/** Stored HTML with each formula as its MathML alone, its styled letters (ℝ, 𝓑) written as such. */
export function mathmlOnly(html: string): string {
  if (!html.includes(KATEX_HTML)) return html;
  let out = '';
  let from = 0;
  for (let at = html.indexOf(KATEX_HTML); at >= 0; at = html.indexOf(KATEX_HTML, from)) {
    out += html.slice(from, at);
    SPAN_TAG.lastIndex = at;
    let depth = 0;
    let end = html.length;
    for (let tag = SPAN_TAG.exec(html); tag; tag = SPAN_TAG.exec(html)) {
      depth += tag[0] === '</span>' ? -1 : 1;
      if (depth === 0) {
        end = tag.index + tag[0].length;
        break;
      }
    }
    from = end;
  }
  return withStyledCharacters((out + html.slice(from)).replace(MATHML_WRAPPER, '$1'));
}
