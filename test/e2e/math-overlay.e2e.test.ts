import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makeComment, makePost } from '../helpers/factories.js';
import { useBrowserTest } from '../helpers/server.js';

const { db, server, browser } = useBrowserTest();

// A red banner from 180em below its line to 40em above (\rule pieces: KaTeX caps their size at 20em but not
// how far a negative raise moves them), lifted 100em more by nested \raisebox (each within KaTeX's 20em), inside
// \smash[t] and \smash[b] so the comment's line does not grow: without clipping it covers the top of the page,
// the site header included.
const PIECES = Array.from({ length: 11 }, (_, i) => `\\rule[${20 * i - 180}em]{2em}{20em}`).join('');
const BANNER = `\\colorbox{red}{Session expired, log in at evil.example${PIECES}}`;
const ATTACK = `$\\smash[b]{\\smash[t]{${'\\raisebox{20em}{'.repeat(5)}${BANNER}${'}'.repeat(5)}}}$`;

const TALL = `$$\\begin{pmatrix}${Array.from({ length: 30 }, (_, i) => `a_{${i}}`).join('\\\\')}\\end{pmatrix}$$`;
const WIDE = `$$${Array.from({ length: 120 }, (_, i) => `x_{${i}}`).join('+')}$$`;

/** What the page shows at a point of the viewport: the element hit there, as a short description. */
async function hitAt(page: Page, x: number, y: number) {
  return page.evaluate(
    ([px, py]) => {
      const element = document.elementFromPoint(px!, py!);
      return {
        inHeader: Boolean(element?.closest('.site-header')),
        inColorbox: Boolean(element?.closest('.colorbox')),
      };
    },
    [x, y],
  );
}

describe('math in a comment stays inside the comment', () => {
  it('a raised colour box cannot paint over the site header; tall and wide math still show', async () => {
    const post = await makePost(db, { title: 'Overlay test', markdown: 'A short post.' });
    const attack = await makeComment(db, { postId: post.id, markdown: `Innocent words ${ATTACK} and more.` });
    const legit = await makeComment(db, {
      postId: post.id,
      markdown: `A tall one:\n\n${TALL}\n\nA wide one:\n\n${WIDE}`,
    });

    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    await page.goto(`${server.url}/posts/${post.id}/overlay-test`);

    // The banner really is laid out over the header, far above its comment (so it is clipping that hides it).
    const comment = page.locator(`#comment-${attack.id} .comment-body`);
    const banner = page.locator(`#comment-${attack.id} .colorbox`).first();
    await banner.waitFor({ state: 'attached' });
    const commentBox = (await comment.boundingBox())!;
    const bannerBox = (await banner.boundingBox())!;
    const header = (await page.locator('.site-header').boundingBox())!;
    expect(header.y + header.height).toBeLessThan(commentBox.y);
    // Over the header's lower part at least (sampled below at 80 % of its height).
    expect(bannerBox.y).toBeLessThan(header.y + header.height * 0.75);
    expect(bannerBox.y + bannerBox.height).toBeGreaterThan(commentBox.y);

    // Everywhere over the header, the header's own elements answer.
    for (const fx of [0.05, 0.25, 0.5, 0.75, 0.95]) {
      for (const fy of [0.2, 0.5, 0.8]) {
        const hit = await hitAt(page, header.x + fx * header.width, header.y + fy * header.height);
        expect(hit).toEqual({ inHeader: true, inColorbox: false });
      }
    }
    // Within the comment's box (and its small clip margin) the banner may show; above it, nothing of it does.
    const above = await hitAt(page, commentBox.x + 20, commentBox.y - 40);
    expect(above.inColorbox).toBe(false);

    // Legitimate tall math: every row is there and visible inside its comment.
    const tall = page.locator(`#comment-${legit.id} .katex-display`).first();
    await tall.scrollIntoViewIfNeeded();
    const tallBox = (await tall.boundingBox())!;
    expect(tallBox.height).toBeGreaterThan(400);
    const lastRow = page
      .locator(`#comment-${legit.id} .katex-display .mord.mathnormal`)
      .filter({ hasText: 'a' })
      .last();
    const rowBox = (await lastRow.boundingBox())!;
    const rowHit = await page.evaluate(
      ([x, y]) => document.elementFromPoint(x!, y!)?.closest('.katex-display') !== null,
      [rowBox.x + rowBox.width / 2, rowBox.y + rowBox.height / 2],
    );
    expect(rowHit).toBe(true);

    // Legitimate wide math scrolls sideways inside its own box instead of being cut.
    const wide = page.locator(`#comment-${legit.id} .katex-display`).nth(1);
    const widths = await wide.evaluate((element) => ({ scroll: element.scrollWidth, client: element.clientWidth }));
    expect(widths.scroll).toBeGreaterThan(widths.client);
    await wide.evaluate((element) => {
      element.scrollLeft = element.scrollWidth;
    });
    await expect(wide.evaluate((element) => element.scrollLeft)).resolves.toBeGreaterThan(0);
  });
});
