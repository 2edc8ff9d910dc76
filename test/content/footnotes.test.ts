import { describe, expect, it } from 'vitest';
import { MAX_MARKDOWN_CHARS, renderContent, renderMarkdown } from '../../src/content/render.js';
import { byClass, elements, textContent } from './helpers.js';

// The exact markup markdown-it-footnote's own tail rule produced (recorded before it was replaced), which the
// post page's CSS, the footnote previews and the excerpts rely on.
const REPEATED = [
  '<p>Repeat<sup class="footnote-ref"><a href="#fn-p1-1" id="fnref-p1-1">[1]</a></sup> and again',
  '<sup class="footnote-ref"><a href="#fn-p1-1" id="fnref-p1-1:1">[1:1]</a></sup> and ',
  '<sup class="footnote-ref"><a href="#fn-p1-1" id="fnref-p1-1:2">[1:2]</a></sup>.</p>\n',
  '<hr class="footnotes-sep" />\n<section class="footnotes">\n<ol class="footnotes-list">\n',
  '<li id="fn-p1-1" class="footnote-item"><p>Note a. <a href="#fnref-p1-1" class="footnote-backref">↩︎</a> ',
  '<a href="#fnref-p1-1:1" class="footnote-backref">↩︎</a> <a href="#fnref-p1-1:2" class="footnote-backref">↩︎</a></p>\n',
  '</li>\n</ol>\n</section>\n',
].join('');
const INLINE_AND_BLOCK = [
  '<p>Inline<sup class="footnote-ref"><a href="#fn-p1-1" id="fnref-p1-1">[1]</a></sup> and ref',
  '<sup class="footnote-ref"><a href="#fn-p1-2" id="fnref-p1-2">[2]</a></sup>.</p>\n',
  '<hr class="footnotes-sep" />\n<section class="footnotes">\n<ol class="footnotes-list">\n',
  '<li id="fn-p1-1" class="footnote-item"><p>an <em>inline</em> note ',
  '<a href="#fnref-p1-1" class="footnote-backref">↩︎</a></p>\n</li>\n',
  '<li id="fn-p1-2" class="footnote-item"><p>Block note</p>\n<p>with a second paragraph</p>\n<ul>\n<li>and a list</li>\n',
  '</ul>\n <a href="#fnref-p1-2" class="footnote-backref">↩︎</a></li>\n</ol>\n</section>\n',
].join('');

describe('footnotes', () => {
  it('render exactly as before: markers, repeated references, back-links inside the last paragraph', () => {
    expect(renderMarkdown('Repeat[^a] and again[^a] and [^a].\n\n[^a]: Note a.', { docId: 'p1' })).toBe(REPEATED);
    const source =
      'Inline^[an *inline* note] and ref[^b].\n\n[^b]: Block note\n\n    with a second paragraph\n\n    - and a list';
    expect(renderMarkdown(source, { docId: 'p1' })).toBe(INLINE_AND_BLOCK);
  });

  it('drop definitions nobody references, and list notes in order of first reference', () => {
    const html = renderMarkdown('B[^b], A[^a].\n\n[^a]: note a\n\n[^b]: note b\n\n[^z]: never used', { docId: 'd' });
    expect(byClass(html, 'footnote-item').map((item) => item.attribs.id)).toEqual(['fn-d-1', 'fn-d-2']);
    expect(textContent(html)).not.toContain('never used');
    expect(textContent(html).indexOf('note b')).toBeLessThan(textContent(html).indexOf('note a'));
  });

  it('keep the text of a definition that has another one indented inside it', () => {
    const html = renderMarkdown(
      'Outer[^o] and inner[^i].\n\n[^o]: outer text\n\n    [^i]: inner text\n\n    after inner',
    );
    const items = byClass(html, 'footnote-item');
    expect(items).toHaveLength(2);
    const notes = textContent(html.slice(html.indexOf('<section')));
    expect(notes).toMatch(/outer text\s+after inner[\s\S]*inner text/);
    expect(textContent(html.slice(0, html.indexOf('<section')))).not.toContain('after inner');
  });

  it('8,500 footnotes render with every marker, note and back-link (the tail is linear)', () => {
    const refs = Array.from({ length: 8_500 }, (_, i) => `x[^${i}]`).join(' ');
    const defs = Array.from({ length: 8_500 }, (_, i) => `[^${i}]: n`).join('\n\n');
    const source = `${refs}\n\n${defs}`;
    expect(source.length).toBeLessThanOrEqual(MAX_MARKDOWN_CHARS);
    const { html } = renderContent(source, { docId: 'big' });
    expect(byClass(html, 'footnote-ref')).toHaveLength(8_500);
    expect(byClass(html, 'footnote-item')).toHaveLength(8_500);
    expect(byClass(html, 'footnote-backref')).toHaveLength(8_500);
    const last = elements(html).find((e) => e.attribs.id === 'fn-big-8500');
    expect(last?.name).toBe('li');
  });

  it('66,000 unclosed [^ stay text, and closed ones around them still become markers (the scan is linear)', () => {
    const source = `A[^x] ${'[^a'.repeat(66_000)} B[^x]\n\n[^x]: note`;
    const html = renderMarkdown(source, { docId: 'd' });
    expect(byClass(html, 'footnote-ref')).toHaveLength(2);
    expect(textContent(html)).toContain('[^a'.repeat(66_000));
  });

  it('200 KB of inline footnotes (50,000 notes, 50 times their source in markup) is shown as written', () => {
    const source = '^[a]'.repeat(MAX_MARKDOWN_CHARS / 4);
    const { html, toc, wordCount } = renderContent(source);
    expect(byClass(html, 'footnote-ref')).toHaveLength(0);
    expect(textContent(html).trim()).toBe(source);
    expect(html.length).toBeLessThan(source.length + 100);
    expect(toc).toEqual([]);
    expect(wordCount).toBe(1);
  });
});
