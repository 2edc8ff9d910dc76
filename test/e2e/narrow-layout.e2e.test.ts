import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { savePost } from '../../src/posts/service.js';
import { actorOf, makePost, makeUser, type TestUser } from '../helpers/factories.js';
import { TOUR_POST_MARKDOWN } from '../helpers/page-tour.js';
import { logInAs, useBrowserTest } from '../helpers/server.js';

const { db, server, browser } = useBrowserTest();
const PHONE = { width: 375, height: 812 };

let author: TestUser;
let reader: TestUser;
let postPath: string;

beforeAll(async () => {
  author = await makeUser(db, { username: 'narrow_author' });
  reader = await makeUser(db, { username: 'narrow_reader' });
  const post = await makePost(db, {
    authorId: author.id,
    title: 'Numbered equations, a footnote and a table, under a title that wraps on a phone',
    markdown: TOUR_POST_MARKDOWN,
  });
  // Revised, so the byline carries its longest form ("Last revised …").
  await savePost(
    db,
    actorOf(author.id),
    post.id,
    { title: post.title, body: `${TOUR_POST_MARKDOWN}\n\nMore.`, note: '' },
    'save',
  );
  const [row] = await db.query<{ slug: string }>('SELECT slug FROM posts WHERE id = $1', [post.id]);
  postPath = `/posts/${post.id}/${row!.slug}`;
});

/** A phone-sized page, logged in as `user` when given. */
async function phonePage(user?: TestUser): Promise<Page> {
  const page = await (await browser.newContext({ viewport: PHONE })).newPage();
  if (user) await logInAs(page, server.url, user);
  return page;
}

async function open(page: Page, path: string) {
  await page.goto(server.url + path);
  await page.evaluate(() => document.fonts.ready);
}

/**
 * Pairs of things drawn over each other inside `selector`: each run of text (the boxes of its glyphs, line by
 * line) and each button, named by its element and text. Nested things (a button's label) are not compared, nor
 * text only screen readers get.
 */
function overlapsWithin(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((rootSelector) => {
    const root = document.querySelector(rootSelector);
    if (!root) return [`nothing matches ${rootSelector}`];
    type Box = { name: string; owner: Element; rect: DOMRect };
    const boxes: Box[] = [];
    const describe = (element: Element, text: string) =>
      `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(' ')[0]}` : ''} "${text.trim().slice(0, 30)}"`;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // Text kept for screen readers only is clipped to nothing: it is not drawn.
      if (!node.textContent?.trim() || !node.parentElement || node.parentElement.closest('.visually-hidden')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of range.getClientRects())
        if (rect.width > 0 && rect.height > 0)
          boxes.push({ name: describe(node.parentElement, node.textContent), owner: node.parentElement, rect });
    }
    for (const button of root.querySelectorAll('button, input, select, textarea'))
      boxes.push({
        name: describe(button, button.textContent ?? ''),
        owner: button,
        rect: button.getBoundingClientRect(),
      });
    const TOLERANCE = 1;
    const found: string[] = [];
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        if (a.owner === b.owner || a.owner.contains(b.owner) || b.owner.contains(a.owner)) continue;
        const x = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
        const y = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
        if (x > TOLERANCE && y > TOLERANCE) found.push(`${a.name} overlaps ${b.name}`);
      }
    }
    return found;
  }, selector);
}

/** Whether the page scrolls sideways (something wider than the phone outside a scrolling box). */
function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

describe('on a 375 px wide phone nothing is drawn over anything else', () => {
  it('the post header: title, byline and vote controls, for a reader, a voter and the author', async () => {
    for (const viewer of [undefined, reader, author]) {
      const page = await phonePage(viewer);
      await open(page, postPath);
      const who = viewer?.username ?? 'logged out';
      // The vote controls are there to be checked (buttons when logged in, the score and a link when not).
      expect(await page.locator('.post-header .post-votes-top .vote-score').count(), who).toBe(1);
      expect(await overlapsWithin(page, '.post-header'), who).toEqual([]);
      expect(await scrollsSideways(page), who).toBe(false);
      await page.context().close();
    }
  });

  it('equation numbers stay beside their formulas, also when a formula is wider than the column', async () => {
    const page = await phonePage();
    await open(page, postPath);
    const formulas = await page.evaluate(() =>
      [...document.querySelectorAll('.post-body .katex-display')]
        .filter((display) => display.querySelector('.katex-tag'))
        .map((display) => {
          const tag = display.querySelector('.katex-tag')!.getBoundingClientRect();
          // The formula's pieces: every other child of KaTeX's layout (one box per breakable run).
          const pieces = [...display.querySelectorAll('.katex-html > :not(.katex-tag)')].map((piece) =>
            piece.getBoundingClientRect(),
          );
          return {
            wide: display.scrollWidth > display.clientWidth,
            pieces: pieces.length,
            tagOverFormula: pieces.some(
              (b) =>
                Math.min(b.right, tag.right) - Math.max(b.left, tag.left) > 1 &&
                b.bottom > tag.top &&
                b.top < tag.bottom,
            ),
          };
        }),
    );
    // The numbered align overflows a phone's column; the single numbered line fits.
    expect(formulas.map((f) => f.wide)).toEqual([true, false]);
    expect(formulas.every((f) => f.pieces > 0)).toBe(true);
    expect(formulas.map((f) => f.tagOverFormula)).toEqual([false, false]);
    expect(await scrollsSideways(page)).toBe(false);
    await page.context().close();
  });

  it('the profile: its tabs sit below the byline and "Edit profile", not over them', async () => {
    const page = await phonePage(author);
    await open(page, `/users/${author.username}`);
    // The byline wraps onto a second line here, as it does for most names.
    const bylineLines = await page
      .locator('.profile > .post-meta')
      .first()
      .evaluate((p) =>
        Math.round(p.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(p).lineHeight)),
      );
    expect(bylineLines).toBeGreaterThanOrEqual(2);
    expect(await overlapsWithin(page, '.profile')).toEqual([]);
    // Below the byline and the owner's line under it (their banned commenters).
    const meta = (await page.locator('.profile > .post-meta').last().boundingBox())!;
    const tabs = (await page.locator('.profile-tabs').boundingBox())!;
    expect(tabs.y).toBeGreaterThanOrEqual(meta.y + meta.height);
    expect(await scrollsSideways(page)).toBe(false);
    await page.context().close();
  });
});
