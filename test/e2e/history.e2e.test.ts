import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makePost, makeUser } from '../helpers/factories.js';
import { logInAs, useBrowserTest } from '../helpers/server.js';

const { db, server, browser } = useBrowserTest();

// A long post: thirty short paragraphs and, in the middle, one paragraph of some 3,500 characters.
const LONG = Array.from({ length: 60 }, (_, i) => `Clause ${i} of the long argument holds.`).join(' ');
const paragraph = (n: number) => (n === 15 ? LONG : `Paragraph ${n} states a claim about $x_${n}$.`);
const FIRST = Array.from({ length: 30 }, (_, i) => paragraph(i + 1)).join('\n\n');
// Three edits far apart: a word in paragraph 4, a word inside the long paragraph, paragraph 26 deleted.
const SECOND = FIRST.replace('Paragraph 4 states', 'Paragraph 4 proves')
  .replace('Clause 30 of the long', 'Clause 30 of the lengthy')
  .replace('Paragraph 26 states a claim about $x_26$.\n\n', '');
const THIRD = SECOND.replace('Paragraph 10 states', 'Paragraph 10 refutes');

async function saveEdit(page: Page, postId: string, body: string, note: string) {
  await page.goto(`${server.url}/posts/${postId}/edit`);
  await page.getByLabel('Body').fill(body);
  await page.getByLabel('What changed? (optional)').fill(note);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.waitForURL(/\/posts\/\w+\/[\w-]+$/);
}

async function seriousViolations(page: Page) {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${page.url()}: ${v.id} ${v.nodes[0]?.target.join(' ')}`);
}

describe('a reader of the revision history', () => {
  it('reads a folded diff, jumps between changes, tells deletions apart without colour, and reads old revisions', async () => {
    const writer = await makeUser(db, { username: 'historian_e2e' });
    const post = await makePost(db, { authorId: writer.id, title: 'A long argument', markdown: FIRST });
    const page = await browser.newPage();
    await logInAs(page, server.url, writer);
    await saveEdit(page, post.id, SECOND, 'Three fixes');
    await saveEdit(page, post.id, THIRD, 'One more');

    await page.getByRole('link', { name: /Last revised/ }).click();
    await expect(page.locator('.revision-list li').first().textContent()).resolves.toMatch(/^Revision 3 \(current\)/);
    await page.getByRole('link', { name: 'Revision 2', exact: true }).click();
    await expect(page.locator('h1').textContent()).resolves.toMatch(/Revision 2\s+of 3/);

    // One hunk per edit; between them the unchanged lines are folded shut, their text in the page but hidden.
    const hunks = page.locator('.diff-body .diff-hunk');
    await expect(hunks.count()).resolves.toBe(3);
    await expect(page.locator('.diff-changes li a').allTextContents()).resolves.toEqual([
      'Line 7',
      'Line 29',
      'Line 51',
    ]);
    const folded = page.locator('details.diff-folded');
    await expect(folded.count()).resolves.toBe(4);
    await expect(folded.nth(1).locator('summary').textContent()).resolves.toMatch(/^\d+ unchanged lines/);
    const hidden = folded.nth(1).getByText('Paragraph 12 states', { exact: false });
    await expect(hidden.isVisible()).resolves.toBe(false);
    await folded.nth(1).locator('summary').click();
    await expect(hidden.isVisible()).resolves.toBe(true);

    // The long paragraph is cut around the change, not shown whole.
    const long = hunks.nth(1);
    await expect(long.locator('.diff-elided').count()).resolves.toBe(2);
    const longText = (await long.locator('.diff-text').textContent())!;
    expect(longText).toContain('Clause 30 of the long');
    expect(longText.length).toBeLessThan(LONG.length / 3);

    // The list of changes jumps to each hunk, and each hunk to the next.
    await page.getByRole('link', { name: 'Line 51', exact: true }).click();
    await expect(page.evaluate(() => location.hash)).resolves.toBe('#diff_change-3');
    const inView = (index: number) =>
      hunks.nth(index).evaluate((e) => {
        const box = e.getBoundingClientRect();
        return box.top >= 0 && box.top < window.innerHeight && e.matches(':target');
      });
    await expect(inView(2)).resolves.toBe(true);
    await hunks.nth(2).getByRole('link', { name: '↑ Previous: Line 29' }).click();
    await expect(inView(1)).resolves.toBe(true);

    // Deleted text is struck through and marked in text, not told apart by colour alone; insertions likewise.
    const mark = (selector: string) =>
      page
        .locator(selector)
        .first()
        .evaluate((e) => ({
          line: getComputedStyle(e).textDecorationLine,
          before: getComputedStyle(e, '::before').content,
          after: getComputedStyle(e, '::after').content,
          text: e.textContent,
        }));
    await expect(mark('.diff-body del')).resolves.toEqual({
      line: 'line-through',
      before: '"[-" / "deleted: "',
      after: '"-]" / " end deleted"',
      text: 'states',
    });
    await expect(mark('.diff-body ins')).resolves.toMatchObject({ line: 'underline', before: '"{+" / "inserted: "' });
    // What a screen reader reads out.
    await expect(hunks.first().locator('.diff-text').ariaSnapshot()).resolves.toContain(
      'deletion: "deleted: states end deleted"',
    );

    // An older revision shows its own text as readers saw it (math typeset), not the current one.
    await page.getByRole('link', { name: '← Revision 1' }).click();
    const body = page.locator('.revision-body');
    await expect(body.textContent()).resolves.toContain('Paragraph 4 states a claim');
    await expect(body.textContent()).resolves.toContain('Paragraph 26 states');
    await expect(body.locator('.katex').count()).resolves.toBe(29);
    await expect(page.locator('.revision-status').textContent()).resolves.toContain('readers now see revision 3');
    await page.goto(`${server.url}/posts/${post.id}/a-long-argument/history/3`);
    await expect(body.textContent()).resolves.toContain('Paragraph 10 refutes');
    await expect(page.locator('.revision-status').textContent()).resolves.toContain('This is the current version.');
  }, 60_000);

  it('unfolds without JavaScript, and passes axe in light and dark themes', async () => {
    const writer = await makeUser(db);
    const post = await makePost(db, { authorId: writer.id, title: 'Themes', markdown: FIRST });
    await db.query(
      `INSERT INTO post_revisions (id, post_id, number, title, body_markdown, body_html, note)
       SELECT id || 'b', post_id, 2, title, $2, body_html, '' FROM post_revisions WHERE post_id = $1`,
      [post.id, SECOND],
    );
    await db.query('UPDATE posts SET revision_count = 2 WHERE id = $1', [post.id]);
    const path = `/posts/${post.id}/themes/history`;

    const noScript = await browser.newContext({ javaScriptEnabled: false });
    const plain = await noScript.newPage();
    await plain.goto(`${server.url}${path}/2`);
    const fold = plain.locator('details.diff-folded').first();
    await fold.locator('summary').click();
    await expect(fold.getAttribute('open')).resolves.toBe('');
    await noScript.close();

    const found: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme });
      const page = await context.newPage();
      for (const url of [path, `${path}/1`, `${path}/2`]) {
        await page.goto(`${server.url}${url}`);
        await page.locator('details.diff-folded').evaluateAll((all) => {
          for (const details of all) details.setAttribute('open', '');
        });
        found.push(...(await seriousViolations(page)));
      }
      await context.close();
    }
    expect(found).toEqual([]);
  }, 120_000);
});
