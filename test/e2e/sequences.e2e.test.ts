import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sequenceRoutes } from '../../src/sequences/routes.js';
import { addPostToSequence, createSequence } from '../../src/sequences/service.js';
import { loadAssets } from '../../src/web/assets.js';
import { makeTestApp, useTestDatabase } from '../helpers/app.js';
import { actorOf, makePost, makeUser, type TestUser } from '../helpers/factories.js';
import { launchBrowser } from '../helpers/server.js';

const { db } = useTestDatabase();
let browser: Browser;
let server: Server;
let url: string;
/** src/sequences/client.ts, bundled, while src/client/main.ts does not call it yet (else undefined). */
let sequenceScript: string | undefined;

beforeAll(async () => {
  const { app } = await makeTestApp(db, { BASE_URL: 'http://127.0.0.1' });
  app.route('/', sequenceRoutes);
  server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const assets = await loadAssets();
  const appScript = new TextDecoder().decode(assets.get(assets.urls.js.slice('/static/'.length))!.body);
  const bundle = await build({
    stdin: {
      contents:
        "import { enhancePostLinks, enhanceSequenceEditor } from './src/sequences/client.ts';\n" +
        'enhancePostLinks(document);\nenhanceSequenceEditor(document);\n',
      resolveDir: path.resolve('.'),
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    write: false,
  });
  sequenceScript = appScript.includes('data-sequence-contents') ? undefined : bundle.outputFiles[0]!.text;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => {
    server?.close(() => resolve());
    server?.closeAllConnections();
  });
});

async function newPage(user: TestUser): Promise<Page> {
  const page = await browser.newPage();
  page.setDefaultTimeout(8_000);
  // Injected by the browser driver, so the page's Content-Security-Policy still applies to everything else.
  if (sequenceScript) {
    await page.addInitScript({ content: `document.addEventListener('DOMContentLoaded', () => {${sequenceScript}});` });
  }
  await page.goto(`${url}/login`);
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${url}/`);
  return page;
}

function postTitlesInEditor(page: Page) {
  return page.locator('.sequence-edit-title > a').allTextContents();
}

describe('sequences in the browser', () => {
  it('an author builds a 3-post sequence in 2 chapters; a reader follows it to the end and sees the progress', async () => {
    const author = await makeUser(db, { username: 'author_seq' });
    const first = await makePost(db, { authorId: author.id, title: 'Proper scoring rules' });
    const second = await makePost(db, {
      authorId: author.id,
      title: 'Calibration and resolution',
      markdown: `Building on [the first post](/posts/${first.id}/proper-scoring-rules), we split the score.`,
    });
    const third = await makePost(db, { authorId: author.id, title: 'Pooling forecasts' });

    // The author creates the sequence.
    const page = await newPage(author);
    await page.goto(`${url}/sequences/new`);
    await page.getByLabel('Title').fill('Scoring the Future');
    await page.getByLabel('Description').fill('How to score and pool forecasts, with $p \\in [0, 1]$.');
    await page.getByRole('button', { name: 'Create sequence' }).click();
    await page.waitForURL(/\/s\/[0-9A-Za-z]{17}\/edit\?done=created/);
    const sequenceId = new URL(page.url()).pathname.split('/')[2]!;

    // Two chapters: name the one every sequence starts with, add a second.
    await page.getByLabel('Chapter title (optional)').fill('Scoring one forecaster');
    await page.getByRole('button', { name: 'Save order and chapter titles' }).first().click();
    await page.waitForURL(/done=arranged/);
    await page.locator('.add-chapter-form').getByLabel('Chapter title').fill('Many forecasters');
    await page.getByRole('button', { name: 'Add chapter' }).click();
    await page.waitForURL(/done=chapter-added/);

    // Posts, deliberately out of order: the third first, into chapter 1.
    const addPost = async (title: string, chapter: string) => {
      await page.getByLabel('Post', { exact: true }).selectOption({ label: title });
      await page.getByLabel('To the end of chapter').selectOption({ label: chapter });
      await page.getByRole('button', { name: 'Add post' }).click();
      await page.waitForURL(/done=added/);
    };
    await addPost('Pooling forecasts', '1. Scoring one forecaster');
    await addPost('Proper scoring rules', '1. Scoring one forecaster');
    await addPost('Calibration and resolution', '1. Scoring one forecaster');
    expect(await postTitlesInEditor(page)).toEqual([
      'Pooling forecasts',
      'Proper scoring rules',
      'Calibration and resolution',
    ]);

    // With JavaScript the arrows work in place: no navigation, focus stays on the pressed button.
    let navigated = false;
    page.on('framenavigated', () => {
      navigated = true;
    });
    const down = page.getByRole('button', { name: 'Move “Pooling forecasts” down' });
    await down.click();
    await page.locator('[data-sequence-status]', { hasText: 'Post moved.' }).waitFor();
    await down.click();
    await expect
      .poll(() => postTitlesInEditor(page))
      .toEqual(['Proper scoring rules', 'Calibration and resolution', 'Pooling forecasts']);
    // At the chapter's edge the next press crosses into chapter 2.
    await down.click();
    await page.locator('fieldset', { hasText: 'Chapter 2' }).getByRole('link', { name: 'Pooling forecasts' }).waitFor();
    expect(navigated).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Move “Pooling forecasts” up',
    );

    // A reader follows the sequence from its page through the next links to the end.
    const reader = await newPage(await makeUser(db, { username: 'reader_seq' }));
    await reader.goto(`${url}/s/${sequenceId}`);
    expect(await reader.locator('.sequence-chapter h2').allTextContents()).toEqual([
      'Scoring one forecaster',
      'Many forecasters',
    ]);
    expect(await reader.locator('.sequence-description .katex').count()).toBe(1);
    await reader.getByRole('link', { name: 'Start reading: Proper scoring rules' }).click();
    await reader.waitForURL(`${url}/s/${sequenceId}/p/${first.id}`);
    expect(await reader.locator('.sequence-banner').textContent()).toContain('Post 1 of 3');
    await reader.getByRole('link', { name: /Next →\s*Calibration and resolution/ }).click();
    await reader.waitForURL(`${url}/s/${sequenceId}/p/${second.id}`);
    expect(await reader.locator('.sequence-banner').textContent()).toContain('Post 2 of 3');

    // A link to another post shows a preview card on hover.
    await reader.locator('.post-body a', { hasText: 'the first post' }).hover();
    await expect(reader.locator('.post-preview-card .post-preview-title').textContent()).resolves.toBe(
      'Proper scoring rules',
    );

    await reader.goto(`${url}/s/${sequenceId}`);
    expect(await reader.locator('.sequence-progress').textContent()).toContain('2 of 3 read');
    expect(await reader.locator('.sequence-post.is-read').count()).toBe(2);
    await reader.getByRole('link', { name: 'Continue reading: Pooling forecasts' }).click();
    await reader.waitForURL(`${url}/s/${sequenceId}/p/${third.id}`);
    const banner = await reader.locator('.sequence-banner').textContent();
    expect(banner).toContain('Many forecasters');
    expect(banner).toContain('Post 3 of 3');
    expect(await reader.locator('.sequence-nav').textContent()).toContain('End of the sequence');

    await reader.getByRole('link', { name: 'Scoring the Future' }).first().click();
    await reader.waitForURL(`${url}/s/${sequenceId}`);
    expect(await reader.locator('.sequence-progress').textContent()).toContain('3 of 3 read');
    expect(await reader.locator('.sequence-post.is-read').count()).toBe(3);
  }, 60_000);

  it('without JavaScript the arrows and the position form reorder through ordinary form posts', async () => {
    const author = await makeUser(db, { username: 'nojs_seq' });
    const { id: sequenceId } = await createSequence(db, { authorId: author.id, title: 'No script', description: '' });
    for (const title of ['One', 'Two', 'Three']) {
      const post = await makePost(db, { authorId: author.id, title });
      await addPostToSequence(db, actorOf(author.id), { sequenceId, postId: post.id });
    }
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    await page.goto(`${url}/login`);
    await page.getByLabel('Username or email').fill(author.username);
    await page.getByLabel('Password').fill(author.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(`${url}/`);
    await page.goto(`${url}/s/${sequenceId}/edit`);

    await page.getByRole('button', { name: 'Move “Three” up' }).click();
    await page.waitForURL(/done=moved/);
    expect(await postTitlesInEditor(page)).toEqual(['One', 'Three', 'Two']);
    await expect(page.locator('[data-sequence-status]').textContent()).resolves.toBe('Post moved.');

    await page.getByLabel('Position of “One”').fill('9');
    await page.getByRole('button', { name: 'Save order and chapter titles' }).last().click();
    await page.waitForURL(/done=arranged/);
    expect(await postTitlesInEditor(page)).toEqual(['Three', 'Two', 'One']);

    // Enter in a field saves (it moves nothing); a refused order comes back with a message next to the field.
    await page.getByLabel('Position of “Two”').fill('');
    await page.getByLabel('Position of “One”').fill('1');
    await page.getByLabel('Position of “One”').press('Enter');
    await page.locator('.field-error', { hasText: 'Give “Two” a position.' }).waitFor();
    expect(await page.getByLabel('Position of “One”').inputValue()).toBe('1');
    expect(await postTitlesInEditor(page)).toEqual(['Three', 'Two', 'One']);
    await context.close();
  });
});
