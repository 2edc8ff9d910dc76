import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoContent } from '../../src/demo/seed.js';
import { useTestDatabase } from '../helpers/app.js';
import { launchBrowser, startServer } from '../helpers/server.js';

const { db } = useTestDatabase();
let browser: Browser;
let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  await loadDemoContent(db);
  server = await startServer(db);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function violations(page: Page, path: string) {
  await page.goto(server.url + path);
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${path}: ${v.id} (${v.nodes.length}) ${v.nodes[0]?.target.join(' ')}`);
}

describe('accessibility (axe-core)', () => {
  it('finds no serious or critical problems on the main pages, in light and dark themes', async () => {
    const [post] = await db.query<{ id: string; slug: string; username: string }>(
      `SELECT p.id, p.slug, u.username FROM posts p JOIN users u ON u.id = p.author_id ORDER BY p.comment_count DESC LIMIT 1`,
    );
    const [sequence] = await db.query<{ id: string }>('SELECT id FROM sequences LIMIT 1');
    const paths = [
      '/',
      '/login',
      '/signup',
      `/posts/${post!.id}/${post!.slug}`,
      `/users/${post!.username}`,
      `/s/${sequence!.id}`,
      '/sequences',
    ];
    const found: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme });
      const page = await context.newPage();
      for (const path of paths) found.push(...(await violations(page, path)));
      await context.close();
    }
    expect(found).toEqual([]);
  }, 120_000);
});
