import { describe, expect, it } from 'vitest';
import { mathFontsUsed } from '../../src/content/math-fonts.js';
import { renderMarkdown } from '../../src/content/render.js';

describe('the KaTeX fonts a text uses', () => {
  it('are read from the classes KaTeX writes, each font once', () => {
    expect(mathFontsUsed(renderMarkdown('$x + 1$ and $y$'))).toEqual([
      'KaTeX_Main-Regular.woff2',
      'KaTeX_Math-Italic.woff2',
    ]);
    expect(mathFontsUsed(renderMarkdown('$\\mathbb{R}$, $\\mathcal{B}$, $\\mathfrak{g}$, $\\mathbf{1}$'))).toEqual([
      'KaTeX_Main-Regular.woff2',
      'KaTeX_AMS-Regular.woff2',
      'KaTeX_Caligraphic-Regular.woff2',
      'KaTeX_Fraktur-Regular.woff2',
      'KaTeX_Main-Bold.woff2',
    ]);
    // Big operators and tall delimiters have fonts of their own.
    const display = mathFontsUsed(renderMarkdown('$$\\sum_i \\left(\\frac{a}{b}\\right) \\Bigg( x$$'));
    expect(display).toContain('KaTeX_Size2-Regular.woff2');
    expect(display).toContain('KaTeX_Size4-Regular.woff2');
  });

  it('are none for text without formulas, whatever its classes', () => {
    expect(mathFontsUsed(renderMarkdown('Plain *text* with `code` and <span class="mathbb">x</span>.'))).toEqual([]);
  });
});
