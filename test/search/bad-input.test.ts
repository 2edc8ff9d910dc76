import { beforeAll, describe, expect, it } from 'vitest';
import { parseStrictly } from '../feeds/helpers.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makePost } from '../helpers/factories.js';
import { searchPage } from './helpers.js';

const BASE_URL = 'https://lyceum.example';
const { db, app } = useTestApp({ BASE_URL });
let client: TestClient;

beforeAll(async () => {
  client = new TestClient(app);
  await makePost(db, { title: 'Привет, мир', markdown: 'Мир и математика.' });
  await makePost(db, { title: '数学的研究', markdown: '我们研究数学。' });
  await makePost(db, { title: 'Emoji 🎉 party', markdown: 'A party 🎉 with confetti.' });
  await makePost(db, { title: 'Tables', markdown: 'How to drop a table of posts in SQL.' });
});

const search = (params: Record<string, string> | string) => searchPage(client, params);

describe('queries that are odd but fine', () => {
  it('an empty query shows the search page with help', async () => {
    const page = await search({ q: '   ' });
    expect(page.status).toBe(200);
    expect(page.html).toContain('Formulas are searchable');
  });

  it.each([
    ['operators only', 'OR - "" -'],
    ['stopwords only', 'the a of'],
    ['punctuation', '((( ))) !!! ::'],
  ])('%s: a clear message, no results', async (_name, q) => {
    const page = await search({ q });
    expect(page.status).toBe(200);
    expect(page.html).toContain('nothing to search for');
    expect(page.titles).toEqual([]);
  });

  it('a query of exclusions only is answered with a message, not by reading everything', async () => {
    const page = await search({ q: '-party' });
    expect(page.status).toBe(200);
    expect(page.html).toContain('only leaves words out');
  });

  it('unbalanced quotes, SQL-looking text, emoji, Cyrillic and CJK find what they should', async () => {
    expect((await search({ q: '"drop a table of' })).titles).toEqual(['Tables']);
    expect((await search({ q: "'; DROP TABLE posts; --" })).titles).toEqual(['Tables']);
    expect((await search({ q: '🎉 party' })).titles).toEqual(['Emoji 🎉 party']);
    expect((await search({ q: 'мир' })).titles).toEqual(['Привет, мир']);
    // A word inside a run of characters of a script written without spaces.
    expect((await search({ q: '研究' })).titles).toEqual(['数学的研究']);
    const snippet = (await search({ q: '数学' })).snippets[0]!;
    expect(snippet.marks.length).toBeGreaterThan(0);
  });
});

describe('input refused with a message naming it', () => {
  it('a 10,000-character query: 422, the limit said, the box re-filled with the start of it', async () => {
    const page = await search({ q: 'x'.repeat(10_000) });
    expect(page.status).toBe(422);
    expect(page.html).toContain('the limit is 500');
    expect(page.html).toContain(`value="${'x'.repeat(500)}"`);
  });

  it('a NUL byte: 400 with a message', async () => {
    const response = await client.get('/search?q=a%00b');
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('NUL');
  });

  it.each([
    ['author', { q: 'party', author: 'nobody_by_that_name' }, 'no user named'],
    ['tag', { q: 'party', tag: 'no-such-tag' }, 'no tag'],
    ['tag with markup', { q: 'party', tag: '<b>x</b>' }, 'no tag'],
    ['from', { q: 'party', from: '2025-02-30' }, 'not a date'],
    ['to', { q: 'party', to: 'yesterday' }, 'not a date'],
    ['range', { q: 'party', from: '2025-03-01', to: '2025-01-01' }, 'comes before its start'],
    ['tab', { q: 'party', tab: 'everything' }, 'no “everything” tab'],
    ['after', { q: 'party', after: 'not-a-cursor' }, 'broken'],
  ])('bad %s: 422 naming it', async (name, params, message) => {
    const page = await search(params);
    expect(page.status).toBe(422);
    expect(page.html).toContain(message);
    const field = name === 'range' ? 'to' : name === 'tag with markup' ? 'tag' : name;
    if (field !== 'tab' && field !== 'after') expect(page.html).toContain(`id="search-${field}-error"`);
  });

  it('a filter the tab does not take is ignored with a notice', async () => {
    const page = await search({ q: 'party', tab: 'users', from: '2025-01-01' });
    expect(page.status).toBe(200);
    expect(page.html).toContain('date filter does not apply to users');
  });
});

describe('search feed', () => {
  it('lists the newest matching posts, parsed by a real feed parser, advertised by the search page', async () => {
    await makePost(db, { title: 'Feedable $\\mathbb{R}$ lines', markdown: 'Lines in $\\mathbb{R}^2$ are feedable.' });
    const page = await search({ q: 'feedable' });
    expect(page.html).toContain('href="/search/feed.xml?q=feedable"');
    for (const [path, type] of [
      ['/search/feed.xml?q=feedable', 'rss'],
      ['/search/feed.atom?q=feedable', 'atom'],
    ] as const) {
      const response = await client.get(path);
      expect(response.status).toBe(200);
      const xml = await response.text();
      const feed = parseStrictly(xml);
      expect(feed.meta.type).toBe(type);
      expect(feed.title).toContain('feedable');
      expect(feed.items.map((item) => item.title)).toEqual(['Feedable $\\mathbb{R}$ lines']);
      expect(feed.items[0]!.url).toMatch(/^https:\/\/lyceum\.example\/posts\//);
      // Math as MathML only: no KaTeX HTML beside it.
      expect(feed.items[0]!.content).toContain('<math');
      expect(feed.items[0]!.content).not.toContain('katex-html');
    }
    expect((await client.get('/search/feed.xml?q=')).status).toBe(422);
    expect((await client.get(`/search/feed.xml?q=${'y'.repeat(600)}`)).status).toBe(422);
    expect((await client.get('/search/feed.xml?q=-feedable')).status).toBe(422);
  });
});
