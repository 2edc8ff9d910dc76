import { describe, expect, it } from 'vitest';
import { excerptAround, excerptSource } from '../../src/content/excerpt.js';
import { renderContent } from '../../src/content/render.js';

const source = (markdown: string, scanChars = 60_000) => excerptSource(renderContent(markdown).html, { scanChars });
const word = (w: string) => (part: { word?: string }) => part.word === w;

describe('excerptAround (search snippets)', () => {
  it('cuts a window around the first match at word boundaries, with "…" where text was left out', () => {
    const text = `${'alpha beta gamma delta '.repeat(40)}needle ${'epsilon zeta eta theta '.repeat(40)}`;
    const { html, matched } = excerptAround(source(text), word('needle'), 120);
    expect(matched).toBe(true);
    expect(html).toMatch(/^…/);
    expect(html).toMatch(/…$/);
    expect(html).toContain('<mark>needle</mark>');
    const words = html
      .replace(/<\/?mark>|…/g, '')
      .trim()
      .split(' ');
    for (const w of words)
      expect(['alpha', 'beta', 'gamma', 'delta', 'needle', 'epsilon', 'zeta', 'eta', 'theta']).toContain(w);
    expect(html.replace(/<\/?mark>/g, '').length).toBeLessThanOrEqual(122);
  });

  it('keeps formulas whole and typeset, escapes text, and starts at the beginning when nothing matches', () => {
    const markdown = 'A <b>bold</b> & plain claim about $\\mathcal{B} \\subseteq \\mathbb{R}$ and more words after it.';
    const marked = excerptAround(source(markdown), (part) => part.tex?.includes('mathcal') ?? false, 200);
    expect(marked.html).toContain('<mark><math');
    expect(marked.html).toContain('ℬ');
    expect(marked.html).toContain('&amp;');
    expect(marked.html).not.toContain('$');
    const none = excerptAround(source(markdown), word('absent'), 20);
    expect(none.matched).toBe(false);
    expect(none.html.startsWith('A bold')).toBe(true);
    expect(none.html.endsWith('…')).toBe(true);
  });

  it('reads only as far as asked: a match past the scan gives the start, marked as cut', () => {
    const text = `${'filler words here '.repeat(100)}needle`;
    const { html, matched } = excerptAround(source(text, 500), word('needle'), 100);
    expect(matched).toBe(false);
    expect(html.endsWith('…')).toBe(true);
  });
});
