import katex from 'katex';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/content/escape.js';
import { estimateFormulaHtml, MAX_MACRO_TOKENS, parseFormula } from '../../src/content/formula-bounds.js';
import {
  clearFormulaCache,
  MAX_FORMULA_HTML_CHARS,
  MAX_MATH_HTML_CHARS,
  renderFormulas,
} from '../../src/content/formulas.js';
import { renderMarkdown } from '../../src/content/render.js';
import { sanitizeMath } from '../../src/content/sanitize.js';
import { byClass, textContent } from './helpers.js';

const KATEX_OPTIONS = {
  output: 'htmlAndMathml',
  throwOnError: true,
  trust: false,
  strict: 'ignore',
  maxExpand: 1000,
  maxSize: 20,
} as const;

/** Our rendering of one inline formula, without its `.math` wrapper. */
function ours(tex: string): string {
  clearFormulaCache();
  const [html] = renderFormulas([{ tex, display: false, block: false }]);
  return html!.replace(/^<span class="math math-inline">/, '').replace(/<\/span>$/, '');
}

/** The visible text KaTeX typeset (its HTML half, without the MathML copy). */
function typeset(html: string): string {
  return textContent(html.replace(/<span class="katex-mathml">[\s\S]*?<\/math><\/span>/g, ''));
}

describe('macro expansion is bounded by what it produces', () => {
  it('a 1.3 KB \\def bomb is shown as its source, in a few hundred bytes, not megabytes', () => {
    const tenX = 'x^x_x '.repeat(10);
    const hundredA = '\\a'.repeat(100);
    const tex = `\\def\\a{${tenX}}\\def\\b{${hundredA}}${'\\b'.repeat(8)}`;
    const html = renderMarkdown(`$${tex}$`);
    const [error] = byClass(html, 'math-error');
    expect(error?.attribs.title).toContain('Macros expand to more than');
    expect(textContent(html).trim()).toBe(tex);
    expect(html.length).toBeLessThan(tex.length + 200);
  });

  it('a macro pasting a long argument thousands of times is refused before it is built', () => {
    const tex = `\\def\\a#1{${'#1'.repeat(2000)}}\\a{${'x'.repeat(900)}}`;
    const [error] = byClass(renderMarkdown(`$${tex}$`), 'math-error');
    expect(error?.attribs.title).toContain(MAX_MACRO_TOKENS.toLocaleString('en'));
  });

  it('macros nested through \\newcommand and \\edef are counted too', () => {
    const tex = `\\newcommand{\\a}{${'y'.repeat(100)}}\\edef\\b{\\a\\a\\a\\a\\a}${'\\b'.repeat(20)}`;
    expect(byClass(renderMarkdown(`$${tex}$`), 'math-error')[0]?.attribs.title).toContain('Macros expand');
  });

  it('macros with arguments, delimiters and ## expand exactly as KaTeX expands them', () => {
    const cases = [
      String.raw`\def\pair#1#2{(#1,#2)}\pair{a}{b}+\pair xy`,
      String.raw`\def\d#1.#2;{#2^{#1}}\d 3.x;`,
      String.raw`\def\h#1{#1\#}\h{z}`,
      String.raw`\newcommand{\norm}[1]{\left\lVert#1\right\rVert}\norm{\frac{a}{b}}`,
      String.raw`\def\twice#1{#1#1}\twice{\twice{ab}}`,
      String.raw`\def\e{}\e x\e`,
      String.raw`\let\phi\varphi \phi\def\q#1{#1}\q\phi`,
      String.raw`\def\t#1{\text{#1}}\t{hi}`,
    ];
    for (const tex of cases) {
      const plain = sanitizeMath(katex.renderToString(tex, KATEX_OPTIONS));
      expect(ours(tex), tex).toBe(plain);
    }
  });

  it('malformed macro bodies are errors, as in KaTeX', () => {
    for (const tex of [String.raw`\def\a#1{#2}\a{x}`, String.raw`\def\a#1{x#}\a{y}`]) {
      expect(byClass(renderMarkdown(`$${tex}$`), 'math-error'), tex).toHaveLength(1);
    }
  });

  it('a definition made while checking a formula is not applied twice (\\xdef of itself)', () => {
    const inline = (tex: string) => ({ tex, display: false, block: false });
    const [, second, third] = renderFormulas([inline('\\gdef\\a{x}'), inline('\\xdef\\a{\\a\\a}\\a'), inline('\\a')]);
    expect(typeset(second!)).toBe('xx');
    expect(typeset(third!)).toBe('xx');
  });
});

describe('the output of a formula is estimated before it is built', () => {
  const corpus = [
    String.raw`\frac{a}{b} + \sqrt[3]{x^2+y_1} - \int_0^\infty e^{-x^2}\,dx`,
    String.raw`\overbrace{a+b}^{n} \underbrace{x}_{y} \widehat{abc} \xrightarrow{abc} \xleftarrow[u]{o}`,
    String.raw`\cancel{x} \boxed{x} \colorbox{red}{x} \fcolorbox{red}{blue}{x} \left(\frac{1}{2}\right) \Bigg[ x \Bigg]`,
    String.raw`\sum_{i=1}^n \prod \lim_{x\to 0} \oiint \iiint \not= \vec{x} \KaTeX \rule{1em}{2em}\kern1em`,
    String.raw`\begin{pmatrix}1&2\\3&4\end{pmatrix} \begin{cases}a & x\\b&y\end{cases}`,
    'a_{1}+'.repeat(800),
    `\\begin{array}{c}${'a&'.repeat(1500)}a\\end{array}`,
    `\\begin{aligned}${'a&=b\\\\'.repeat(500)}\\end{aligned}`,
    `${'\\underbrace{'.repeat(150)}x${'}_a'.repeat(150)}`,
    '\\xrightarrow{a}'.repeat(300),
    '\\vec{x}'.repeat(600),
    '\\oiint'.repeat(600),
    '\\sqrt{x}'.repeat(500),
  ];
  it('the estimate is never below what KaTeX makes', () => {
    for (const tex of corpus) {
      for (const displayMode of [false, true]) {
        const options = { ...KATEX_OPTIONS, displayMode };
        const actual = katex.renderToString(tex, options).length;
        const estimate = estimateFormulaHtml(parseFormula(tex, options), tex);
        expect(estimate, tex.slice(0, 40)).toBeGreaterThanOrEqual(actual);
      }
    }
  });

  it('an array of thousands of cells is shown as source instead of megabytes of HTML', () => {
    const tex = `\\begin{array}{c}${'a&'.repeat(2400)}a\\end{array}`;
    const html = renderMarkdown(`$${tex}$`);
    expect(byClass(html, 'katex')).toHaveLength(0);
    expect(byClass(html, 'math-error')[0]?.attribs.title).toBe('Formula too large to render');
    expect(html.length).toBeLessThan(escapeHtml(tex).length + 200);
    expect(MAX_FORMULA_HTML_CHARS).toBeLessThan(MAX_MATH_HTML_CHARS);
  });
});

describe('the document math budget', () => {
  const formulas = Array.from({ length: 12_000 }, (_, i) => ({
    tex: `x_{${i}}+\\sqrt{y_{${i}}}`,
    display: false,
    block: false,
  }));

  it('is never overdrawn, and once a formula does not fit no later one is rendered', () => {
    clearFormulaCache();
    const out = renderFormulas(formulas);
    const firstRefused = out.findIndex((html) => !html.includes('katex'));
    expect(firstRefused).toBeGreaterThan(500);
    const rendered = out.slice(0, firstRefused);
    const wrapper = '<span class="math math-inline"></span>'.length;
    const renderedChars = rendered.reduce((sum, html) => sum + html.length - wrapper, 0);
    expect(renderedChars).toBeLessThanOrEqual(MAX_MATH_HTML_CHARS);
    expect(out.slice(firstRefused).some((html) => html.includes('katex'))).toBe(false);
  });

  it('formulas past it add only their dollars to their source; the first one says why', () => {
    clearFormulaCache();
    const out = renderFormulas(formulas);
    const firstRefused = out.findIndex((html) => !html.includes('katex'));
    expect(out[firstRefused]).toContain('title="Not rendered: this document has more math than one page may hold"');
    for (let i = firstRefused + 1; i < out.length; i++) expect(out[i]).toBe(`$${formulas[i]!.tex}$`);
  });
});
