import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { makePageTour, type Viewer } from './page-tour.js';
import { logInAs, useBrowserTest } from './server.js';

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 375, height: 812 },
};

/**
 * Every axe-core violation on the page, whatever its impact, one line each naming the page and its first nodes.
 * Besides axe's defaults, WCAG 2.2's target size (24 px, or spaced as if) is checked. Legacy mode runs axe in the
 * page itself (our pages have no frames), several times faster than collecting partial results.
 */
async function violations(page: Page, label: string, only?: string[]): Promise<string[]> {
  const builder = new AxeBuilder({ page })
    .setLegacyMode(true)
    .options({ resultTypes: ['violations'], rules: { 'target-size': { enabled: true } } });
  const result = await (only ? builder.withRules(only) : builder).analyze();
  return result.violations.map(
    (v) =>
      `${label}: ${v.id} [${v.impact}] (${v.nodes.length}) ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(' | ')}`,
  );
}

interface Sweep {
  browser: Browser;
  url: string;
  tour: Awaited<ReturnType<typeof makePageTour>>;
  authorState: BrowserContextOptions['storageState'];
  adminState: BrowserContextOptions['storageState'];
}

/** The rules whose outcome depends on colours: all the dark scheme can change (every rule runs in the light one). */
const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];

/**
 * The violations on every page of the tour at one width for one viewer (a logged-out reader, the logged-in
 * author or admin), each page checked in the light scheme and again, for colours, in the dark one (switched in
 * place: one load serves both).
 */
async function sweep(
  { browser, url, tour, authorState, adminState }: Sweep,
  viewport: keyof typeof VIEWPORTS,
  viewer: Viewer,
): Promise<string[]> {
  const found: string[] = [];
  const states = { reader: undefined, author: authorState, admin: adminState };
  const context = await browser.newContext({
    viewport: VIEWPORTS[viewport],
    ...(states[viewer] ? { storageState: states[viewer] } : {}),
  });
  const page = await context.newPage();
  for (const { path } of tour.pages.filter((p) => p.as === viewer)) {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(url + path);
    // Checked as a reader meets the page: with its fonts in place and the script's enhancements made. The script
    // marks wide formulas focusable in a ResizeObserver's callback and after fonts load (client/scrollables.ts),
    // each at the next frame: a task and two frames after the fonts are ready, so axe never runs in between (it
    // had, now and then, on the editor's preview under a busy machine).
    await page.evaluate(() =>
      document.fonts.ready
        .then(() => new Promise((resolve) => setTimeout(resolve, 50)))
        .then(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))),
    );
    found.push(...(await violations(page, `light ${viewer} ${path}`)));
    await page.emulateMedia({ colorScheme: 'dark' });
    found.push(...(await violations(page, `dark ${viewer} ${path}`, COLOUR_RULES)));
  }
  await context.close();
  return found;
}

/**
 * The axe sweep of every page type at one width, as a test file of its own: one file per width lets the two
 * run side by side on the two test workers instead of one after the other.
 */
export function describeAxeSweep(viewport: keyof typeof VIEWPORTS): void {
  const { db, server, browser } = useBrowserTest();
  let state: Sweep;
  beforeAll(async () => {
    const tour = await makePageTour(db);
    const loggedIn = async (user: { username: string; password: string }) => {
      const context = await browser.newContext();
      await logInAs(await context.newPage(), server.url, user);
      const storage = await context.storageState();
      await context.close();
      return storage;
    };
    state = {
      browser,
      url: server.url,
      tour,
      authorState: await loggedIn(tour.author),
      adminState: await loggedIn(tour.admin),
    };
  }, 120_000);

  describe('accessibility (axe-core): no violations of any impact on any page type, in light and dark schemes', () => {
    for (const viewer of ['reader', 'author', 'admin'] satisfies Viewer[]) {
      it(`on a ${viewport} screen (${VIEWPORTS[viewport].width} px wide), as the ${viewer}`, async () => {
        expect(await sweep(state, viewport, viewer)).toEqual([]);
      }, 300_000);
    }
  });
}
