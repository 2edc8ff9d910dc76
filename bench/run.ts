// `npm run bench`: load each hot page with autocannon for a fixed time, beside a raw node:http server that
// answers a constant string (the machine's ceiling), and print req/s, p50, p99, errors and the ratio; then two
// mixed workloads (a forum day, a hot thread) with read and write latencies apart, each cache's hit rate and
// the server's memory during each workload, and the time Lyceum takes to start.
// Usage: npm run bench -- [--database-url URL | --data-dir DIR] [--url http://host:port] [--duration 10]
//        [--connections 20] [--only startup,frontpage,…,forumday,hotthread,hotviews] [--warmup 0]
// --warmup runs each mixed workload unmeasured for that many seconds first: a forum that has been up a while,
// whose caches hold its busy posts, rather than one just started (whose first minute is mostly cache misses).
// Without --url it starts Lyceum itself on the database (DATABASE_URL by default), or on PGlite in DIR with
// --data-dir (filled by `DATA_DIR=DIR npm run bench:data`). Writes bench/results/<time>.{md,json} and
// bench/results/latest.json.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type autocannon from 'autocannon';
import { openPostgres } from '../src/db/database.js';
import { openDatabase } from '../src/db/open.js';
import { forumDay, hotThread, hotThreadViews, MIX_READERS } from './lib/forum-mixes.js';
import { BROWSER_ACCEPT_ENCODING, type LoadResult, runLoad } from './lib/load.js';
import { serverArgs } from './lib/lyceum.js';
import { type MixOptions, runMix } from './lib/mix.js';
import { findMixTargets } from './lib/mix-targets.js';
import { measurePageWeight } from './lib/page-weight.js';
import { type StartedProcess, startProcess, stopProcess } from './lib/processes.js';
import { describe, latestJson, type Measured, type Row, startupLine, tables } from './lib/report.js';
import { cpuMillis, cpuPerRequest, hitRates, serverStats } from './lib/server-stats.js';
import { measureStartup, type StartupTimes } from './lib/startup.js';
import { findTargets, openWriteGates, type Query, resetVoteQuota } from './lib/targets.js';

// --only names a subset, in any order (the ceiling runs whenever a page is loaded); by default all of them.
const WORKLOADS = [
  'startup',
  'frontpage',
  'post50',
  'post1000',
  'sequence',
  'profile',
  'feed',
  'loggedin',
  'writemix',
  'forumday',
  'hotthread',
  'hotviews',
  'weight',
];

function usage(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'database-url': { type: 'string' },
    'data-dir': { type: 'string' },
    // Writes a V8 CPU profile of the server we start (all workloads) into this folder; see bench/lib/profile.ts.
    'cpu-prof': { type: 'string' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '0' },
    connections: { type: 'string', default: '20' },
    only: { type: 'string' },
  },
});
const only = values.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((name) => !WORKLOADS.includes(name));
if (unknown?.length) usage(`Unknown workload ${unknown.join(', ')}; --only takes ${WORKLOADS.join(', ')}.`);
const wants = (key: string) => !only || only.includes(key);
const loadsPages = WORKLOADS.some((key) => key !== 'startup' && wants(key));

const dataDir = values['data-dir'];
if (dataDir && values['database-url']) usage('Give --database-url or --data-dir, not both.');
// PGlite admits one process at a time: the benchmark prepares its targets, closes the directory, starts Lyceum.
if (dataDir && values.url) usage('--data-dir needs the benchmark to start Lyceum itself (PGlite takes one process).');
const databaseUrl = dataDir ? undefined : (values['database-url'] ?? process.env.DATABASE_URL);
/** A PostgreSQL server on this machine, whose processes' CPU time the workloads report. */
const localDatabase = databaseUrl !== undefined && /@(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(databaseUrl);
if (loadsPages && !dataDir && !databaseUrl) {
  usage('Give --database-url (or DATABASE_URL) or --data-dir: the benchmark finds its pages in that database.');
}
const duration = Number(values.duration);
const connections = Number(values.connections);
if (!(duration > 0 && connections > 0)) usage('--duration and --connections must be positive numbers.');
const warmup = Number(values.warmup);
if (!(warmup >= 0)) usage('--warmup must be a number of seconds (0 for none).');

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

const [loadAverage] = os.loadavg().map((n) => Math.round(n * 100) / 100) as [number];
console.log(
  `Load average ${loadAverage} on ${os.cpus().length} cores (other work on the machine lowers every figure).`,
);
// Start-up first, while nothing else runs on the machine.
let startup: StartupTimes | undefined;
if (wants('startup')) {
  startup = await measureStartup();
  console.log(startupLine(startup));
}

const results: Measured[] = [];
let weight: Awaited<ReturnType<typeof measurePageWeight>> | undefined;
if (loadsPages) await loadPages();
const rows: Row[] = results.map((r) => ({
  ...r,
  ratio: results[0] ? r.requestsPerSecond / results[0].requestsPerSecond : 0,
}));
writeResults();

async function loadPages() {
  const db = dataDir
    ? (await openDatabase({ dataDir })).db
    : await openPostgres({ connectionString: databaseUrl!, max: 2 });
  const query: Query = db.query.bind(db);
  const children = [];
  let app: StartedProcess | undefined;
  try {
    const targets = await findTargets(query, Math.max(connections, MIX_READERS));
    const mixTargets =
      wants('forumday') || wants('hotthread') || wants('hotviews') ? await findMixTargets(query) : undefined;
    await resetVoteQuota(query, targets.sessions);
    console.log(await openWriteGates(query));
    // The server opens the PGlite directory itself; a PostgreSQL pool stays open to reset the vote quota.
    if (dataDir) await db.close();
    const resetQuota = () => (dataDir ? Promise.resolve() : resetVoteQuota(query, targets.sessions));
    const [reader] = targets.sessions;

    let base = values.url;
    if (!base) {
      app = await startProcess(
        [
          ...(values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : []),
          ...serverArgs(),
          '--no-demo',
        ],
        {
          ...(dataDir ? { DATA_DIR: dataDir, DATABASE_URL: undefined, DATABASE_READ_URL: undefined } : {}),
          ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
          PORT: '0',
          LOG_LEVEL: 'warn',
          // autocannon's connections all come from one address, which the server otherwise caps at 100.
          MAX_CONNECTIONS_PER_CLIENT: '0',
        },
        /running at http:\/\/localhost:(\d+)/,
      );
      children.push(app.child);
      base = `http://127.0.0.1:${app.match[1]}`;
    }
    const ceiling = await startProcess(['--import', 'tsx', 'bench/lib/ceiling.ts'], {}, /listening (\d+)/);
    children.push(ceiling.child);

    /** Runs one workload; on a server we started, adds its cache hit rates and memory during that workload. */
    const measure = async (key: string, work: () => Promise<LoadResult>) => {
      const before = app && (await serverStats(app));
      const cpuBefore = app && cpuMillis(app.child.pid);
      const result: Measured = { ...(await work()), key };
      if (app && before && cpuBefore) {
        const cpu = cpuPerRequest(cpuBefore, cpuMillis(app.child.pid), result.requestsPerSecond * duration);
        result.serverCpuMs = cpu.server;
        // PostgreSQL's own processes are ours to count only when it runs on this machine.
        if (localDatabase) result.postgresCpuMs = cpu.postgres;
        const after = await serverStats(app);
        result.rssBytes = after.rssBytes;
        result.cacheBytes = Object.values(after.caches).reduce((sum, cache) => sum + cache.bytes, 0);
        result.cacheHoldings = Object.fromEntries(
          Object.entries(after.caches).map(([name, cache]) => [name, { bytes: cache.bytes, entries: cache.entries }]),
        );
        result.cacheHitRates = hitRates(before, after);
      }
      results.push(result);
      console.log(describe(result));
    };
    const run = (name: string, pagePath: string, headers?: Record<string, string>) =>
      runLoad({ name, url: base + pagePath, connections, durationSeconds: duration, ...(headers ? { headers } : {}) });

    results.push(
      await runLoad({
        name: 'ceiling (node:http "hello")',
        url: `http://127.0.0.1:${ceiling.match[1]}/`,
        connections,
        durationSeconds: duration,
      }),
    );
    console.log(describe(results[0]!));
    if (wants('frontpage')) await measure('frontpage', () => run('frontpage (anonymous)', targets.frontpage));
    if (wants('post50')) await measure('post50', () => run('post, ~50 comments', targets.post50));
    if (wants('post1000')) await bigPage();
    if (wants('sequence') && targets.sequence) {
      await measure('sequence', () => run('sequence page', targets.sequence!));
    }
    if (wants('profile')) await measure('profile', () => run('profile', targets.profile));
    if (wants('feed')) await measure('feed', () => run('/feed.xml', targets.feed));
    if (wants('loggedin')) {
      await measure('loggedin', () => run('frontpage (logged in)', targets.frontpage, { cookie: reader!.cookie }));
    }
    if (wants('writemix')) {
      await resetQuota();
      await measure('writemix', writeMix);
    }
    /** The mix run unmeasured for --warmup seconds (its votes' quota then reset for the measured run). */
    const warmUp = async (name: string, next: MixOptions['next']) => {
      if (warmup === 0) return;
      await runMix({ name, base: base!, connections, durationSeconds: warmup, next });
      await resetQuota();
    };
    if (mixTargets && wants('forumday')) {
      await resetQuota();
      const next = forumDay(base, mixTargets, targets.sessions);
      await warmUp('forum day (warm-up)', next);
      await measure('forumday', () =>
        runMix({ name: 'forum day (mixed)', base: base!, connections, durationSeconds: duration, next }),
      );
    }
    if (mixTargets && wants('hotthread')) {
      await resetQuota();
      const next = hotThread(base, mixTargets, targets.sessions);
      const comments = mixTargets.hotThread.comments.length;
      await warmUp('hot thread (warm-up)', next);
      await measure('hotthread', () =>
        runMix({
          name: `hot thread (~${comments} comments)`,
          base: base!,
          connections,
          durationSeconds: duration,
          next,
        }),
      );
    }
    if (mixTargets && wants('hotviews')) {
      const next = hotThreadViews(mixTargets, targets.sessions);
      await measure('hotviews', () =>
        runMix({ name: 'hot thread, views alone', base: base!, connections, durationSeconds: duration, next }),
      );
    }
    weight = wants('weight') ? await measurePageWeight(base + targets.post50) : undefined;

    async function bigPage() {
      await measure('post1000', () => run('post, ~1,000 comments', targets.post1000));
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

    function writeMix() {
      // Mixed workload: logged-in readers, one write in ten (a comment or a vote), each connection its own user
      // (votes are rate-limited per user). The session goes on every request of the connection's cycle.
      const sessions = targets.sessions.slice(0, connections);
      let next = 0;
      const asReader = (request: autocannon.Request): autocannon.Request => ({
        ...request,
        setupRequest: (req, context) => {
          const ctx = context as { session?: { cookie: string; csrf: string } };
          ctx.session ??= sessions[next++ % sessions.length]!;
          return {
            ...req,
            headers: { ...req.headers, cookie: ctx.session.cookie, 'x-csrf-token': ctx.session.csrf, origin: base! },
          };
        },
      });
      const reads = () => Array.from({ length: 9 }, () => asReader({ method: 'GET', path: targets.writePost }));
      return runLoad({
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
      });
    }
  } finally {
    for (const child of children) await stopProcess(child);
    if (!dataDir) await db.close();
  }
}

/** What the pages were served from, for the results. */
function databaseName(): string {
  if (!loadsPages) return 'none';
  if (dataDir) return `PGlite in ${dataDir}`;
  return values.url ? `a server at ${values.url}` : 'PostgreSQL';
}

function writeResults() {
  const big = rows.find((r) => r.key === 'post1000');
  const bigStatic = rows.find((r) => r.name.includes('raw node:http server'));
  const bigLine =
    big && bigStatic
      ? `The ~1,000-comment page reaches ${((big.requestsPerSecond / bigStatic.requestsPerSecond) * 100).toFixed(0)} % of a raw node:http server sending the same bytes.`
      : '';
  const weightLine = weight
    ? `Cold load of ${weight.url}: ${(weight.transferredBytes / 1024).toFixed(1)} KB of HTML, CSS and JS on the wire (+ ${(weight.fontBytes / 1024).toFixed(1)} KB of KaTeX fonts), ${weight.requests} requests.`
    : '';
  const startupText = startup ? startupLine(startup) : '';
  const table = rows.length ? tables(rows) : '';
  const summary = [table, [bigLine, weightLine, startupText].filter(Boolean).join('\n')].filter(Boolean).join('\n\n');
  console.log(`\n${summary}\n`);
  const database = databaseName();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.join('bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, `${stamp}.json`),
    JSON.stringify({ duration, warmup, connections, database, loadAverage, results: rows, weight, startup }, null, 2),
  );
  fs.writeFileSync(
    path.join(dir, `${stamp}.md`),
    `# Benchmark ${stamp}\n\n${duration} s per page${warmup ? ` (the mixes after ${warmup} s unmeasured)` : ''}, ` +
      `${connections} connections, ${database}; load average ` +
      `${loadAverage} on ${os.cpus().length} cores at the start.\n\n${summary}\n`,
  );
  const latest = latestJson(rows, {
    ...(rows[0] && !rows[0].key ? { ceilingRps: rows[0].requestsPerSecond } : {}),
    ...(startup ? { startup } : {}),
    ...(weight ? { weight } : {}),
    database,
    durationSeconds: duration,
    warmupSeconds: warmup,
    connections,
    loadAverage,
  });
  fs.writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(latest, null, 2)}\n`);
  console.log(`Written to bench/results/${stamp}.{json,md} and bench/results/latest.json`);
}
