import { describe, expect, it } from 'vitest';
import { headingSlug } from '../../src/content/headings.js';
import { renderContent, renderMarkdown } from '../../src/content/render.js';
import { byClass, countTag, elements, textContent } from './helpers.js';

describe('CommonMark and GFM', () => {
  it('renders paragraphs, emphasis, strong, inline code and hard breaks', () => {
    const html = renderMarkdown('Some *emphasis*, **strong** and `code`.  \nNext line.\n\nSecond paragraph.');
    expect(html).toContain('<em>emphasis</em>');
    expect(html).toContain('<strong>strong</strong>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<br />');
    expect(countTag(html, 'p')).toBe(2);
  });

  it('renders strikethrough', () => {
    expect(renderMarkdown('~~gone~~ kept')).toContain('<s>gone</s> kept');
  });

  it('renders tables with column alignment as a text-align style only', () => {
    const html = renderMarkdown('| left | right | center |\n|:-----|------:|:------:|\n| a | b | c |');
    const cells = elements(html).filter((element) => element.name === 'td');
    expect(cells.map((cell) => cell.attribs.style)).toEqual([
      'text-align:left',
      'text-align:right',
      'text-align:center',
    ]);
    expect(countTag(html, 'th')).toBe(3);
  });

  it('links bare URLs and angle-bracket autolinks, marking external links nofollow ugc noopener', () => {
    const html = renderMarkdown('See https://example.com/page and <https://lyceum.example/x>.');
    const links = elements(html).filter((element) => element.name === 'a');
    expect(links.map((link) => link.attribs.href)).toEqual(['https://example.com/page', 'https://lyceum.example/x']);
    for (const link of links) expect(link.attribs.rel).toBe('nofollow ugc noopener');
  });

  it('leaves relative and fragment links without rel', () => {
    const links = elements(renderMarkdown('[post](/posts/abc/slug) and [section](#intro)')).filter(
      (e) => e.name === 'a',
    );
    expect(links.map((link) => [link.attribs.href, link.attribs.rel])).toEqual([
      ['/posts/abc/slug', undefined],
      ['#intro', undefined],
    ]);
  });

  it('renders task lists as disabled checkboxes', () => {
    const html = renderMarkdown('- [ ] write the post\n- [x] find the sources\n- plain item');
    const boxes = elements(html).filter((element) => element.name === 'input');
    expect(boxes).toHaveLength(2);
    for (const box of boxes) {
      expect(box.attribs.type).toBe('checkbox');
      expect(box.attribs.disabled).toBe('');
      expect(box.classes).toEqual(['task-list-item-checkbox']);
    }
    expect(boxes[0]!.attribs.checked).toBeUndefined();
    expect(boxes[1]!.attribs.checked).toBe('');
    expect(byClass(html, 'task-list-item')).toHaveLength(2);
    expect(byClass(html, 'contains-task-list')).toHaveLength(1);
    expect(textContent(html)).not.toContain('[x]');
  });

  it('renders nested lists and blockquotes', () => {
    const html = renderMarkdown('- one\n  - nested\n    1. deep\n\n> quoted\n> > twice');
    expect(countTag(html, 'ul')).toBe(2);
    expect(countTag(html, 'ol')).toBe(1);
    expect(countTag(html, 'blockquote')).toBe(2);
  });

  it('renders footnotes with references and back-links that point at each other', () => {
    const html = renderMarkdown('A claim[^source] and another[^2].\n\n[^source]: The source.\n[^2]: Second note.', {
      docId: 'post1',
    });
    const refs = byClass(html, 'footnote-ref');
    expect(refs).toHaveLength(2);
    const anchors = elements(html).filter((e) => e.name === 'a');
    const forward = anchors.filter((a) => a.attribs.href?.startsWith('#fn-'));
    const back = anchors.filter((a) => a.classes.includes('footnote-backref'));
    expect(forward.map((a) => a.attribs.href)).toEqual(['#fn-post1-1', '#fn-post1-2']);
    expect(back.map((a) => a.attribs.href)).toEqual(['#fnref-post1-1', '#fnref-post1-2']);
    const ids = new Set(
      elements(html)
        .map((e) => e.attribs.id)
        .filter(Boolean),
    );
    for (const a of [...forward, ...back]) expect(ids.has(a.attribs.href!.slice(1))).toBe(true);
    expect(byClass(html, 'footnotes')).toHaveLength(1);
  });

  it('renders images by URL with lazy loading', () => {
    const [image] = elements(renderMarkdown('![A chart](https://example.com/chart.png "Title")')).filter(
      (e) => e.name === 'img',
    );
    expect(image?.attribs).toMatchObject({
      src: 'https://example.com/chart.png',
      alt: 'A chart',
      title: 'Title',
      loading: 'lazy',
    });
  });

  it('keeps formulas in image alt text as TeX', () => {
    const [image] = elements(renderMarkdown('![plot of $x^2$](https://example.com/p.png)')).filter(
      (e) => e.name === 'img',
    );
    expect(image?.attribs.alt).toBe('plot of $x^2$');
  });

  it('allows harmless raw HTML such as details, kbd, sub and sup', () => {
    const html = renderMarkdown(
      '<details><summary>More</summary>Press <kbd>Ctrl</kbd>; H<sub>2</sub>O, x<sup>2</sup></details>',
    );
    for (const tag of ['details', 'summary', 'kbd', 'sub', 'sup']) expect(countTag(html, tag)).toBe(1);
  });
});

describe('code', () => {
  it('highlights fenced code in a language highlight.js knows', () => {
    const html = renderMarkdown('```python\ndef f(x):\n    return x < 1\n```');
    const [code] = elements(html).filter((e) => e.name === 'code');
    expect(code?.classes).toEqual(['hljs', 'language-python']);
    expect(byClass(html, 'hljs-keyword').length).toBeGreaterThan(0);
    expect(html).toContain('&lt;');
  });

  it('escapes code in an unknown language and keeps its name as a class', () => {
    const html = renderMarkdown('```nosuchlang\n<b>not bold</b>\n```');
    const [code] = elements(html).filter((e) => e.name === 'code');
    expect(code?.classes).toEqual(['language-nosuchlang']);
    expect(countTag(html, 'b')).toBe(0);
    expect(textContent(html)).toContain('<b>not bold</b>');
  });

  it('escapes fenced and indented code without a language', () => {
    const html = renderMarkdown('```\n<i>x</i>\n```\n\n    <u>y</u>');
    expect(countTag(html, 'i') + countTag(html, 'u')).toBe(0);
    expect(countTag(html, 'pre')).toBe(2);
  });

  it('ignores a language name that is not a plain identifier', () => {
    const html = renderMarkdown('```"><script>\nx\n```');
    expect(countTag(html, 'script')).toBe(0);
    const [code] = elements(html).filter((e) => e.name === 'code');
    expect(code?.classes).toEqual([]);
  });
});

describe('headings and table of contents', () => {
  it('gives every heading a slug id, unique within the document', () => {
    const html = renderMarkdown('# Intro\n\n## Intro\n\n### Intro\n\n#### Результаты и выводы\n\n##### Deep');
    const ids = elements(html)
      .filter((e) => /^h\d$/.test(e.name))
      .map((e) => e.attribs.id);
    expect(ids).toEqual(['intro', 'intro-1', 'intro-2', 'результаты-и-выводы', 'deep']);
  });

  it('lists h1–h4 in order with plain text, math kept as TeX', () => {
    const { toc } = renderContent(
      '# The *first* part\n\n## Why $\\alpha > 0$\n\n#### `code` heading\n\n##### Too deep\n\nText',
    );
    expect(toc).toEqual([
      { level: 1, id: 'the-first-part', text: 'The first part' },
      { level: 2, id: 'why-alpha-0', text: 'Why $\\alpha > 0$' },
      { level: 4, id: 'code-heading', text: 'code heading' },
    ]);
  });

  it('never produces ids that collide with comment permalinks or footnotes', () => {
    expect(headingSlug('Comment 12')).toBe('section-comment-12');
    expect(headingSlug('fn 1')).toBe('section-fn-1');
    expect(headingSlug('!!!')).toBe('section');
    expect(headingSlug('x'.repeat(200))).toHaveLength(64);
  });
});
