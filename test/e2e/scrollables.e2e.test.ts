import { describe, expect, it } from 'vitest';
import { makePost } from '../helpers/factories.js';
import { useBrowserTest } from '../helpers/server.js';

const { db, server, browser } = useBrowserTest();

const WIDE = `$$${Array.from({ length: 80 }, (_, i) => `x_{${i}}`).join('+')}$$`;
const CODE = `\`\`\`\nconst line = ${JSON.stringify('a long string '.repeat(20))};\n\`\`\``;

describe('wide formulas and code at 375 px', () => {
  it('can be scrolled from the keyboard when they overflow, and add no tab stop when they fit', async () => {
    const post = await makePost(db, { title: 'Wide things', markdown: `${WIDE}\n\nShort: $$a = b$$\n\n${CODE}` });
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await page.goto(`${server.url}/posts/${post.id}/wide-things`);
    const focusable = page.locator('.post-body [data-scroll-focus][tabindex="0"]');
    await expect.poll(() => focusable.count()).toBe(2);
    // The short formula fits: no tab stop of its own.
    await expect(focusable.filter({ hasText: 'a=b' }).count()).resolves.toBe(0);

    const formula = focusable.first();
    await formula.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => formula.evaluate((e) => e.scrollLeft)).toBeGreaterThan(0);

    await page.close();
  });
});
