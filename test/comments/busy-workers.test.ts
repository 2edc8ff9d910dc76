import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { renderPool, startRenderPool, stopRenderPool } from '../../src/content/pool.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makeComment, makePost, makeUser } from '../helpers/factories.js';
import { RUNAWAY_MARKER, RUNAWAY_WORKER } from '../helpers/runaway.js';

// Comment trees are rendered, and long sections compressed, in the render workers only when one is free: with
// every worker busy (here, on a text that never finishes), post pages are made on the main thread, and none of
// that work takes a place in the queue that writers' texts wait in.
describe('post pages while every render worker is busy', () => {
  const test = useTestApp({ PAGE_CACHE_TTL_MS: '60000' });
  const { db } = test;
  afterAll(() => stopRenderPool());

  it('are rendered and compressed here, and queue nothing behind the busy worker', async () => {
    const post = await makePost(db, { title: 'While busy' });
    const author = await makeUser(db);
    // More threads than are compressed on the spot: the whole section would go to a worker.
    for (let i = 0; i < 40; i++)
      await makeComment(db, { postId: post.id, authorId: author.id, markdown: `Point ${i}.` });
    const reader = await makeUser(db);
    const client = new TestClient(test.app);
    await client.logIn(reader.username, reader.password);

    // Comments are rendered by the pool too: it is made busy once they are written.
    await stopRenderPool();
    await startRenderPool({ size: 1, maxQueue: 5, timeoutMs: 20_000, entry: RUNAWAY_WORKER });
    const pool = renderPool();
    const stuck = pool.renderHtml(`Never done ${RUNAWAY_MARKER}`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pool.busy).toBe(true);
    const path = `/posts/${post.id}/while-busy`;
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const response = await client.get(path, { 'accept-encoding': 'gzip, br' });
      expect(response.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(10_000);
      const body = Buffer.from(await response.arrayBuffer());
      const encoding = response.headers.get('content-encoding');
      const html = encoding === 'gzip' ? gunzipSync(body).toString() : undefined;
      if (html) expect(html).toContain('Point 39.');
      else expect(encoding).toBe('br');
    }
    // Only the stuck text is the pool's: nothing was queued behind it.
    expect(pool.pending).toBe(1);
    await stopRenderPool();
    expect(await stuck).toBeInstanceOf(Error);
  });
});
