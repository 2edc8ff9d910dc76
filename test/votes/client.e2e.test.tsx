import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { build } from 'esbuild';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, resolveSession, SESSION_COOKIE } from '../../src/accounts/sessions.js';
import { VoteButtons, voteFormHtml } from '../../src/votes/views.js';
import { makeTestApp, useTestDatabase } from '../helpers/app.js';
import { makeComment, makeUser, type TestUser } from '../helpers/factories.js';
import { launchBrowser } from '../helpers/server.js';
import { totalsOf, userVotesOn, userWithKarma } from './setup.js';

// Until the lead puts the vote buttons on post pages, a small page made of VoteButtons (and a bundle of
// votes/client.ts alone) stands in for one; /login, /votes and /api/votes are the real app's.

const { db } = useTestDatabase();
let browser: Browser;
let url: string;
let server: Server;

async function harnessPage(c: import('hono').Context): Promise<Response> {
  const token = getCookie(c, SESSION_COOKIE);
  const session = token ? await resolveSession(db, hashToken(token)) : undefined;
  const user = session?.user ?? null;
  const commentId = c.req.query('id') ?? '';
  const totals = await totalsOf(db, 'comment', commentId);
  const votes = user ? (await userVotesOn(db, user.id, 'comment', [commentId])).get(commentId) : undefined;
  const common = {
    targetType: 'comment' as const,
    targetId: commentId,
    returnTo: `/vote-harness?id=${commentId}#comment-${commentId}`,
    loggedIn: Boolean(user),
  };
  return c.html(
    `<!doctype html>${(
      (
        <html lang="en">
          <head>
            <title>Votes</title>
            <script type="module" src="/vote-harness.js"></script>
          </head>
          <body>
            <article id={`comment-${commentId}`}>
              <VoteButtons
                {...common}
                axis="karma"
                score={totals.score}
                voteCount={totals.voteCount}
                current={votes?.karma ?? null}
              />
              <VoteButtons
                {...common}
                axis="agreement"
                score={totals.agreement}
                voteCount={totals.agreementCount}
                current={votes?.agreement ?? null}
              />
            </article>
            {user ? voteFormHtml(getCookie(c, 'lyceum_csrf') ?? '', `/vote-harness?id=${commentId}`) : null}
          </body>
        </html>
      )
    ).toString()}`,
  );
}

beforeAll(async () => {
  const { app } = await makeTestApp(db, { BASE_URL: 'http://127.0.0.1' });
  const bundle = await build({
    stdin: {
      contents: "import { enhanceVotes } from './src/votes/client.ts'; enhanceVotes(document);",
      resolveDir: path.resolve('.'),
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    write: false,
  });
  const script = bundle.outputFiles[0]!.text;
  const harness = new Hono()
    .get('/vote-harness.js', (c) => c.body(script, 200, { 'content-type': 'text/javascript' }))
    .get('/vote-harness', harnessPage)
    .all('*', (c) => app.fetch(c.req.raw, c.env));
  server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: harness.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => {
    server?.close(() => resolve());
    server?.closeAllConnections();
  });
});

async function logIn(page: Page, user: TestUser) {
  await page.goto(`${url}/login`);
  await page.getByLabel('Username or email').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${url}/`);
}

const pressed = (page: Page, name: string) =>
  page.locator(`button[aria-label="${name}"][aria-pressed="true"]`).waitFor({ timeout: 5_000 });
const scores = (page: Page) => page.locator('[data-vote-score]').allTextContents();

describe('voting in the browser', () => {
  it('votes without reloading the page, switching and cancelling in place', async () => {
    const voter = await userWithKarma(db, 100); // strong power 3
    const comment = await makeComment(db);
    const page = await browser.newPage();
    await logIn(page, voter);
    await page.goto(`${url}/vote-harness?id=${comment.id}`);
    let navigations = 0;
    page.on('framenavigated', () => navigations++);

    await page.getByRole('button', { name: 'Upvote', exact: true }).click();
    await pressed(page, 'Upvote');
    expect(await scores(page)).toEqual(['2', '0']);

    await page.getByRole('button', { name: 'Strong upvote', exact: true }).click();
    await pressed(page, 'Strong upvote');
    expect(await page.getByRole('button', { name: 'Upvote', exact: true }).getAttribute('aria-pressed')).toBe('false');
    expect(await scores(page)).toEqual(['4', '0']);

    await page.getByRole('button', { name: 'Agree', exact: true }).click();
    await pressed(page, 'Agree');
    expect(await scores(page)).toEqual(['4', '1']);

    await page.getByRole('button', { name: 'Strong upvote', exact: true }).click();
    await page.locator('button[aria-label="Strong upvote"][aria-pressed="false"]').waitFor();
    expect(await scores(page)).toEqual(['1', '1']);
    expect(navigations).toBe(0);
    expect(await totalsOf(db, 'comment', comment.id)).toEqual({
      score: 1,
      voteCount: 1,
      agreement: 1,
      agreementCount: 1,
    });
    await page.close();
  });

  it('shows why a vote was refused, next to the buttons', async () => {
    const voter = await makeUser(db);
    const comment = await makeComment(db);
    await db.query('INSERT INTO vote_actions (user_id) SELECT $1 FROM generate_series(1, 100)', [voter.id]);
    const page = await browser.newPage();
    await logIn(page, voter);
    await page.goto(`${url}/vote-harness?id=${comment.id}`);
    await page.getByRole('button', { name: 'Downvote', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^You have voted 100 times in the last hour/);
    expect(await scores(page)).toEqual(['1', '0']);
    await page.close();
  });

  it('works without JavaScript, coming back to the same anchor', async () => {
    const voter = await makeUser(db);
    const comment = await makeComment(db);
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await logIn(page, voter);
    await page.goto(`${url}/vote-harness?id=${comment.id}`);
    await page.getByRole('button', { name: 'Downvote', exact: true }).click();
    await page.waitForURL(`${url}/vote-harness?id=${comment.id}#comment-${comment.id}`);
    await pressed(page, 'Downvote');
    expect(await scores(page)).toEqual(['0', '0']);
    await context.close();
  });
});
