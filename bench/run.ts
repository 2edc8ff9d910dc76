// `npm run bench`: load each hot page with autocannon for a fixed time, beside a raw node:http server that
// answers a constant string (the machine's ceiling), and print req/s, p50, p99, errors and the ratio.
// Usage: npm run bench -- [--url http://host:port] [--database-url URL] [--duration 10] [--connections 20]
//        [--only frontpage,loggedin]
// Without --url it starts Lyceum itself on the database (DATABASE_URL by default).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type autocannon from 'autocannon';
import { BROWSER_ACCEPT_ENCODING, type LoadResult, runLoad } from './lib/load.js';
import { measurePageWeight } from './lib/page-weight.js';
import { startProcess, stopProcess } from './lib/processes.js';
import { findTargets } from './lib/targets.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'database-url': { type: 'string' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
    only: { type: 'string' },
  },
});
// --only frontpage,loggedin,… runs a subset (the ceiling always runs): frontpage, post50, post1000, sequence,
// profile, feed, loggedin, writemix, weight.
const only = values.only?.split(',').map((s) => s.trim());
const wants = (key: string) => !only || only.includes(key);
const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('Give --database-url (or DATABASE_URL): the benchmark finds its pages in that database.');
  process.exit(2);
}
const duration = Number(values.duration);
const connections = Number(values.connections);
if (!(duration > 0 && connections > 0)) {
  console.error('--duration and --connections must be positive numbers.');
  process.exit(2);
}

/** The bytes a server sends a browser, undecoded, and their encoding. */
function rawBody(url: string): Promise<{ body: Buffer; encoding: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': BROWSER_ACCEPT_ENCODING } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ body: Buffer.concat(chunks), encoding: String(res.headers['content-encoding'] ?? 'identity') }),
        );
      })
      .on('error', reject);
  });
}

const children = [];
let base = values.url;
if (!base) {
  const app = await startProcess(
    ['--import', 'tsx', 'src/main.ts', '--no-demo'],
    { DATABASE_URL: databaseUrl, PORT: '0', LOG_LEVEL: 'warn' },
    /running at http:\/\/localhost:(\d+)/,
  );
  children.push(app.child);
  base = `http://127.0.0.1:${app.match[1]}`;
}
const ceiling = await startProcess(['--import', 'tsx', 'bench/lib/ceiling.ts'], {}, /listening (\d+)/);
children.push(ceiling.child);

try {
  const targets = await findTargets(databaseUrl, connections);
  const [reader] = targets.sessions;
  const run = (name: string, pagePath: string, headers?: Record<string, string>) =>
    runLoad({ name, url: base + pagePath, connections, durationSeconds: duration, ...(headers ? { headers } : {}) });

  const results: LoadResult[] = [];
  results.push(
    await runLoad({
      name: 'ceiling (node:http "hello")',
      url: `http://127.0.0.1:${ceiling.match[1]}/`,
      connections,
      durationSeconds: duration,
    }),
  );
  if (wants('frontpage')) results.push(await run('frontpage (anonymous)', targets.frontpage));
  if (wants('post50')) results.push(await run('post, ~50 comments', targets.post50));
  if (wants('post1000')) await bigPage();
  if (wants('sequence') && targets.sequence) results.push(await run('sequence page', targets.sequence));
  if (wants('profile')) results.push(await run('profile', targets.profile));
  if (wants('feed')) results.push(await run('/feed.xml', targets.feed));
  if (wants('loggedin')) {
    results.push(await run('frontpage (logged in)', targets.frontpage, { cookie: reader!.cookie }));
  }
  if (wants('writemix')) await writeMix();
  const weight = wants('weight') ? await measurePageWeight(base + targets.post50) : undefined;

  async function bigPage() {
    results.push(await run('post, ~1,000 comments', targets.post1000));
    // A page that large is bound by moving its bytes: measure a static answer of the same (compressed) size.
    const big = await rawBody(base + targets.post1000);
    const bigBytes = big.body.byteLength;
    const bodyFile = path.join(os.tmpdir(), `lyceum-bench-${process.pid}.body`);
    fs.writeFileSync(bodyFile, big.body);
    const bigCeiling = await startProcess(
      ['--import', 'tsx', 'bench/lib/ceiling.ts'],
      { CEILING_BODY_FILE: bodyFile, CEILING_BODY_ENCODING: big.encoding },
      /listening (\d+)/,
    );
    children.push(bigCeiling.child);
    results.push(
      await runLoad({
        name: `  (the same ${(bigBytes / 1024).toFixed(0)} KB of ${big.encoding} from a raw node:http server)`,
        url: `http://127.0.0.1:${bigCeiling.match[1]}/`,
        connections,
        durationSeconds: duration,
      }),
    );
  }

  async function writeMix() {
    // Mixed workload: logged-in readers, one write in ten (a comment or a vote), each connection its own user
    // (votes are rate-limited per user). The session goes on every request of the connection's cycle.
    let next = 0;
    const asReader = (request: autocannon.Request): autocannon.Request => ({
      ...request,
      setupRequest: (req, context) => {
        const ctx = context as { session?: { cookie: string; csrf: string } };
        ctx.session ??= targets.sessions[next++ % targets.sessions.length]!;
        return {
          ...req,
          headers: { ...req.headers, cookie: ctx.session.cookie, 'x-csrf-token': ctx.session.csrf, origin: base! },
        };
      },
    });
    const reads = () => Array.from({ length: 9 }, () => asReader({ method: 'GET', path: targets.writePost }));
    results.push(
      await runLoad({
        name: 'write mix (10% comments and votes)',
        url: base + targets.writePost,
        connections,
        durationSeconds: duration,
        requests: [
          ...reads(),
          asReader({
            method: 'POST',
            path: `/posts/${targets.writePostId}/comments`,
            headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ body: 'A benchmark comment with $x^2$.', intent: 'submit' }).toString(),
          }),
          ...reads(),
          asReader({
            method: 'POST',
            path: '/api/votes',
            headers: { accept: 'application/json', 'content-type': 'application/json' },
            body: JSON.stringify({ targetType: 'comment', targetId: targets.writeCommentIds[0] ?? '', kind: 'up' }),
          }),
        ],
      }),
    );
  }

  const ceilingRate = results[0]!.requestsPerSecond;
  const rows = results.map((r) => ({ ...r, ratio: r.requestsPerSecond / ceilingRate }));
  const table = [
    '| page | req/s | p50 ms | p99 ms | errors | non-2xx | vs ceiling |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} | ${(r.ratio * 100).toFixed(1)} % |`,
    ),
  ].join('\n');
  const big = rows.find((r) => r.name === 'post, ~1,000 comments');
  const bigStatic = rows.find((r) => r.name.includes('raw node:http server'));
  const bigLine =
    big && bigStatic
      ? `The ~1,000-comment page reaches ${((big.requestsPerSecond / bigStatic.requestsPerSecond) * 100).toFixed(0)} % of a raw node:http server sending the same bytes.`
      : '';
  const weightLine =
    weight &&
    `Cold load of ${targets.post50}: ${(weight.transferredBytes / 1024).toFixed(1)} KB of HTML, CSS and JS on the wire (+ ${(weight.fontBytes / 1024).toFixed(1)} KB of KaTeX fonts), ${weight.requests} requests.`;
  console.log(`\n${table}\n\n${bigLine}\n${weightLine ?? ''}\n`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.join('bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, `${stamp}.json`),
    JSON.stringify({ duration, connections, results: rows, weight }, null, 2),
  );
  fs.writeFileSync(
    path.join(dir, `${stamp}.md`),
    `# Benchmark ${stamp}\n\n${duration} s per page, ${connections} connections.\n\n${table}\n\n${bigLine}\n${weightLine ?? ''}\n`,
  );
  console.log(`Written to bench/results/${stamp}.{json,md}`);
} finally {
  for (const child of children) await stopProcess(child);
}
