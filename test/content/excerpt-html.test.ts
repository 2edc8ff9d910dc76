import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { makeExcerpt, makeExcerpts } from '../../src/content/excerpt.js';
import { withStyledCharacters } from '../../src/content/math-variants.js';
import { renderContent, renderMarkdown } from '../../src/content/render.js';

const excerpts = (markdown: string, maxChars = 300) => makeExcerpts(renderMarkdown(markdown), maxChars);

/** What a reader sees of an HTML excerpt: its text, each formula as the characters of its MathML tokens. */
function seen(html: string): string {
  let text = '';
  let hidden = 0;
  const parser = new Parser(
    {
      onopentag: (name) => {
        if (name === 'annotation' || hidden > 0) hidden++;
      },
      onclosetag: () => {
        if (hidden > 0) hidden--;
      },
      ontext: (t) => {
        if (hidden === 0) text += t;
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return text;
}

describe('HTML excerpts', () => {
  it('typeset each formula as MathML alone, in the same words as the text excerpt', () => {
    const markdown = 'Let $\\mathcal{B}_{\\text{simple}}$ be the basis and $x^2 < y$ hold, for *all* x & y.';
    const { text, html } = excerpts(markdown);
    expect(text).toBe(makeExcerpt(renderMarkdown(markdown), 300));
    expect(text).toBe('Let $\\mathcal{B}_{\\text{simple}}$ be the basis and $x^2 < y$ hold, for all x & y.');
    expect(html.match(/<math\b/g)).toHaveLength(2);
    // None of KaTeX's positioned spans, which only its stylesheet makes readable, and no TeX shown as text.
    expect(html).not.toContain('katex-html');
    expect(html).not.toContain('class=');
    expect(seen(html)).toBe('Let ℬsimple be the basis and x2<y hold, for all x & y.');
    expect(html).toContain('for all x &amp; y.');
  });

  it('are empty when the excerpt has no typeset formula, so pages show the text', () => {
    expect(excerpts('Plain words, <b>bold</b> & more.')).toEqual({ text: 'Plain words, bold & more.', html: '' });
    // A formula KaTeX could not typeset is shown as its source, as text.
    const broken = excerpts('Broken $\\frac{1}{$ here');
    expect(broken.html).toBe('');
    expect(broken.text).toContain('$');
  });

  it('draw a display formula inline, within the line of the excerpt', () => {
    const { text, html } = excerpts('Before\n\n$$\\int_0^1 f(x)\\,dx$$\n\nafter.');
    expect(text).toBe('Before $$\\int_0^1 f(x)\\,dx$$ after.');
    expect(html).toMatch(/^Before <math[^>]*>/);
    expect(html).not.toContain('display="block"');
  });

  it('escape the text around the formulas, markup typed as text included', () => {
    const { html } = excerpts('`<script>alert(1)</script>` and $a$ "quoted" <img src=x onerror=alert(1)>');
    expect(html).not.toMatch(/<script|<img|onerror=/i);
    expect(seen(html)).toContain('<script>alert(1)</script> and a "quoted"');
  });

  it('cut where the text excerpt is cut, with the same ellipsis and no dangling punctuation', () => {
    const markdown = `Take $\\alpha$ and ${'word '.repeat(100)}end.`;
    const { text, html } = excerpts(markdown, 60);
    expect(text.endsWith('…')).toBe(true);
    expect(seen(html)).toBe(text.replace('$\\alpha$', 'α'));
    // A cut right after a formula keeps the formula and ends in the ellipsis.
    const afterFormula = excerpts('Words $\\beta$, — then a very long tail of text that is cut', 14);
    expect(afterFormula.text).toBe('Words $\\beta$…');
    expect(seen(afterFormula.html)).toBe('Words β…');
  });

  it('are stored beside the text excerpt when content is rendered', () => {
    const rendered = renderContent('The reals $\\mathbb{R}$.');
    expect(rendered.excerpt).toBe('The reals $\\mathbb{R}$.');
    expect(seen(rendered.excerptHtml)).toBe('The reals ℝ.');
  });
});

describe('styled letters in MathML', () => {
  const mathml = (tex: string) => renderMarkdown(`$${tex}$`);

  it('are written as Unicode’s styled characters, which every MathML engine draws', () => {
    const cases: [string, string][] = [
      ['\\mathbb{R}', 'ℝ'],
      ['\\mathbb{N}', 'ℕ'],
      ['\\mathbb{E}', '𝔼'],
      ['\\mathbb{1}', '𝟙'],
      ['\\mathcal{B}', 'ℬ'],
      ['\\mathcal{A}', '𝒜'],
      ['\\mathscr{L}', 'ℒ'],
      ['\\mathfrak{g}', '𝔤'],
      ['\\mathfrak{H}', 'ℌ'],
      ['\\mathbf{x}', '𝐱'],
      ['\\mathbf{0}', '𝟎'],
      ['\\boldsymbol{\\alpha}', '𝜶'],
      ['\\boldsymbol{\\Omega}', '𝛀'], // TeX keeps capital Greek upright,
      ['\\mathsf{A}', '𝖠'],
      ['\\mathtt{x}', '𝚡'],
    ];
    for (const [tex, expected] of cases) {
      const styled = withStyledCharacters(mathml(tex));
      expect(seen(styled.replace(/<span class="katex-html"[\s\S]*$/, '')), tex).toBe(expected);
      expect(styled.match(/<m[ion][^>]*mathvariant="(?!normal)/), tex).toBeNull();
    }
  });

  it('leave entities, upright letters and characters without a styled form alone', () => {
    expect(withStyledCharacters('<mtext mathvariant="bold">a&amp;b</mtext>')).toBe('<mtext>𝐚&amp;𝐛</mtext>');
    expect(withStyledCharacters('<mi mathvariant="normal">d</mi>')).toBe('<mi mathvariant="normal">d</mi>');
    expect(withStyledCharacters('<mi mathvariant="script">∂</mi>')).toBe('<mi>∂</mi>');
    expect(withStyledCharacters('<mi mathvariant="unknown">x</mi>')).toBe('<mi mathvariant="unknown">x</mi>');
  });
});
