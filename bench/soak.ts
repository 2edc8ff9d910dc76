// `npm run bench:soak`: the forum-day mix (bench/lib/forum-mixes.ts) at 50 connections for 5 minutes, in 10-second
// windows, printing each window's throughput, read and write p99, errors and the server's resident memory, so a
// leak shows as a rising curve, beside what the caches hold by their own count (which rises until CACHE_MAX_MB).
// Ends with the totals and whether it held: 0 errors, p99 < 50 ms (reads and writes, the speed goals), memory
// flat (the last minute's RSS within 10 % of the second minute's).
// Usage: npm run bench:soak -- [--database-url URL | --data-dir DIR] [--duration 300] [--connections 50]
// Needs a filled database, as `npm run bench` does (`npm run bench:data`).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchDatabase, DATABASE_OPTIONS, openBenchDatabase, usage } from './lib/cli.js';
import { forumDay, MIX_READERS } from './lib/forum-mixes.js';
import { startLyceum } from './lib/lyceum.js';
import { runMix } from './lib/mix.js';
import { findMixTargets } from './lib/mix-targets.js';
import { stopProcess } from './lib/processes.js';
import { megabytes, serverStats } from './lib/server-stats.js';
import { findTargets, openWriteGates, resetVoteQuota } from './lib/targets.js';

const WINDOW_SECONDS = 10;
const P99_GOAL_MS = 50;
/** How much the resident memory may grow from the second minute to the last before we call it a leak. */
const FLAT_MEMORY_GROWTH = 0.1;

const { values } = parseArgs({
  options: {
    ...DATABASE_OPTIONS,
    duration: { type: 'string', default: '300' },
    connections: { type: 'string', default: '50' },
  },
});
const target = benchDatabase(values);
const { dataDir, databaseUrl } = target;
const duration = Number(values.duration);
const connections = Number(values.connections);
if (!(duration >= WINDOW_SECONDS && connections > 0))
  usage(`--duration must be at least ${WINDOW_SECONDS} and --connections positive.`);

const db = await openBenchDatabase(target);
const targets = await findTargets(db.query.bind(db), Math.max(connections, MIX_READERS));
const mixTargets = await findMixTargets(db.query.bind(db));
await resetVoteQuota(db.query.bind(db), targets.sessions);
console.log(await openWriteGates(db.query.bind(db)));
if (dataDir) await db.close();

const app = await startLyceum({ databaseUrl, dataDir });
interface Window {
  atSeconds: number;
  requestsPerSecond: number;
  p99ReadMs: number;
  p99WriteMs: number;
  errors: number;
  non2xx: number;
  rssBytes: number;
  /** What the caches hold by their own count (within CACHE_MAX_MB): RSS rising with them is the budget filling. */
  cacheBytes: number;
}
const windows: Window[] = [];
try {
  const next = forumDay(app.base, mixTargets, targets.sessions);
  console.log(
    `Soaking ${app.base} with the forum-day mix: ${connections} connections, ${duration} s, a line every ${WINDOW_SECONDS} s.`,
  );
  console.log('    t   req/s   p99 read   p99 write   errors   non-2xx   RSS       caches');
  for (let at = WINDOW_SECONDS; at <= duration; at += WINDOW_SECONDS) {
    const result = await runMix({ name: 'soak', base: app.base, connections, durationSeconds: WINDOW_SECONDS, next });
    const { rssBytes, caches } = await serverStats(app);
    const window: Window = {
      atSeconds: at,
      requestsPerSecond: Math.round(result.requestsPerSecond),
      p99ReadMs: result.reads.p99,
      p99WriteMs: result.writes.p99,
      errors: result.errors,
      // A vote refused by the hourly quota is the forum working as designed, not a failure; everything else counts.
      non2xx: Object.values(result.labels).reduce(
        (sum, label) =>
          sum +
          Object.entries(label.statuses).reduce((n, [status, count]) => (Number(status) >= 400 ? n + count : n), 0),
        0,
      ),
      rssBytes,
      cacheBytes: Object.values(caches).reduce((sum, cache) => sum + cache.bytes, 0),
    };
    windows.push(window);
    console.log(
      `${String(at).padStart(5)}  ${String(window.requestsPerSecond).padStart(6)}  ${`${window.p99ReadMs} ms`.padStart(9)}  ${`${window.p99WriteMs} ms`.padStart(10)}  ${String(window.errors).padStart(7)}  ${String(window.non2xx).padStart(8)}   ${megabytes(rssBytes).padEnd(8)}  ${megabytes(window.cacheBytes)}`,
    );
    // Votes are limited per reader and hour; a long soak on PostgreSQL forgets them now and then (PGlite is held
    // by the server, and its soaks are short).
    if (!dataDir && at % 600 === 0) await resetVoteQuota(db.query.bind(db), targets.sessions);
  }
} finally {
  await stopProcess(app.child);
  if (!dataDir) await db.close();
}

const errors = windows.reduce((sum, w) => sum + w.errors + w.non2xx, 0);
const worstRead = Math.max(...windows.map((w) => w.p99ReadMs));
const worstWrite = Math.max(...windows.map((w) => w.p99WriteMs));
const perMinute = 60 / WINDOW_SECONDS;
const average = (list: Window[]) => list.reduce((sum, w) => sum + w.rssBytes, 0) / Math.max(1, list.length);
// The first minute warms caches and JIT; memory should then stay flat.
const early = average(
  windows.slice(perMinute, 2 * perMinute).length ? windows.slice(perMinute, 2 * perMinute) : windows.slice(0, 1),
);
const late = average(windows.slice(-perMinute));
const growth = early > 0 ? late / early - 1 : 0;
const held = {
  errors: errors === 0,
  p99: worstRead < P99_GOAL_MS && worstWrite < P99_GOAL_MS,
  memory: growth <= FLAT_MEMORY_GROWTH,
};
console.log(
  `\n${windows.length} windows: ${errors} errors and refusals; worst p99 ${worstRead} ms reading, ${worstWrite} ms writing ` +
    `(goal < ${P99_GOAL_MS} ms); RSS ${megabytes(early)} in the second minute, ${megabytes(late)} in the last ` +
    `(${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)} %, flat means within ${FLAT_MEMORY_GROWTH * 100} %).`,
);
console.log(
  `Held: errors ${held.errors ? 'yes' : 'NO'}, p99 ${held.p99 ? 'yes' : 'NO'}, memory flat ${held.memory ? 'yes' : 'NO'}.`,
);
const dir = path.join('bench', 'results');
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, `soak-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
fs.writeFileSync(
  file,
  JSON.stringify({ duration, connections, windows, errors, worstRead, worstWrite, growth, held }, null, 2),
);
console.log(`Written to ${file}.`);
