// Tags outside the content allowlist are shown as text (GFM's tagfilter idea), never deleted with what follows.
import { describe, expect, it } from 'vitest';
import { renderContent, renderMarkdown } from '../../src/content/render.js';
import { filterTags } from '../../src/content/tag-filter.js';
import { countTag, dangers, elements, textContent } from './helpers.js';

/** Visible text with whitespace collapsed, as a reader would read it. */
const readable = (html: string): string => textContent(html).replace(/\s+/g, ' ').trim();

describe('tags outside the allowlist are text', () => {
  const RAW_TEXT_TAGS = ['script', 'style', 'textarea', 'title', 'xmp', 'noscript', 'noembed', 'noframes', 'plaintext'];
  for (const tag of RAW_TEXT_TAGS) {
    it(`an unclosed <${tag}> in prose keeps the rest of the post`, () => {
      const html = renderMarkdown(`Browsers treat an unclosed <${tag}> specially.\n\nThe *next* paragraph stays.`);
      expect(readable(html)).toBe(`Browsers treat an unclosed <${tag}> specially. The next paragraph stays.`);
      expect(countTag(html, 'em')).toBe(1);
      expect(dangers(html)).toEqual([]);
    });
  }

  const FOREIGN_TAGS = ['math', 'svg', 'select', 'iframe', 'template', 'object', 'option', 'frameset', 'head'];
  for (const tag of FOREIGN_TAGS) {
    it(`<${tag}> keeps the rest of its paragraph`, () => {
      const html = renderMarkdown(`One <${tag}> opens here and the sentence goes on to its end.`);
      expect(readable(html)).toBe(`One <${tag}> opens here and the sentence goes on to its end.`);
    });
  }

  it('filters any case, attributes, close tags and tags spanning lines', () => {
    const source =
      'a <SCRIPT type="module">x</Script> b <iframe\n  src="https://example.com"\n  title=\'t\'> c </svg > d';
    const html = renderMarkdown(source);
    expect(readable(html)).toBe(source.replace(/\s+/g, ' '));
    expect(dangers(html)).toEqual([]);
  });

  it('shows unknown and custom elements, processing instructions and declarations as written', () => {
    const source = 'Use <my-widget size=3> or <o:p>, <?php echo 1; ?> and <!DOCTYPE html> here.';
    expect(readable(renderMarkdown(source))).toBe(source);
  });

  it('keeps allowed tags working, inline and as blocks, in any case', () => {
    const html = renderMarkdown(
      'H<SUB>2</SUB>O and <kbd>Ctrl</kbd>\n\n<details>\n<summary>More</summary>\n\nHidden *text*\n\n</details>',
    );
    for (const tag of ['sub', 'kbd', 'details', 'summary', 'em']) expect(countTag(html, tag)).toBe(1);
  });

  it('filters tags inside an allowed HTML block and keeps the block', () => {
    const html = renderMarkdown('<div>\n<textarea>draft</textarea> and <b>bold</b>\n</div>\n\nAfter.');
    expect(countTag(html, 'div')).toBe(1);
    expect(countTag(html, 'b')).toBe(1);
    expect(readable(html)).toBe('<textarea>draft</textarea> and bold After.');
  });

  it('reads a line starting with a filtered tag as Markdown, not as an HTML block', () => {
    const html = renderMarkdown('<script>\nlet a = 1;\n\n## Heading after\n\n- a list');
    expect(countTag(html, 'h2')).toBe(1);
    expect(countTag(html, 'li')).toBe(1);
    expect(readable(html)).toBe('<script> let a = 1; Heading after a list');
  });

  it('hides a complete comment, and shows an unclosed one with everything after it', () => {
    expect(readable(renderMarkdown('Before <!-- a note to self --> after\n\n<!-- block\nnote -->\n\nEnd'))).toBe(
      'Before after End',
    );
    const html = renderMarkdown('Text <!-- never closed\n\n# Still a heading\n\n<!--\nalso open');
    expect(countTag(html, 'h1')).toBe(1);
    expect(readable(html)).toBe('Text <!-- never closed Still a heading <!-- also open');
  });

  it('keeps a `<` that starts no complete tag, inside an HTML block too', () => {
    const html = renderMarkdown('<div id="x"\n*not lost*\n\n<div>\nif a <b and c\n</div>');
    expect(readable(html)).toContain('*not lost*');
    expect(readable(html)).toContain('if a <b and c');
  });

  it('puts filtered tags in the table of contents and in image alt text as written', () => {
    const { toc, html } = renderContent(
      '# Escaping <script> in a heading\n\n![a <svg> chart](https://example.com/c.png)',
    );
    expect(toc[0]?.text).toBe('Escaping <script> in a heading');
    expect(elements(html).find((e) => e.name === 'img')?.attribs.alt).toBe('a <svg> chart');
  });

  it('does not linkify a URL inside a filtered tag', () => {
    const html = renderMarkdown('See <iframe src="https://example.com/x"> here');
    expect(countTag(html, 'a')).toBe(0);
  });

  it('keeps footnote and inline-footnote text after a filtered tag', () => {
    const html = renderMarkdown('Claim[^1] and more^[inline <style> note kept]\n\n[^1]: A <math> note kept too.');
    expect(readable(html)).toContain('inline <style> note kept');
    expect(readable(html)).toContain('A <math> note kept too.');
  });
});

describe('filterTags', () => {
  it('escapes the `<` of every tag outside the allowlist and leaves allowed tags and comments', () => {
    expect(filterTags('<p class="a">x</p><!-- c --><Style>y</style><br/>')).toBe(
      '<p class="a">x</p><!-- c -->&lt;Style>y&lt;/style><br/>',
    );
  });

  it('treats `<!-->` and `<!--->` as complete comments, as CommonMark and the sanitizer do', () => {
    expect(filterTags('a<!-->b<!--->c')).toBe('a<!-->b<!--->c');
  });

  it('escapes an allowed tag left unfinished, so its attributes do not swallow text', () => {
    expect(filterTags('<span title="a>b">ok</span> <em title="never closed>text')).toBe(
      '<span title="a>b">ok</span> &lt;em title="never closed>text',
    );
  });
});
