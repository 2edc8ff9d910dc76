// `npm run bench:live`: what open live-update streams cost the rest of the site. Measures the anonymous
// frontpage and a post page of ~50 comments with no stream open, then again with --streams (default 1,000)
// EventSource connections open on that post, half of them logged in, while a comment arrives on it every
// --comment-every ms (each one an event on every stream). Prints req/s, p50 and p99 of both, the events the
// streams received, and whether the pages' p99 stayed under the speed goal (50 ms).
// Usage: npm run bench:live -- [--database-url URL | --data-dir DIR] [--streams 1000] [--duration 10]
// Needs a filled database, as `npm run bench` does (`npm run bench:data`).
import http from 'node:http';
import { parseArgs } from 'node:util';
import { benchDatabase, DATABASE_OPTIONS, openBenchDatabase, usage } from './lib/cli.js';
import { type LoadResult, runLoad } from './lib/load.js';
import { startLyceum } from './lib/lyceum.js';
import { stopProcess } from './lib/processes.js';
import { findTargets, openWriteGates } from './lib/targets.js';

const P99_GOAL_MS = 50;

const { values } = parseArgs({
  options: {
    ...DATABASE_OPTIONS,
    streams: { type: 'string', default: '1000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
    'comment-every': { type: 'string', default: '500' },
  },
});
const target = benchDatabase(values);
const { dataDir, databaseUrl } = target;
const streams = Number(values.streams);
const duration = Number(values.duration);
const connections = Number(values.connections);
const commentEvery = Number(values['comment-every']);
if (!(streams >= 0 && duration > 0 && connections > 0 && commentEvery > 0)) usage('Numbers must be positive.');

const db = await openBenchDatabase(target);
const targets = await findTargets(db.query.bind(db), 50);
console.log(await openWriteGates(db.query.bind(db)));
if (dataDir) await db.close();
const postId = /\/posts\/([^/]+)\//.exec(targets.post50)![1]!;

const app = await startLyceum({ databaseUrl, dataDir });
const base = app.base;
const measure = async (label: string): Promise<LoadResult[]> => {
  const pages: LoadResult[] = [];
  for (const [name, path] of [
    ['frontpage (anonymous)', targets.frontpage],
    ['post, ~50 comments (anonymous)', targets.post50],
  ] as const) {
    const result = await runLoad({
      name: `${name}, ${label}`,
      url: base + path,
      connections,
      durationSeconds: duration,
    });
    console.log(
      `${result.name}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, ` +
        `${result.errors} errors, ${result.non2xx} non-2xx`,
    );
    pages.push(result);
  }
  return pages;
};

try {
  const quiet = await measure('no streams open');

  // The streams: plain HTTP/1.1 connections, as browsers' EventSources hold them, half with a reader's session.
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  let events = 0;
  let opened = 0;
  const requests: http.ClientRequest[] = [];
  await Promise.all(
    Array.from(
      { length: streams },
      (_, i) =>
        new Promise<void>((resolve, reject) => {
          const session = i % 2 === 1 ? targets.sessions[i % targets.sessions.length] : undefined;
          const request = http.get(
            `${base}/live?post=${postId}`,
            { agent, headers: session ? { cookie: session.cookie } : {} },
            (response) => {
              if (response.statusCode !== 200) reject(new Error(`stream ${i}: HTTP ${response.statusCode}`));
              opened++;
              response.setEncoding('utf8');
              response.on('data', (chunk: string) => {
                events += chunk.split('event: comment').length - 1;
              });
              resolve();
            },
          );
          request.on('error', reject);
          requests.push(request);
        }),
    ),
  );
  console.log(`${opened} streams open on post ${postId}`);

  // A comment on the watched post every so often, by the readers in turn: an event for every stream.
  const writer = targets.sessions[0]!;
  let comments = 0;
  const commenting = setInterval(() => {
    const body = new URLSearchParams({ body: `Live benchmark comment ${comments}.`, intent: 'submit' }).toString();
    const request = http.request(`${base}/posts/${postId}/comments`, {
      method: 'POST',
      headers: {
        cookie: writer.cookie,
        'x-csrf-token': writer.csrf,
        origin: base,
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
      },
    });
    request.on('response', (response) => {
      if (response.statusCode === 201) comments++;
      response.resume();
    });
    request.on('error', () => {});
    request.end(body);
  }, commentEvery);
  const busy = await measure(`${opened} streams open`);
  clearInterval(commenting);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  for (const request of requests) request.destroy();
  agent.destroy();

  console.log(
    `\n${comments} comments added while streams were open; ${events} comment events received ` +
      `(${opened > 0 ? (events / opened).toFixed(1) : 0} per stream).`,
  );
  console.log('| page | streams | req/s | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|');
  for (const [i, result] of [...quiet, ...busy].entries()) {
    console.log(
      `| ${result.name.split(',')[0]} | ${i < quiet.length ? 0 : opened} | ${Math.round(result.requestsPerSecond)} | ${result.p50} | ${result.p99} |`,
    );
  }
  const held = busy.every((result) => result.p99 < P99_GOAL_MS && result.errors === 0);
  console.log(
    `\nWith ${opened} streams open the pages' p99 ${held ? 'stayed' : 'did not stay'} under ${P99_GOAL_MS} ms.`,
  );
} finally {
  await stopProcess(app.child);
  if (!dataDir) await db.close();
}
