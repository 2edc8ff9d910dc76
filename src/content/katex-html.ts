// Stored HTML has each formula twice, as KaTeX writes it: MathML (with the TeX as its annotation) for assistive
// technology and for reading the formula back, and "katex-html", hundreds of positioned spans with inline styles
// that only KaTeX's stylesheet turns into a formula. Nothing reads text from the second, and in a math-heavy body
// it is most of the markup.

// Sound on stored HTML only: sanitize-html's output, where a text `<` is always written `&lt;`, so every
// `<span` and `</span>` is a real tag.
const KATEX_HTML = '<span class="katex-html" aria-hidden="true">';
const SPAN_TAG = /<span[\s>]|<\/span>/g;

/** Stored HTML without the "katex-html" half of its formulas (to its end, where HTML cut short ends inside one). */
export function withoutKatexHtml(html: string): string {
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
  return out + html.slice(from);
}
