// Which text is math: pandoc's dollar rule, code spans first, `\[…\]` and `\(…\)` beside CommonMark's escapes,
// and TeX environments written without delimiters.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/content/render.js';
import { walkVisibleText } from '../../src/content/text.js';
import { byClass, countTag, textContent } from './helpers.js';

/** The TeX of every rendered formula (from KaTeX's annotation, or an error's source), in order. */
function formulas(html: string): string[] {
  const found: string[] = [];
  const re =
    /<annotation encoding="application\/x-tex">([\s\S]*?)<\/annotation>|class="math[^"]*math-error"[^>]*>([^<]*)</g;
  for (let match = re.exec(html); match; match = re.exec(html)) {
    found.push(textContent(match[1] ?? match[2] ?? '').trim());
  }
  return found;
}

/** The text a reader sees, each formula as [TeX]. */
function reading(html: string): string {
  let text = '';
  walkVisibleText(html, { excerpt: false }, (piece) => {
    text += piece.kind === 'text' ? piece.text : `[${piece.tex}]`;
    return true;
  });
  return text.replace(/\s+/g, ' ').trim();
}

describe("dollar math follows pandoc's tex_math_dollars", () => {
  it('a price before a formula stays text: the opener never reaches for a later dollar', () => {
    const html = renderMarkdown('It costs $3 per unit and $q$ units sell.');
    expect(formulas(html)).toEqual(['q']);
    expect(textContent(html)).toContain('It costs $3 per unit and ');
  });

  it('a closing dollar after a space fails the opener, and the next dollar opens afresh', () => {
    expect(formulas(renderMarkdown('Between $a $ and $b$ lies $c$.'))).toEqual(['b', 'c']);
    expect(formulas(renderMarkdown('We pay $ 5 and $x$ more'))).toEqual(['x']);
  });

  it('a closing dollar before a digit fails the opener', () => {
    const html = renderMarkdown('Buy $x$5 items for $y$ each, or $20,000 and $30,000 in all.');
    expect(formulas(html)).toEqual(['y']);
    expect(textContent(html)).toContain('Buy $x$5 items');
    expect(textContent(html)).toContain('$20,000 and $30,000');
  });

  it('takes the first closing dollar, so adjacent formulas stay apart', () => {
    expect(formulas(renderMarkdown('$a$$b$ and $x$,$y$'))).toEqual(['a', 'b', 'x', 'y']);
  });

  it('needs no space before the opener or after the closer', () => {
    expect(formulas(renderMarkdown('f$x$g and ($n$)'))).toEqual(['x', 'n']);
  });

  it('an escaped dollar never opens or closes', () => {
    const html = renderMarkdown('\\$x$ is text, $a\\$b$ is one formula, and \\$5 \\$6 stay.');
    expect(formulas(html)).toEqual(['a\\$b']);
    expect(textContent(html)).toContain('$x$ is text');
    expect(textContent(html)).toContain('$5 $6 stay.');
  });

  it('does not close on a dollar inside \\text{…}, as pandoc', () => {
    expect(formulas(renderMarkdown('So $\\text{for all $x > 0$}$ holds.'))).toEqual(['\\text{for all $x > 0$}']);
  });

  it('keeps a formula spanning a line break of its paragraph', () => {
    expect(formulas(renderMarkdown('Let $a +\nb$ be.'))).toEqual(['a +\nb']);
  });
});

describe('code spans take precedence over math', () => {
  it('a code span between dollars stays a code span, and the dollars stay text', () => {
    const html = renderMarkdown('Run $a `echo $HOME` b$ now.');
    expect(byClass(html, 'katex')).toHaveLength(0);
    expect(countTag(html, 'code')).toBe(1);
    expect(textContent(html)).toBe('Run $a echo $HOME b$ now.\n');
  });

  it('a closing dollar inside a code span does not close math opened before it', () => {
    const html = renderMarkdown('Costs $5, see `x$` and $y$.');
    expect(formulas(html)).toEqual(['y']);
    expect(countTag(html, 'code')).toBe(1);
  });

  it('literal backticks (no closing run) do not stop math; escaped ones neither', () => {
    expect(formulas(renderMarkdown('Quote $`a$ once'))).toEqual(['`a']);
    expect(formulas(renderMarkdown('and $x\\`$ with `code`'))).toEqual(['x\\`']);
  });

  it('applies to $$…$$ and \\(…\\) in a paragraph too', () => {
    const html = renderMarkdown('See $$a `b$$` c$$ and \\(x `y\\)` z\\) here.');
    expect(byClass(html, 'katex')).toHaveLength(0);
    expect(countTag(html, 'code')).toBe(2);
  });

  it('math never appears inside a code span or a code block', () => {
    const html = renderMarkdown('Use `$x$` and ``$$y$$`` here.\n\n```\n\\begin{align}\na\n\\end{align}\n```');
    expect(byClass(html, 'katex')).toHaveLength(0);
  });
});

describe('\\[…\\] and \\(…\\) beside CommonMark escapes', () => {
  it('escaped brackets in prose are brackets: citations, indices, links written out', () => {
    const html = renderMarkdown('As shown in \\[4\\], the entry v\\[k\\] and a\\[i\\]\\[j\\] grow; \\[sic\\].');
    expect(byClass(html, 'katex')).toHaveLength(0);
    expect(textContent(html)).toBe('As shown in [4], the entry v[k] and a[i][j] grow; [sic].\n');
  });

  it('a line starting with escaped brackets and going on is prose', () => {
    const html = renderMarkdown('\\[1\\] Smith, J. A paper.\n\n\\[2\\] Doe, R. Another.');
    expect(byClass(html, 'katex')).toHaveLength(0);
    expect(textContent(html)).toContain('[1] Smith, J. A paper.');
  });

  it('\\[…\\] as a block of its own is display math, on one line or several, interrupting a paragraph', () => {
    const html = renderMarkdown('Consider\n\\[\n\\sum_i x_i\n\\]\nand \\[ y^2 \\]\n\n\\[ z \\]');
    expect(formulas(html)).toEqual(['\\sum_i x_i', 'z']);
    expect(byClass(html, 'math-display').map((e) => e.name)).toEqual(['div', 'div']);
    expect(textContent(html)).toContain('and [ y^2 ]');
  });

  it('\\(…\\) is inline math when its content looks like TeX', () => {
    const html = renderMarkdown(
      'Let \\(x\\), \\(f(x)\\), \\(a + b\\), \\(\\alpha\\), \\( n^2 \\), \\(a, b\\) and \\(dx dy\\) be given.',
    );
    expect(formulas(html)).toEqual(['x', 'f(x)', 'a + b', '\\alpha', 'n^2', 'a, b', 'dx dy']);
  });

  it('\\(…\\) around prose is escaped parentheses', () => {
    const html = renderMarkdown('He left \\(see the note below\\) and \\(как сказано выше\\), then \\(t\\) passed.');
    expect(formulas(html)).toEqual(['t']);
    expect(textContent(html)).toContain('He left (see the note below) and (как сказано выше), then');
  });
});

describe('TeX environments without delimiters', () => {
  for (const name of ['align', 'align*', 'equation', 'equation*', 'gather', 'gather*', 'alignat', 'alignat*']) {
    it(`\\begin{${name}} standing as a block is display math, its \\\\ and & intact`, () => {
      const args = name.startsWith('alignat') ? '{2}' : '';
      const body = name.startsWith('equation') ? 'E = mc^2' : 'a &= b \\\\\nc &= d';
      const tex = `\\begin{${name}}${args}\n${body}\n\\end{${name}}`;
      const html = renderMarkdown(`Before:\n${tex}\nafter.`);
      expect(formulas(html)).toEqual([tex]);
      expect(byClass(html, 'math-error')).toHaveLength(0);
      expect(byClass(html, 'math-display')[0]?.name).toBe('div');
      expect(textContent(html)).toContain('after.');
    });
  }

  it('counts nested environments of the same name, in lists and quotes', () => {
    const tex = '\\begin{array}{c}\n\\begin{array}{c} a \\end{array} \\\\\nb\n\\end{array}';
    const html = renderMarkdown(
      `- item\n\n  ${tex.replaceAll('\n', '\n  ')}\n\n> \\begin{equation}\n> x\n> \\end{equation}`,
    );
    expect(formulas(html)).toEqual([tex, '\\begin{equation}\nx\n\\end{equation}']);
  });

  it('keeps the source of an environment KaTeX lacks, with its message', () => {
    const html = renderMarkdown('\\begin{multline}\na \\\\\nb\n\\end{multline}');
    const [error] = byClass(html, 'math-error');
    expect(error?.attribs.title).toContain('multline');
    expect(textContent(html)).toContain('a \\\\\nb');
  });

  it('is prose when text follows the end, when it is not closed, or when it is not math', () => {
    expect(byClass(renderMarkdown('\\begin{align}\na\n\\end{align} and more'), 'katex')).toHaveLength(0);
    expect(byClass(renderMarkdown('\\begin{align}\na &= b\n\nnext paragraph'), 'katex')).toHaveLength(0);
    expect(byClass(renderMarkdown('\\begin{document}\nHello\n\\end{document}'), 'katex')).toHaveLength(0);
  });
});

describe('readability of mixed text', () => {
  it('reads a paragraph mixing prices, formulas and escapes as written', () => {
    const html = renderMarkdown('Pay $5 for $n$ items \\[bulk\\] or \\(n \\cdot 4\\) in total.');
    expect(reading(html)).toBe('Pay $5 for [n] items [bulk] or [n \\cdot 4] in total.');
  });
});
