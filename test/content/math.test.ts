import { describe, expect, it } from 'vitest';
import { clearFormulaCache, MAX_FORMULA_CHARS } from '../../src/content/formulas.js';
import { renderMarkdown } from '../../src/content/render.js';
import { byClass, elements, textContent } from './helpers.js';

/** The TeX of every rendered formula, from KaTeX's annotation. */
function formulas(html: string): string[] {
  const found: string[] = [];
  const re = /<annotation encoding="application\/x-tex">([\s\S]*?)<\/annotation>/g;
  for (let match = re.exec(html); match; match = re.exec(html)) found.push(textContent(match[1]!).trim());
  return found;
}

describe('inline math', () => {
  it('renders $…$ with KaTeX as HTML and MathML inside span.math-inline', () => {
    const html = renderMarkdown('Energy $E = mc^2$ here.');
    const [wrapper] = byClass(html, 'math-inline');
    expect(wrapper?.name).toBe('span');
    expect(byClass(html, 'katex-mathml')).toHaveLength(1);
    expect(byClass(html, 'katex-html')).toHaveLength(1);
    expect(elements(html).some((e) => e.name === 'math')).toBe(true);
    expect(formulas(html)).toEqual(['E = mc^2']);
  });

  it('renders \\(…\\) as inline math', () => {
    expect(formulas(renderMarkdown('so \\(a+b\\) holds'))).toEqual(['a+b']);
  });

  it('leaves prices alone: "$5 and $10" is plain text', () => {
    const html = renderMarkdown('It costs $5 and $10, or $20 in total.');
    expect(byClass(html, 'katex')).toHaveLength(0);
    expect(textContent(html)).toBe('It costs $5 and $10, or $20 in total.\n');
  });

  it('needs a non-space after the opening and before the closing dollar', () => {
    expect(byClass(renderMarkdown('a $ x$ b'), 'katex')).toHaveLength(0);
    expect(byClass(renderMarkdown('a $x $ b'), 'katex')).toHaveLength(0);
  });

  it('does not close on a dollar followed by a digit', () => {
    expect(byClass(renderMarkdown('from $x$5 up'), 'katex')).toHaveLength(0);
  });

  it('treats \\$ as a literal dollar, outside and inside math', () => {
    const html = renderMarkdown('Pay \\$3 for $\\$x$ and \\$y\\$.');
    expect(formulas(html)).toEqual(['\\$x']);
    expect(textContent(html.replace(/<span class="math[\s\S]*?<\/annotation>/, ''))).toContain('Pay $3 for');
    expect(textContent(html)).toContain('and $y$.');
  });

  it('does not render math inside code spans, fenced or indented code', () => {
    const html = renderMarkdown('Use `$x$` here.\n\n```\n$$y$$\n```\n\n    $z$');
    expect(byClass(html, 'katex')).toHaveLength(0);
    expect(textContent(html)).toContain('$x$');
    expect(textContent(html)).toContain('$$y$$');
  });

  it('renders math in links, emphasis, tables, lists and footnotes', () => {
    const html = renderMarkdown(
      '[see $a$](https://example.com) *with $b$*\n\n| $c$ | d |\n|---|---|\n| 1 | $e$ |\n\n- item $f$\n\nNote[^1]\n\n[^1]: with $g$',
    );
    expect(formulas(html)).toEqual(['a', 'b', 'c', 'e', 'f', 'g']);
  });
});

describe('display math', () => {
  it('renders a $$ block spanning lines as div.math-display', () => {
    const html = renderMarkdown('Before\n\n$$\n\\int_0^1 f(x)\\,dx\n= 1\n$$\n\nAfter');
    const [wrapper] = byClass(html, 'math-display');
    expect(wrapper?.name).toBe('div');
    expect(byClass(html, 'katex-display')).toHaveLength(1);
    expect(formulas(html)).toEqual(['\\int_0^1 f(x)\\,dx\n= 1']);
  });

  it('renders \\[…\\] blocks and one-line $$…$$ blocks', () => {
    expect(formulas(renderMarkdown('\\[\na^2 + b^2\n\\]'))).toEqual(['a^2 + b^2']);
    const html = renderMarkdown('$$ x = y $$');
    expect(byClass(html, 'math-display')[0]?.name).toBe('div');
  });

  it('lets a display block interrupt a paragraph and live in quotes and lists', () => {
    const html = renderMarkdown('Text\n$$\nx\n$$\n\n> $$\n> y\n> $$\n\n- item\n\n  $$\n  z\n  $$');
    expect(formulas(html)).toEqual(['x', 'y', 'z']);
    expect(byClass(html, 'katex-display')).toHaveLength(3);
  });

  it('renders $$…$$ inside a paragraph as display math in a span; \\[…\\] there is escaped brackets', () => {
    const html = renderMarkdown('so $$a=b$$ and \\[c\\] follow');
    const wrappers = byClass(html, 'math-display');
    expect(wrappers.map((w) => w.name)).toEqual(['span']);
    expect(byClass(html, 'katex-display')).toHaveLength(1);
    expect(textContent(html)).toMatch(/ and \[c\] follow\n$/);
  });

  it('does not let a display block run across a blank line', () => {
    const html = renderMarkdown('$$\nx\n\ny\n$$');
    expect(byClass(html, 'katex-display')).toHaveLength(0);
  });

  it('keeps an unmatched $$ as text', () => {
    const html = renderMarkdown('a $$ b');
    expect(byClass(html, 'katex')).toHaveLength(0);
    expect(textContent(html)).toBe('a $$ b\n');
  });
});

describe('math errors and limits', () => {
  it('shows a bad formula as escaped source with the error as title, and renders the rest', () => {
    const html = renderMarkdown('Good $x^2$, bad $\\frac{<b>$, good again $y$.');
    const [error] = byClass(html, 'math-error');
    expect(error?.attribs.title).toMatch(/^KaTeX: /);
    expect(textContent(html)).toContain('\\frac{<b>');
    expect(elements(html).some((e) => e.name === 'b')).toBe(false);
    expect(formulas(html)).toEqual(['x^2', 'y']);
  });

  it('reports an undefined command by name', () => {
    const [error] = byClass(renderMarkdown('$\\nosuchcommand$'), 'math-error');
    expect(error?.attribs.title).toContain('\\nosuchcommand');
  });

  it('stops runaway macro expansion (maxExpand)', () => {
    const [error] = byClass(renderMarkdown('$\\def\\a{\\a\\a}\\a$'), 'math-error');
    expect(error?.attribs.title).toContain('Too many expansions');
  });

  it('caps user-chosen sizes (maxSize)', () => {
    const html = renderMarkdown('$\\rule{500em}{500em}$');
    const styles = elements(html)
      .map((e) => e.attribs.style ?? '')
      .join(';');
    const sizes = [...styles.matchAll(/(-?[\d.]+)em/g)].map((m) => Math.abs(Number(m[1])));
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(20.5);
  });

  it('shows a formula longer than the limit as source', () => {
    const html = renderMarkdown(`$${'x+'.repeat(MAX_FORMULA_CHARS)}x$`);
    expect(byClass(html, 'katex')).toHaveLength(0);
    expect(byClass(html, 'math-error')[0]?.attribs.title).toContain('too long');
  });

  it('shows a formula nested too deeply for KaTeX as source', () => {
    const html = renderMarkdown(`$${'{'.repeat(2400)}x${'}'.repeat(2400)}$`);
    expect(byClass(html, 'math-error')).toHaveLength(1);
  });
});

describe('macros', () => {
  it('keeps \\gdef definitions for later formulas of the same document only', () => {
    clearFormulaCache();
    const html = renderMarkdown('$\\gdef\\Rset{\\mathbb{R}}$ then $\\Rset^n$');
    expect(byClass(html, 'math-error')).toHaveLength(0);
    expect(byClass(renderMarkdown('$\\Rset^n$'), 'math-error')).toHaveLength(1);
  });

  it('keeps \\newcommand, \\renewcommand and \\def definitions for the rest of the document, as MathJax does', () => {
    clearFormulaCache();
    const html = renderMarkdown(
      'Define $\\newcommand{\\norm}[1]{\\lVert #1 \\rVert}\\def\\half{\\tfrac12}$ once.\n\n' +
        'Use $\\norm{x}$ and $\\half$ later,\n\n$$\n\\norm{y} \\le \\half\n$$',
    );
    expect(byClass(html, 'math-error')).toHaveLength(0);
    expect(formulas(html)).toHaveLength(4);
    expect(byClass(renderMarkdown('$\\norm{x}$'), 'math-error')).toHaveLength(1);
  });

  it('lets \\newcommand redefine a macro KaTeX predefines (\\R) and \\renewcommand define a new one', () => {
    clearFormulaCache();
    const builtin = renderMarkdown('$\\R$');
    expect(byClass(builtin, 'mathbb')).toHaveLength(1);
    const html = renderMarkdown('$\\newcommand{\\R}{\\mathcal{Q}}$ $\\R$ and $\\renewcommand{\\Z}{W}\\Z$ then $\\Z$');
    expect(byClass(html, 'math-error')).toHaveLength(0);
    expect(byClass(html, 'mathbb')).toHaveLength(0);
    expect(byClass(html, 'mathcal')).toHaveLength(1);
    expect(renderMarkdown('$\\R$')).toBe(builtin); // the redefinition stayed in its own document
  });

  it('accepts \\label in an equation, as MathJax does (it names the equation; nothing is shown)', () => {
    const html = renderMarkdown('\\begin{equation}\\label{eq:energy}\nE = mc^2\n\\end{equation}');
    expect(byClass(html, 'math-error')).toHaveLength(0);
    const shown = html.slice(html.indexOf('class="katex-html"'));
    expect(textContent(shown)).toContain('mc');
    expect(textContent(shown)).not.toContain('eq:energy');
  });

  it('keeps a definition made inside braces local, as TeX does', () => {
    const local = ['$', '{\\def\\x{1}\\x}', '$ then $\\x$'].join('');
    expect(byClass(renderMarkdown(local), 'math-error')).toHaveLength(1);
  });

  it('renders a formula again after a definition changes what it means', () => {
    clearFormulaCache();
    const html = renderMarkdown('$\\foo$, $\\newcommand{\\foo}{y}$ and $\\foo$, $\\renewcommand{\\foo}{z}$ $\\foo$');
    expect(byClass(html, 'math-error')).toHaveLength(1);
    expect(textContent(html.slice(html.indexOf('newcommand')))).toMatch(/y[\s\S]*z/);
  });

  it('meters what \\newcommand macros produce, across formulas', () => {
    const defs = '\\newcommand{\\a}[1]{#1#1#1#1#1#1#1#1#1#1}\\newcommand{\\b}[1]{\\a{\\a{\\a{#1}}}}';
    const [error] = byClass(renderMarkdown(`$${defs}$ and $\\b{\\b{${'x'.repeat(50)}}}$`), 'math-error');
    expect(error?.attribs.title).toContain('Macros expand to more than');
  });

  it('renders identically from a cold and a warm formula cache', () => {
    const source =
      'A $x^2$ and $$\\sum_i i$$ and $x^2$ again, $\\gdef\\v{y}\\v$ then $x^2$ and $\\v$, $\\newcommand{\\R}{r}\\R$ $\\R$';
    clearFormulaCache();
    const cold = renderMarkdown(source);
    expect(renderMarkdown(source)).toBe(cold);
  });
});
