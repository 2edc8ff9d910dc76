import { describe, expect, it } from 'vitest';
import { excerptAround, excerptSource, resumePoint } from '../../src/content/excerpt.js';
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

describe('resumePoint (reading a long body from near its first match)', () => {
  const filler = (n: number) =>
    Array.from({ length: n }, (_, i) => `Paragraph ${i} says alpha beta gamma delta epsilon.`).join('\n\n');
  const snippetOf = (html: string, from: number) =>
    excerptAround(
      excerptSource(html, { scanChars: 60_000, candidate: word('needle'), afterCandidate: 1_040, from }),
      word('needle'),
      260,
    );

  it('gives the snippet a whole reading gives, wherever in the body the match is', () => {
    for (const before of [5, 60, 150, 400]) {
      const html = renderContent(`${filler(before)}\n\nHere a *needle* sits among words.\n\n${filler(20)}`).html;
      const from = resumePoint(html, html.indexOf('needle'));
      if (before >= 150) expect(from).toBeGreaterThan(0);
      const resumed = snippetOf(html, from);
      expect(resumed.matched).toBe(true);
      expect(resumed.html).toBe(snippetOf(html, 0).html);
    }
  });

  it('reads from the start when the text found is inside a code block or the footnotes (left out of snippets)', () => {
    // A block opening inside a code block (raw HTML may put one there): reading from it would show code.
    const code = `${renderContent(filler(200)).html}<pre><code>${'<p>x</p>'.repeat(400)} needle</code></pre>`;
    expect(resumePoint(code, code.indexOf('needle'))).toBe(0);
    // A code block closed before the block opening is no reason to read from the start.
    const closed = `${renderContent(filler(100)).html}<pre><code>x</code></pre>${renderContent(filler(100)).html}`;
    expect(resumePoint(closed, closed.length - 10)).toBeGreaterThan(closed.indexOf('</pre>'));
    const notes = renderContent(
      `${filler(10)} See this.[^1]\n\n[^1]: ${filler(1)} ${'note '.repeat(600)} needle\n`,
    ).html;
    expect(resumePoint(notes, notes.indexOf('needle'))).toBe(0);
    expect(resumePoint(code, 10)).toBe(0);
  });
});
