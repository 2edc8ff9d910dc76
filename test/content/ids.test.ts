import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { headingSlug } from '../../src/content/headings.js';
import { renderContent, renderMarkdown } from '../../src/content/render.js';
import { sanitizeContent } from '../../src/content/sanitize.js';
import { elements } from './helpers.js';

const ids = (html: string): string[] =>
  elements(html)
    .map((e) => e.attribs.id)
    .filter((id): id is string => id !== undefined);
const links = (html: string): string[] =>
  elements(html)
    .filter((e) => e.name === 'a' && e.attribs.href?.startsWith('#'))
    .map((e) => e.attribs.href!);

describe('ids written in raw HTML', () => {
  it('are prefixed with user-content-, so they cannot take the page’s or the footnotes’ ids', () => {
    const html = renderMarkdown('<h2 id="fn-1">Fake note</h2>\n\n<h3 id="main">Main</h3>\n\n<li id="comments">x</li>', {
      docId: 'p',
    });
    expect(ids(html)).toEqual(['user-content-fn-1', 'user-content-main', 'user-content-comments']);
  });

  it('are dropped from tags that take none (<span id="main">)', () => {
    expect(ids(renderMarkdown('<span id="main">x</span> <div id="comments">y</div>'))).toEqual([]);
  });

  it('cannot pass for the renderer’s own ids, whatever they contain', () => {
    const html = renderMarkdown('<h2 id="\uE100\uE200\uE300\uE400\uE500setup">x</h2> <a id="fn-p-1">y</a>');
    expect(ids(html)).toEqual(['user-content-fn-p-1']);
  });

  it('same-page links to them follow the prefix, in raw HTML and in Markdown', () => {
    const html = renderMarkdown(
      '<h3 id="proof">Proof</h3>\n\nSee <a href="#proof">the proof</a> or [the proof](#proof), or [nothing](#nowhere).',
    );
    expect(ids(html)).toEqual(['user-content-proof']);
    expect(links(html)).toEqual(['#user-content-proof', '#user-content-proof', '#nowhere']);
  });

  it('a link before the id it points to is fixed too', () => {
    const html = renderMarkdown('[down](#later)\n\n<h4 id="later">Later</h4>');
    expect(links(html)).toEqual(['#user-content-later']);
  });

  it('without the renderer’s marker (any other HTML), every id is an author’s', () => {
    expect(ids(sanitizeContent('<h2 id="setup">x</h2><a href="#setup">y</a>'))).toEqual(['user-content-setup']);
    expect(links(sanitizeContent('<h2 id="setup">x</h2><a href="#setup">y</a>'))).toEqual(['#user-content-setup']);
  });
});

describe('the renderer’s own ids', () => {
  it('heading anchors stay as the table of contents links them, even beside an author’s id of the same name', () => {
    const { html, toc } = renderContent('## Setup\n\n<h2 id="setup">Mine</h2>\n\nBack to [setup](#setup).');
    expect(toc.map((entry) => entry.id)).toEqual(['setup']);
    expect(ids(html)).toEqual(['setup', 'user-content-setup']);
    expect(links(html)).toEqual(['#setup']);
  });

  it('footnote ids and links stay unprefixed and point at each other', () => {
    const html = renderMarkdown('Claim[^1].\n\n[^1]: Note.', { docId: 'c1' });
    expect(ids(html)).toEqual(['fnref-c1-1', 'fn-c1-1']);
    expect(links(html)).toEqual(['#fn-c1-1', '#fnref-c1-1']);
  });

  it('every same-page link in a mixed document lands on an element of the document', () => {
    const { html } = renderContent(
      '# Intro\n\n<h2 id="x">Raw</h2>\n\n## Main\n\nSee [intro](#intro), <a href="#x">raw</a>, [main](#section-main)[^n].\n\n[^n]: Note, back to [intro](#intro).',
      { docId: 'd' },
    );
    const present = new Set(ids(html));
    for (const href of links(html)) expect(present.has(href.slice(1)), href).toBe(true);
    expect(present.has('main')).toBe(false); // the page's <main id="main"> stays the page's
  });
});

describe('heading slugs never take an id the pages use', () => {
  it('are prefixed when they would', () => {
    for (const [text, slug] of [
      ['Main', 'section-main'],
      ['Comments', 'section-comments'],
      ['Post title', 'section-post-title'],
      ['TOC heading', 'section-toc-heading'],
      ['Comment 12', 'section-comment-12'],
      ['fn 1', 'section-fn-1'],
      ['User content: intro', 'section-user-content-intro'],
      ['Field notes', 'section-field-notes'],
      ['Main results', 'main-results'],
      ['Commentary', 'commentary'],
    ]) {
      expect(headingSlug(text!)).toBe(slug);
    }
  });

  it('cover every id written in the views (so a new one must be added to the list)', () => {
    const sources: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.tsx')) sources.push(readFileSync(file, 'utf8'));
      }
    };
    walk(path.resolve(import.meta.dirname, '../../src'));
    const fixed = new Set<string>();
    const prefixes = new Set<string>();
    for (const source of sources) {
      for (const match of source.matchAll(/\bid="([a-z][\w-]*)"/g)) fixed.add(match[1]!);
      for (const match of source.matchAll(/\bid=\{`([a-z][\w-]*?)\$\{/g)) prefixes.add(match[1]!);
    }
    expect(fixed.size).toBeGreaterThan(10);
    expect(prefixes.size).toBeGreaterThan(3);
    for (const id of fixed) expect(headingSlug(id), id).not.toBe(id);
    for (const prefix of prefixes) expect(headingSlug(`${prefix}x`), prefix).not.toBe(`${prefix}x`);
  });
});
