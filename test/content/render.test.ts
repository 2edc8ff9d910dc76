import { describe, expect, it } from 'vitest';
import { makeExcerpt } from '../../src/content/excerpt.js';
import {
  ContentTooLargeError,
  EXCERPT_CHARS,
  MAX_MARKDOWN_CHARS,
  renderContent,
  renderMarkdown,
} from '../../src/content/render.js';
import { elements } from './helpers.js';

describe('renderContent', () => {
  it('returns html, excerpt, word count, reading time and toc together', () => {
    const source = '# Title\n\nSome words here with $x^2$ math.[^1]\n\n[^1]: A note.';
    const content = renderContent(source);
    expect(content.html).toBe(renderMarkdown(source));
    expect(content.excerpt).toBe(makeExcerpt(content.html, EXCERPT_CHARS));
    expect(content.excerpt).toBe('Title. Some words here with $x^2$ math.');
    expect(content.toc).toEqual([{ level: 1, id: 'title', text: 'Title' }]);
    expect(content.readingMinutes).toBe(1);
  });

  it('counts visible words, each formula as one, footnote markers as none', () => {
    // Title(1) + Some words here with(4) + formula(1) + math(1) + A note(2) + display formula(1)
    expect(
      renderContent('# Title\n\nSome words here with $x^2 + y^2$ math.[^1]\n\n$$\na + b + c\n$$\n\n[^1]: A note.')
        .wordCount,
    ).toBe(10);
    expect(renderContent('').wordCount).toBe(0);
    expect(renderContent('don’t stop — 2024, 3.14').wordCount).toBe(4);
    expect(renderContent('我们今天去公园').wordCount).toBeGreaterThanOrEqual(3);
  });

  it('estimates reading time at 230 words a minute, at least one minute', () => {
    expect(renderContent('word').readingMinutes).toBe(1);
    expect(renderContent('word '.repeat(460)).readingMinutes).toBe(2);
    expect(renderContent('word '.repeat(2300)).readingMinutes).toBe(10);
  });

  it('renders the same Markdown to the same HTML every time', () => {
    const source = 'Text $a$ and $$b$$ and \\(c\\).\n\n[^n]: note';
    expect(renderMarkdown(source)).toBe(renderMarkdown(source));
  });

  it('prefixes footnote ids with the docId option, or a hash of the source', () => {
    const source = 'Claim[^1].\n\n[^1]: Note.';
    const ids = (html: string) =>
      elements(html)
        .map((e) => e.attribs.id)
        .filter(Boolean);
    expect(ids(renderMarkdown(source, { docId: 'c42' }))).toEqual(['fnref-c42-1', 'fn-c42-1']);
    const [ref] = ids(renderMarkdown(source));
    expect(ref).toMatch(/^fnref-[0-9a-f]{8}-1$/);
    expect(ids(renderMarkdown(`${source} Other.`))[0]).not.toBe(ref);
    expect(ids(renderMarkdown(source, { docId: 'bad id"><' }))[0]).toBe(ref);
  });
});

describe('input size', () => {
  it('accepts Markdown up to the limit', () => {
    expect(() => renderContent('a'.repeat(MAX_MARKDOWN_CHARS))).not.toThrow();
  });

  it('refuses Markdown over the limit with ContentTooLargeError naming the limit', () => {
    const attempt = () => renderMarkdown('a'.repeat(MAX_MARKDOWN_CHARS + 1));
    expect(attempt).toThrow(ContentTooLargeError);
    expect(attempt).toThrow(/200,000/);
    try {
      attempt();
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      expect((error as ContentTooLargeError).limit).toBe(MAX_MARKDOWN_CHARS);
      expect((error as ContentTooLargeError).name).toBe('ContentTooLargeError');
    }
  });
});
