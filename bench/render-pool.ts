// What moving rendering and diffing off the event loop buys, on in-memory PGlite, the app on a real HTTP server:
//  1. /healthz latency alone, while six heavy previews render in the pool, and while the same six render on
//     the event loop (as every preview did before the pool).
//  2. The revision page of a post whose two revisions are unrelated 200,000-character prose texts: with the diff
//     stored at save time, computed in the pool on view (revisions saved before diffs were stored), and the
//     event-loop time the old per-view diff cost.
// Run: npm run bench:render-pool
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import { renderPool, renderPoolOptions, startRenderPool, stopRenderPool } from '../src/content/pool.js';
import { renderMarkdown } from '../src/content/render.js';
import { revisionDiff } from '../src/content/word-diff.js';
import { openPglite } from '../src/db/database.js';
import { newId } from '../src/db/ids.js';
import { migrate } from '../src/db/migrate.js';
import { actorFor } from '../src/policy/actor.js';
import { createPost, savePost } from '../src/posts/service.js';
import { createApp } from '../src/web/app.js';
import { loadAssets } from '../src/web/assets.js';
import { heavyMarkdown } from '../test/content/heavy.js';

const HEAVY_PREVIEWS = 6;
const HEALTH_SAMPLES = 20;
const PAGE_RUNS = 10;

const config = loadConfig({ LOG_LEVEL: 'silent', PAGE_CACHE_TTL_MS: '0' });
const db = await openPglite(undefined);
await migrate(db);
await startRenderPool(renderPoolOptions(config));
const app = createApp({ db, config, logger: pino({ level: 'silent' }), assets: await loadAssets() });

const server = createServer(getRequestListener(app.fetch));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const ms = (n: number) => `${n.toFixed(1)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(work: () => Promise<T>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

const health = () => fetch(`${origin}/healthz`).then((r) => r.text());
const get = (path: string) => fetch(`${origin}${path}`).then((r) => r.text());

/** Unrelated prose of about `chars` characters, the same for the same seed. */
function prose(seed: number, chars: number): string {
  const words = ['bound', 'prior', 'regret', 'the', 'of', 'model', 'claim', 'data', 'and', 'we', 'estimate', 'is'];
  let state = seed;
  const out: string[] = [];
  for (let length = 0; length < chars - 12; ) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    const word = words[state % words.length]!;
    out.push(word);
    length += word.length + 1;
  }
  return out.join(' ');
}

/** /healthz latencies sampled one after another while `busy` is true. */
async function healthWhile(busy: () => boolean): Promise<number[]> {
  const samples: number[] = [];
  while (busy() && samples.length < HEALTH_SAMPLES) samples.push(await timed(health));
  return samples;
}

function report(label: string, samples: number[]) {
  const line = samples.length ? `median ${ms(median(samples))}, max ${ms(Math.max(...samples))}` : 'no sample';
  console.log(`  ${label.padEnd(44)} ${line} (${samples.length} requests)`);
}

console.log(
  `Render pool: ${config.renderWorkers} worker(s); heavy preview = ${heavyMarkdown('x', 60_000).length} chars`,
);
await renderPool().renderHtml('warm up $x$');
for (let i = 0; i < 5; i++) await health();

console.log('/healthz latency');
report('alone', await healthWhile(() => true));

let pending = HEAVY_PREVIEWS;
const inPool = Array.from({ length: HEAVY_PREVIEWS }, (_, i) =>
  renderPool()
    .renderHtml(heavyMarkdown(`pool-${i}`, 60_000))
    .finally(() => pending--),
);
report('with 6 heavy previews in the pool', await healthWhile(() => pending > 0));
await Promise.all(inPool);

// The old way: each preview rendered on the event loop, one per turn of the loop, as six requests would.
pending = HEAVY_PREVIEWS;
const onLoop = Array.from(
  { length: HEAVY_PREVIEWS },
  (_, i) =>
    new Promise<void>((resolve) =>
      setImmediate(() => {
        renderMarkdown(heavyMarkdown(`loop-${i}`, 60_000));
        pending--;
        resolve();
      }),
    ),
);
report('with 6 heavy previews on the event loop', await healthWhile(() => pending > 0));
await Promise.all(onLoop);

// A post with two unrelated 200,000-character revisions.
const authorId = newId();
await db.query(
  `INSERT INTO users (id, username, display_name, email, password_hash) VALUES ($1, 'b', 'b', 'b@x', 'x')`,
  [authorId],
);
const first = prose(1, 200_000);
const second = prose(2, 200_000);
const post = await createPost(db, { authorId, title: 'Bench', markdown: first, publish: true });
const saveMs = await timed(() =>
  savePost(db, actorFor(authorId), post.id, { title: 'Bench', body: second, note: '' }, 'save'),
);
const page = `/posts/${post.id}/${post.slug}/history/2`;

console.log('Revision page, two unrelated 200,000-character revisions');
console.log(`  saving revision 2 (render + diff in the pool)  ${ms(saveMs)}`);
const stored = [];
for (let i = 0; i < PAGE_RUNS; i++) stored.push(await timed(() => get(page)));
report('diff stored at save time', stored);
await db.query('UPDATE post_revisions SET diff = NULL WHERE post_id = $1', [post.id]);
const computed = [];
for (let i = 0; i < PAGE_RUNS; i++) computed.push(await timed(() => get(page)));
report('no stored diff: diffed in the pool per view', computed);
const onLoopDiff = [];
for (let i = 0; i < PAGE_RUNS; i++) {
  const start = performance.now();
  revisionDiff({ title: 'Bench', body: first }, { title: 'Bench', body: second });
  onLoopDiff.push(performance.now() - start);
}
report('before: event loop held per view by the diff', onLoopDiff);

server.close();
await stopRenderPool();
await db.close();
