import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addPostToSequence, createSequence } from '../../src/sequences/service.js';
import { actorOf, makeComment, makePost, makeUser } from '../helpers/factories.js';
import { useBrowserTest } from '../helpers/server.js';

const { db, server, browser } = useBrowserTest();

/** What a reader sees of an excerpt: its rendered text (a MathML annotation is never drawn) and its formulas. */
async function typeset(excerpt: Locator) {
  await excerpt.waitFor();
  // Browsers put each MathML token of innerText on a line of its own.
  // biome-ignore lint/performance/useDomNodeTextContent: what is drawn is checked, not the annotations
  const text = (await excerpt.innerText()).replace(/\n/g, '');
  const boxes = await excerpt.locator('math').evaluateAll((all) =>
    all.map((m) => {
      const box = m.getBoundingClientRect();
      return { width: box.width, height: box.height, display: getComputedStyle(m).display };
    }),
  );
  return { text, boxes };
}

describe('excerpts in lists show formulas typeset, without KaTeX’s stylesheet', () => {
  it('on Recent Discussion, profiles, sequence pages and link preview cards', async () => {
    const author = await makeUser(db, { username: 'typesetter' });
    const post = await makePost(db, {
      authorId: author.id,
      title: 'Simple bases',
      markdown:
        '## Setup\n\nLet $\\mathcal{B}_{\\text{simple}}$ be a basis of $\\mathbb{R}^n$, and\n\n$$\\sum_i x_i^2 < 1.$$',
    });
    await makeComment(db, {
      postId: post.id,
      authorId: author.id,
      markdown: 'Then $\\mathfrak{g} \\subset \\mathcal{B}_{\\text{simple}}$ & <b>that</b> is all.',
    });
    const { id: sequenceId } = await createSequence(db, {
      authorId: author.id,
      title: 'Bases',
      description: 'On $\\mathbb{R}^n$ and its bases.',
    });
    await addPostToSequence(db, actorOf(author.id), { sequenceId, postId: post.id });
    const linking = await makePost(db, { authorId: author.id, markdown: `See [the bases](/posts/${post.id}).` });

    const page = await browser.newPage();
    const expectTypeset = async (excerpt: Locator, words: RegExp, formulas: number) => {
      const { text, boxes } = await typeset(excerpt);
      expect(text).toMatch(words);
      // No TeX source shown: neither the dollar delimiters nor a command.
      expect(text).not.toMatch(/\$|\\[a-z]/);
      expect(boxes).toHaveLength(formulas);
      for (const box of boxes) {
        expect(box.width).toBeGreaterThan(4);
        expect(box.height).toBeGreaterThan(4);
        // Drawn in the line (display="block" would be "block math").
        expect(box.display).toMatch(/^(inline )?math$/);
      }
    };

    await page.goto(`${server.url}/discussion`);
    const item = page.locator('.discussion-item', { hasText: 'Simple bases' });
    // The heading ends like a sentence; the styled letters are drawn as such (ℬ, ℝ).
    await expectTypeset(item.locator('.excerpt').first(), /^Setup\. Let ℬsimple be a basis of ℝ𝑛, and ∑/, 3);
    await expectTypeset(item.locator('.discussion-comment .excerpt'), /^Then 𝔤⊂ℬsimple & that is all\./, 1);
    // Formulas in excerpts need no stylesheet: the page loads none for math.
    await expect(page.locator('link[href*="katex"]').count()).resolves.toBe(0);

    await page.goto(`${server.url}/`);
    await expectTypeset(
      page.locator('.recent-discussion .discussion-item', { hasText: 'Simple bases' }).locator('.excerpt').first(),
      /Let ℬ/,
      3,
    );

    await page.goto(`${server.url}/users/typesetter?tab=comments`);
    await expectTypeset(page.locator('.profile-comment .excerpt'), /^Then 𝔤/, 1);

    await page.goto(`${server.url}/sequences`);
    await expectTypeset(page.locator('.post-excerpt', { hasText: 'and its bases' }), /^On ℝ𝑛 and its bases\.$/, 1);
    await page.goto(`${server.url}/s/${sequenceId}`);
    await expectTypeset(page.locator('.sequence-post .post-excerpt'), /^Setup\. Let ℬ/, 3);

    // The preview card of a link to the post shows the same typeset excerpt.
    await page.goto(`${server.url}/posts/${linking.id}/${linking.slug}`);
    await page.locator('.post-body a', { hasText: 'the bases' }).hover();
    await expectTypeset(page.locator('.post-preview-card p'), /^Setup\. Let ℬ/, 3);
  });
});
