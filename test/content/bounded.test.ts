// Pathological inputs up to MAX_MARKDOWN_CHARS must finish (bench/render.ts prints how fast) with sane output.
import { describe, expect, it } from 'vitest';
import { clearFormulaCache, MAX_FORMULA_CHARS } from '../../src/content/formulas.js';
import { MAX_NESTING } from '../../src/content/markdown.js';
import { MAX_MARKDOWN_CHARS, renderContent } from '../../src/content/render.js';
import { byClass, countTag, elements, textContent } from './helpers.js';

const fill = (unit: string): string => unit.repeat(Math.floor(MAX_MARKDOWN_CHARS / unit.length));

/** Deepest element nesting in an HTML fragment. */
function depth(html: string): number {
  let deepest = 0;
  for (const element of elements(html)) deepest = Math.max(deepest, element.ancestors.length + 1);
  return deepest;
}

describe('nesting', () => {
  it('10,000 nested blockquotes on one line', () => {
    const { html } = renderContent(`${'>'.repeat(10_000)} deep`);
    expect(countTag(html, 'blockquote')).toBeGreaterThan(0);
    expect(countTag(html, 'blockquote')).toBeLessThanOrEqual(MAX_NESTING);
  });

  it('10,000 nested blockquotes over 10,000 lines', () => {
    const source = Array.from({ length: 10_000 }, (_, i) => `${'> '.repeat(Math.min(i + 1, 9_000))}x`)
      .join('\n')
      .slice(0, MAX_MARKDOWN_CHARS);
    const { html } = renderContent(source);
    expect(depth(html)).toBeLessThanOrEqual(MAX_NESTING + 5);
  });

  it('a list nested thousands of levels deep', () => {
    const source = Array.from({ length: 5_000 }, (_, i) => `${'  '.repeat(i)}- item ${i}`)
      .join('\n')
      .slice(0, MAX_MARKDOWN_CHARS);
    const { html } = renderContent(source);
    expect(countTag(html, 'ul')).toBeGreaterThan(1);
    expect(depth(html)).toBeLessThanOrEqual(MAX_NESTING + 5);
  });

  it('list markers nested on a single line', () => {
    const { html } = renderContent(fill('- 1. * '));
    expect(depth(html)).toBeLessThanOrEqual(MAX_NESTING + 5);
  });

  it('40,000 unclosed raw <div>s', () => {
    const { html } = renderContent(`${'<div>'.repeat(39_999)}text`);
    expect(depth(html)).toBeLessThanOrEqual(100);
    expect(textContent(html)).toContain('text');
  });

  it('emphasis and links nested inside each other', () => {
    const { html } = renderContent(`${'*_['.repeat(20_000)}x${'](y)_*'.repeat(20_000)}`);
    expect(depth(html)).toBeLessThanOrEqual(MAX_NESTING + 5);
  });
});

describe('size', () => {
  it('a 2,000-row table', () => {
    const { html } = renderContent(`| a | b | c |\n|---|:-:|---|\n${'| 1 | $x$ | **b** |\n'.repeat(2_000)}`);
    expect(countTag(html, 'tr')).toBe(2_001);
    expect(byClass(html, 'katex')).toHaveLength(2_000);
  });

  it('a 200 KB single line', () => {
    const content = renderContent(fill('word '));
    expect(countTag(content.html, 'p')).toBe(1);
    expect(content.wordCount).toBe(MAX_MARKDOWN_CHARS / 5);
    expect(content.excerpt.endsWith('…')).toBe(true);
  });

  it('a 200 KB word without spaces', () => {
    const content = renderContent('a'.repeat(MAX_MARKDOWN_CHARS));
    expect(content.wordCount).toBe(1);
    expect(content.excerpt).toHaveLength(301);
  });

  it('a 200 KB code block is escaped but not highlighted past the budget', () => {
    const line = 'const x = [1, 2, 3].map((n) => n < 2); // note\n';
    const { html } = renderContent(`\`\`\`js\n${line.repeat(4_000)}\`\`\``);
    expect(countTag(html, 'pre')).toBe(1);
    expect(byClass(html, 'hljs-keyword')).toHaveLength(0);
    expect(textContent(html)).toContain('(n) => n < 2');
  });

  it('20,000 headings with the same name keep unique ids', () => {
    const { html, toc } = renderContent('# a\n'.repeat(20_000));
    const ids = elements(html)
      .filter((e) => e.name === 'h1')
      .map((e) => e.attribs.id);
    expect(ids).toHaveLength(20_000);
    expect(new Set(ids).size).toBe(20_000);
    expect(toc).toHaveLength(20_000);
  });

  it('50,000 headings (past the token bound) are shown as written', () => {
    const source = fill('# a\n');
    const { html, toc } = renderContent(source);
    expect(countTag(html, 'h1')).toBe(0);
    expect(countTag(html, 'p')).toBe(1);
    expect(textContent(html).trim()).toBe(source.trim());
    expect(toc).toEqual([]);
  });

  it('thousands of footnotes and references', () => {
    const refs = Array.from({ length: 3_000 }, (_, i) => `x[^${i}]`).join(' ');
    const defs = Array.from({ length: 3_000 }, (_, i) => `[^${i}]: note ${i}`).join('\n\n');
    const { html } = renderContent(`${refs}\n\n${defs}`);
    expect(byClass(html, 'footnote-ref')).toHaveLength(3_000);
    expect(byClass(html, 'footnote-item')).toHaveLength(3_000);
  });
});

describe('math', () => {
  it('1,500 distinct formulas all render (a kilobyte of HTML each: the math budget holds about 2,000)', () => {
    clearFormulaCache();
    const content = renderContent(Array.from({ length: 1_500 }, (_, i) => `$x_{${i}}$`).join(' '));
    expect(byClass(content.html, 'katex')).toHaveLength(1_500);
    expect(content.wordCount).toBe(1_500);
  });

  it('more math than a page may hold: the rest is shown as source, nothing is lost', () => {
    clearFormulaCache();
    const source = Array.from(
      { length: 3_000 },
      (_, i) => `$\\frac{a_{${i}}}{b} + \\sqrt{c_{${i}}} + \\sum_{k=1}^{${i}} k^2$`,
    ).join(' ');
    const { html } = renderContent(source.slice(0, MAX_MARKDOWN_CHARS));
    const rendered = byClass(html, 'katex').length;
    const [firstRefused, ...others] = byClass(html, 'math-error');
    expect(rendered).toBeGreaterThan(100);
    expect(firstRefused?.attribs.title).toContain('more math');
    expect(others).toEqual([]);
    // The rest are plain text, their TeX between dollars.
    const count = source.slice(0, MAX_MARKDOWN_CHARS).split('$').length / 2;
    const plain = textContent(html).match(/\$\\frac\{a_\{\d+\}\}\{b\}/g) ?? [];
    expect(rendered + 1 + plain.length).toBe(Math.floor(count));
  });

  it('200 KB of unmatched dollars stays text', () => {
    const { html } = renderContent(fill('$5 and $x '));
    expect(byClass(html, 'katex')).toHaveLength(0);
  });

  it('200 KB of unclosed \\( and \\[, or of empty $$ pairs, stays text', () => {
    for (const unit of ['\\( ', '\\[\n', '\\[ ', '$$\n', '$$ ']) {
      const { html } = renderContent(fill(unit));
      expect(byClass(html, 'katex')).toHaveLength(0);
    }
  });

  it('a formula nested 50,000 braces deep', () => {
    const { html } = renderContent(`$${'{'.repeat(50_000)}x${'}'.repeat(50_000)}$ and $y$`);
    expect(byClass(html, 'math-error')).toHaveLength(1);
    expect(byClass(html, 'katex')).toHaveLength(1);
  });

  it('formulas just under the length limit', () => {
    clearFormulaCache();
    const formula = `$${'a_{1}+'.repeat(Math.floor((MAX_FORMULA_CHARS - 1) / 6))}b$`;
    const { html } = renderContent(Array.from({ length: 30 }, () => formula).join('\n\n'));
    const rendered = byClass(html, 'katex').length;
    expect(rendered).toBeGreaterThanOrEqual(2);
    const refused = byClass(html, 'math-error').length + (html.match(/<p>\$a_\{1\}/g)?.length ?? 0);
    expect(rendered + refused).toBe(30);
  });

  it('a display block per line for 200 KB', () => {
    clearFormulaCache();
    const source = fill('$$x$$\n');
    const { html } = renderContent(source);
    const rendered = byClass(html, 'katex-display').length;
    expect(rendered).toBeGreaterThan(3_000);
    expect(rendered + 1 + (textContent(html).match(/\$\$x\$\$/g)?.length ?? 0)).toBe(source.length / 6);
  });
});

describe('inline syntax', () => {
  for (const [name, unit] of [
    ['brackets and stars', '[*'],
    ['image openers', '!['],
    ['unclosed links', '[a]('],
    ['backticks', '`a'],
    ['emphasis runs', '**a_ '],
    ['angle brackets', '<a '],
    ['entities', '&#'],
    ['bare URLs', 'http://a.b/ '],
    ['backslashes', '\\'],
  ] as const) {
    it(`200 KB of ${name}`, () => {
      const { html } = renderContent(fill(unit));
      expect(html.length).toBeGreaterThan(0);
    });
  }
});
