import { afterAll, describe, expect, it } from 'vitest';
import { renderPool, renderPoolOptions, startRenderPool, stopRenderPool } from '../../src/content/pool.js';
import { renderMarkdown } from '../../src/content/render.js';
import { revisionDiff } from '../../src/content/word-diff.js';
import { heavyMarkdown } from '../content/heavy.js';
import { makeTestApp, TestClient, useTestDatabase } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { makePost, makeUser } from '../helpers/factories.js';
import { RUNAWAY_MARKER, RUNAWAY_WORKER } from '../helpers/runaway.js';

// Rendering and diffing run in the render pool (src/content/pool.ts), never on the event loop; these tests go
// through the app, each group with the pool settings it needs (the pool is per process, so groups run in turn).

const { db } = useTestDatabase();

afterAll(async () => {
  await stopRenderPool();
});

async function writer(env: Record<string, string> = {}, options: { runaway?: boolean } = {}) {
  const { app, config } = await makeTestApp(db, env);
  // A pool whose worker loops on texts marked RUNAWAY_MARKER: a render past the limit whatever the machine's speed.
  if (options.runaway) await startRenderPool({ ...renderPoolOptions(config), entry: RUNAWAY_WORKER });
  const user = await makeUser(db);
  const client = new TestClient(app);
  await client.logIn(user.username, user.password);
  return { app, client, user };
}

function previewApi(client: TestClient, markdown: string) {
  return client.request('/api/preview', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      'x-csrf-token': client.cookies.get('lyceum_csrf')!,
      origin: 'http://localhost',
    },
    body: JSON.stringify({ markdown }),
  });
}

describe('heavy renders and the event loop', () => {
  it('/healthz answers while six heavy previews are still being rendered', async () => {
    const { app, client } = await writer({ RENDER_WORKERS: '1' });
    await previewApi(client, 'warm'); // the worker has started
    const settled: number[] = [];
    const previews = Array.from({ length: 6 }, (_, i) =>
      previewApi(client, heavyMarkdown(`health-${i}`, 30_000)).then((response) => {
        settled.push(i);
        return response;
      }),
    );
    // All six have reached the render pool (rendered in-process, they would hold the event loop in turn)...
    await eventually(async () => renderPool().pending + settled.length === 6, 30);
    // ...and the health check is answered while they are still being rendered.
    const health = await new TestClient(app).get('/healthz');
    expect(health.status).toBe(200);
    expect(settled.length).toBeLessThan(6);
    expect(renderPool().pending).toBeGreaterThan(0);
    const answers = await Promise.all(previews);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(((await answers[5]!.json()) as { html: string }).html).toContain('class="katex"');
  });

  it('answers 503 with Retry-After when more texts wait than the queue holds', async () => {
    const { client } = await writer({ RENDER_WORKERS: '1', RENDER_QUEUE_LIMIT: '0' });
    await previewApi(client, 'warm');
    const answers = await Promise.all([
      previewApi(client, heavyMarkdown('queue-1', 60_000)),
      previewApi(client, heavyMarkdown('queue-2', 60_000)),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 503]);
    const busy = answers.find((a) => a.status === 503)!;
    expect(busy.headers.get('retry-after')).toBe('5');
    expect(((await busy.json()) as { error: string }).error).toMatch(/waiting to be rendered.*Try again in 5 seconds/);
  });
});

describe('a render past the time limit', () => {
  // Texts marked RUNAWAY_MARKER never finish in the test pool's worker; ordinary ones take milliseconds.
  const LIMIT = { RENDER_WORKERS: '1', RENDER_TIMEOUT_MS: '500' };
  const STOPPED = 'Rendering this text took longer than 0.5 seconds and was stopped;';
  const runaway = (seed: string) => `Claim ${seed}: the *estimate* $x_1 \\le \\epsilon$ holds. ${RUNAWAY_MARKER}`;

  it('is stopped: the editor answers 422 naming the body, shows the text again, and renders the next preview', async () => {
    const { client } = await writer(LIMIT, { runaway: true });
    const response = await client.post('/posts/new', { title: 'Long one', body: runaway('editor'), intent: 'preview' });
    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toContain(STOPPED);
    expect(page).toContain('Claim editor: the *estimate*'); // the writer's text, in the textarea
    expect(page).toContain('value="Long one"');

    const next = await client.post('/posts/new', { title: 'Short', body: 'Then $x^2$.', intent: 'preview' });
    expect(next.status).toBe(200);
    expect(await next.text()).toContain(renderMarkdown('Then $x^2$.'));
  });

  it('keeps a post from being published with 422 and the text kept', async () => {
    const { client, user } = await writer(LIMIT, { runaway: true });
    const response = await client.post('/posts/new', {
      title: 'Long one',
      body: runaway('publish'),
      intent: 'publish',
    });
    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toContain(STOPPED);
    expect(page).toContain('Claim publish:');
    expect(await db.query('SELECT 1 FROM posts WHERE author_id = $1', [user.id])).toEqual([]);
  });

  it('answers the preview API with JSON naming the field, and a comment preview with the reply form', async () => {
    const { client } = await writer(LIMIT, { runaway: true });
    const api = await previewApi(client, runaway('api'));
    expect(api.status).toBe(422);
    expect(((await api.json()) as { fields: Record<string, string> }).fields.markdown).toContain(STOPPED);

    const post = await makePost(db);
    const comment = await client.post(`/posts/${post.id}/comments`, { body: runaway('comment'), intent: 'preview' });
    expect(comment.status).toBe(422);
    const page = await comment.text();
    expect(page).toContain(STOPPED);
    expect(page).toContain('Claim comment:');
    expect(renderPool().pending).toBe(0);
  });
});

describe('the preview rate limit', () => {
  it('answers the preview past the limit with 429 and when to retry, on every preview path; others unaffected', async () => {
    const { app, client } = await writer({ PREVIEWS_PER_MINUTE: '3' });
    const post = await makePost(db);
    expect((await previewApi(client, 'one')).status).toBe(200);
    expect((await client.post('/posts/new', { title: 'T', body: 'two', intent: 'preview' })).status).toBe(200);
    expect((await client.post(`/posts/${post.id}/comments`, { body: 'three', intent: 'preview' })).status).toBe(200);

    const api = await previewApi(client, 'four');
    expect(api.status).toBe(429);
    expect(api.headers.get('content-type')).toMatch(/^application\/json/);
    // Three a minute: the next one is allowed about 20 seconds after the bucket emptied.
    const wait = Number(api.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(10);
    expect(wait).toBeLessThanOrEqual(20);
    expect(((await api.json()) as { error: string }).error).toMatch(/many previews.*Try again in \d+ seconds/);

    const editor = await client.post('/posts/new', { title: 'T', body: 'my unsaved draft', intent: 'preview' });
    expect(editor.status).toBe(429);
    expect(Number(editor.headers.get('retry-after'))).toBeGreaterThan(10);
    expect(await editor.text()).toContain('my unsaved draft');
    const reply = await client.post(`/posts/${post.id}/comments`, { body: 'my reply', intent: 'preview' });
    expect(reply.status).toBe(429);
    expect(await reply.text()).toContain('my reply');

    // Another writer has a bucket of their own.
    const other = await makeUser(db);
    const otherClient = new TestClient(app);
    await otherClient.logIn(other.username, other.password);
    expect((await previewApi(otherClient, 'mine')).status).toBe(200);
  });

  it('counts previews of a comment edit too', async () => {
    const { client } = await writer({ PREVIEWS_PER_MINUTE: '1' });
    const post = await makePost(db);
    const posted = await client.post(`/posts/${post.id}/comments`, { body: 'A comment.', intent: 'submit' });
    const commentId = posted.headers.get('location')!.split('#comment-')[1]!;
    expect((await client.post(`/comments/${commentId}/edit`, { body: 'Edited', intent: 'preview' })).status).toBe(200);
    const limited = await client.post(`/comments/${commentId}/edit`, { body: 'Edited again', intent: 'preview' });
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain('Edited again');
  });
});

describe('revision diffs', () => {
  async function revise(client: TestClient, postId: string, title: string, body: string) {
    const response = await client.post(`/posts/${postId}/edit`, { title, body, note: '', intent: 'save' });
    expect(response.status).toBe(303);
  }

  it('are stored when a revision is saved, and the revision page shows the stored diff', async () => {
    const { client, user } = await writer();
    const post = await makePost(db, { authorId: user.id, title: 'Regret', markdown: 'Grows like root T.' });
    await revise(client, post.id, 'Regret bounds', 'Grows like log T.');
    const [row] = await db.query<{ diff: unknown }>(
      'SELECT diff FROM post_revisions WHERE post_id = $1 AND number = 2',
      [post.id],
    );
    expect(row!.diff).toEqual(
      revisionDiff(
        { title: 'Regret', body: 'Grows like root T.' },
        { title: 'Regret bounds', body: 'Grows like log T.' },
      ),
    );
    expect(row!.diff).toMatchObject({ body: expect.arrayContaining([{ kind: 'removed', text: 'root' }]) });
    const [first] = await db.query<{ diff: unknown }>(
      'SELECT diff FROM post_revisions WHERE post_id = $1 AND number = 1',
      [post.id],
    );
    expect(first!.diff).toBeNull();

    // What the page shows is what was stored.
    await db.query(
      `UPDATE post_revisions SET diff = '{"title":[{"kind":"same","text":"Stored"}],"body":[{"kind":"added","text":"stored words"}]}'
        WHERE post_id = $1 AND number = 2`,
      [post.id],
    );
    const page = await (await client.get(`/posts/${post.id}/regret-bounds/history/2`)).text();
    expect(page).toContain('<span>Stored</span>');
    expect(page).toContain('<ins>stored words</ins>');
  });

  it('of revisions saved before diffs were stored are computed when viewed, without writing', async () => {
    const { client, user } = await writer();
    const post = await makePost(db, { authorId: user.id, title: 'Old', markdown: 'The first text.' });
    await revise(client, post.id, 'Old', 'The second text.');
    await db.query('UPDATE post_revisions SET diff = NULL WHERE post_id = $1', [post.id]);
    const response = await client.get(`/posts/${post.id}/old/history/2`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<del>first</del><ins>second</ins>');
    const [row] = await db.query<{ diff: unknown }>(
      'SELECT diff FROM post_revisions WHERE post_id = $1 AND number = 2',
      [post.id],
    );
    expect(row!.diff).toBeNull();
  });

  it('of a revision saved right after another are made against that one', async () => {
    const { client, user } = await writer();
    const post = await makePost(db, { authorId: user.id, title: 'Race', markdown: 'alpha' });
    await Promise.all([revise(client, post.id, 'Race', 'alpha beta'), revise(client, post.id, 'Race', 'alpha gamma')]);
    const rows = await db.query<{ number: number; body: string; diff: unknown }>(
      'SELECT number, body_markdown AS body, diff FROM post_revisions WHERE post_id = $1 AND number > 1 ORDER BY number',
      [post.id],
    );
    expect(rows).toHaveLength(2);
    // Each stored diff is against the revision just before it, whichever save came first.
    const bodies = ['alpha', ...rows.map((r) => r.body)];
    for (const [i, row] of rows.entries()) {
      expect(row.diff).toEqual(
        revisionDiff({ title: 'Race', body: bodies[i]! }, { title: 'Race', body: bodies[i + 1]! }),
      );
    }
  });
});
