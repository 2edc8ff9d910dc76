import { describe, expect, it } from 'vitest';
import { makePost, makeUser } from '../helpers/factories.js';
import { useBrowserTest } from '../helpers/server.js';
import { makeSequence } from '../sequences/helpers.js';

const { db, server, browser } = useBrowserTest();

/** How often `needle` occurs in `text`. */
const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

describe('feeds in a reader', () => {
  it('show each formula once, typeset from MathML, with no site stylesheet', async () => {
    const post = await makePost(db, {
      title: 'Feed math',
      markdown:
        'Let $\\mathcal{B}_{\\text{simple}}$ be given on $\\mathbb{R}^n$, and\n\n$$\\sum_{k} \\text{weight}_k = 1$$\n\nthat is all.',
    });
    const page = await browser.newPage();
    const xml = await (await page.request.get(`${server.url}/feed.atom`)).text();
    // The entry's HTML as a reader would show it: on its own, without our CSS or KaTeX's.
    const content = await page.evaluate(
      ({ xml, id }) => {
        const doc = new DOMParser().parseFromString(xml, 'application/xml');
        const entry = [...doc.querySelectorAll('entry')].find((e) => e.querySelector('id')?.textContent?.endsWith(id));
        return entry?.querySelector('content')?.textContent ?? '';
      },
      { xml, id: `post:${post.id}` },
    );
    await page.setContent(`<!doctype html><html><body>${content}</body></html>`);
    // The rendered text, as a reader sees it: textContent would count the hidden TeX annotation too.
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what this test is about.
    const text = await page.evaluate(() => document.body.innerText);
    expect(occurrences(text, 'simple')).toBe(1);
    expect(occurrences(text, 'weight')).toBe(1);
    expect(text).toContain('that is all.');
    // Typeset as mathematics (MathML laid out by the browser), not shown as TeX source.
    expect(text).not.toContain('\\mathcal');
    // Styled letters as Unicode's own characters, which a reader's MathML engine draws (it ignores mathvariant).
    expect(text).toContain('ℬ');
    expect(text).toContain('ℝ');
    const box = await page.locator('math[display="block"]').boundingBox();
    expect(box?.height).toBeGreaterThan(20);
    await page.close();
  });

  it('are advertised in the head of a sequence page, as on posts and profiles', async () => {
    const author = await makeUser(db);
    const { id } = await makeSequence(db, author.id, { 'Part one': ['A first step'] }, 'A feed-worthy sequence');
    const page = await browser.newPage();
    await page.goto(`${server.url}/s/${id}`);
    const feeds = await page
      .locator('head link[rel="alternate"]')
      .evaluateAll((links) => links.map((l) => `${l.getAttribute('type')} ${l.getAttribute('href')}`));
    expect(feeds[0]).toBe(`application/rss+xml /s/${id}/feed.xml`);
    expect(feeds[1]).toBe(`application/atom+xml /s/${id}/feed.atom`);
    await page.close();
  });
});
