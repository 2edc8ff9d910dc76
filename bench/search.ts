// `npm run bench:search`: latency of GET /search on the synthetic forum for four kinds of query (a common word,
// a rare word, a quoted phrase, a formula's TeX source): `--requests` each (200), `--concurrency` at a time (1),
// each kind cycling through its own list of queries taken from the generator's text (src/synthetic/text.ts), so
// a page cache cannot answer every request. Prints p50 and p99 per kind against the goal (p50 < 30 ms, p99 <
// 150 ms) and each cache's hit rate meanwhile, and writes bench/results/<time>-search.{json,md}.
// Usage: npm run bench:search -- [--database-url URL | --url http://host:port] [--requests 200] [--concurrency 1]
//        [--warmup 40]
// Without --url it starts Lyceum on the database (DATABASE_URL by default), as `npm run bench` does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type StartedLyceum, startLyceum } from './lib/lyceum.js';
import { stopProcess } from './lib/processes.js';
import { formatHitRates, hitRates, serverStats } from './lib/server-stats.js';

const GOAL_P50_MS = 30;
const GOAL_P99_MS = 150;

interface Kind {
  key: string;
  name: string;
  queries: string[];
}

// Chosen from the generated text: every common word is in most posts; the rare ones only in code blocks, tables
// and display math (no generated word is in fewer than ~1/600 of the posts: post bodies are drawn from a pool of
// 600); the phrases are fixed phrases of the prose and word pairs found in a few dozen bodies; the formulas are
// TeX the bodies contain.
const KINDS: Kind[] = [
  {
    key: 'common',
    name: 'common word',
    queries: `model agent evidence gradient policy argument theorem estimate equilibrium uncertainty distribution
      decision reward signal structure`.split(/\s+/),
  },
  {
    key: 'rare',
    name: 'rare word',
    queries: 'likelihood odds const def select count group range number pmatrix lim neg'.split(' '),
  },
  {
    key: 'phrase',
    name: 'phrase',
    queries: [
      'at first glance',
      'on the other hand',
      'more precisely',
      'by contrast',
      'estimate posterior',
      'order transition',
      'signal uncertainty',
      'basin saddle',
      'reference update',
      'steelman example',
      'agent margin',
      'noise case',
      'cause consensus',
      'cycle update',
    ].map((phrase) => `"${phrase}"`),
  },
  {
    key: 'formula',
    name: 'formula',
    queries: [
      '\\frac{a}{b}',
      '\\mathbb{E}[X]',
      '\\sqrt{2}',
      '\\lambda_{\\max}',
      '\\nabla_\\theta \\mathcal{L}',
      'P(A \\mid B)',
      '\\varepsilon > 0',
      '\\hat{\\mu}_n',
      'O(n \\log n)',
      '\\mathrm{KL}',
      '\\operatorname{Var}',
      'e^{i\\pi}',
      '\\int_0^1',
      '\\begin{pmatrix}',
    ],
  },
];
/** Warm-up queries, none of them measured, so the measured ones meet no page cached by the warm-up. */
const WARMUP_QUERIES = ['belief', 'theory', 'data', 'protocol', '"in practice"', '\\alpha + \\beta', 'steps', 'x^2'];

function usage(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'database-url': { type: 'string' },
    requests: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '40' },
  },
});
const requests = Number(values.requests);
const concurrency = Number(values.concurrency);
const warmup = Number(values.warmup);
if (![requests, concurrency].every((n) => Number.isInteger(n) && n > 0)) {
  usage('--requests and --concurrency must be positive whole numbers.');
}
if (!(Number.isInteger(warmup) && warmup >= 0)) usage('--warmup must be a whole number.');
const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
if (!values.url && !databaseUrl) usage('Give --database-url (or DATABASE_URL) or --url of a running server.');

interface Timing {
  ms: number;
  status: number;
  query: string;
  /** Whether the page listed results (the search views' result list). */
  found: boolean;
}

const RESULT_LIST = '<ol class="search-results"';

/** One GET /search, timed from the request until the whole body has arrived. */
async function search(base: string, query: string): Promise<Timing> {
  const started = performance.now();
  try {
    const response = await fetch(`${base}/search?${new URLSearchParams({ q: query })}`);
    const page = await response.text();
    return { ms: performance.now() - started, status: response.status, query, found: page.includes(RESULT_LIST) };
  } catch {
    return { ms: performance.now() - started, status: 0, query, found: false };
  }
}

/** `count` searches cycling through `queries`, `concurrency` in flight. */
async function run(base: string, queries: string[], count: number): Promise<Timing[]> {
  const timings: Timing[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      timings.push(await search(base, queries[i % queries.length]!));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return timings;
}

/** Nearest-rank percentile. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

interface KindResult {
  key: string;
  name: string;
  queries: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  /** Answers that listed results, and the queries that found nothing. */
  withResults: number;
  emptyQueries: string[];
  /** A few failed requests: status (0: no answer) and query. */
  failures: string[];
  cacheHitRates?: Record<string, number | null>;
  goalMet: boolean;
}

const round = (ms: number) => Math.round(ms * 10) / 10;
const [loadAverage] = os.loadavg().map((n) => Math.round(n * 100) / 100) as [number];
let app: StartedLyceum | undefined;
const results: KindResult[] = [];
try {
  if (!values.url) app = await startLyceum({ databaseUrl });
  const base = values.url ?? app!.base;
  const [probe] = await run(base, [WARMUP_QUERIES[0]!], 1);
  if (probe!.status !== 200) {
    throw new Error(
      `GET /search?q=${WARMUP_QUERIES[0]} answered ${probe!.status || 'nothing'}` +
        (probe!.status === 404 ? ': this build has no search page.' : '.'),
    );
  }
  await run(base, WARMUP_QUERIES, warmup);
  console.log(
    `GET /search on ${values.url ?? 'PostgreSQL'}: ${requests} requests per kind, ${concurrency} at a time, after ` +
      `${warmup} warm-up requests; load average ${loadAverage} on ${os.cpus().length} cores.`,
  );
  for (const kind of KINDS) {
    const before = app && (await serverStats(app));
    const timings = await run(base, kind.queries, requests);
    const after = app && (await serverStats(app));
    const failed = timings.filter((t) => t.status !== 200);
    const sorted = timings.map((t) => t.ms).sort((a, b) => a - b);
    const result: KindResult = {
      key: kind.key,
      name: kind.name,
      queries: kind.queries.length,
      requests: timings.length,
      p50Ms: round(percentile(sorted, 0.5)),
      p99Ms: round(percentile(sorted, 0.99)),
      maxMs: round(sorted.at(-1) ?? Number.NaN),
      errors: failed.length,
      withResults: timings.filter((t) => t.found).length,
      emptyQueries: [...new Set(timings.filter((t) => t.status === 200 && !t.found).map((t) => t.query))],
      failures: failed.slice(0, 3).map((t) => `${t.status || 'no answer'} for ${JSON.stringify(t.query)}`),
      ...(before && after ? { cacheHitRates: hitRates(before, after) } : {}),
      goalMet: false,
    };
    result.goalMet = result.errors === 0 && result.p50Ms < GOAL_P50_MS && result.p99Ms < GOAL_P99_MS;
    results.push(result);
    console.log(describe(result));
  }
} catch (error) {
  console.error(`The search benchmark stopped: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  if (app) await stopProcess(app.child);
}
if (results.length > 0) writeResults();

function describe(r: KindResult): string {
  const lines = [
    `${r.name.padEnd(12)} p50 ${r.p50Ms.toFixed(1).padStart(6)} ms  p99 ${r.p99Ms.toFixed(1).padStart(6)} ms  ` +
      `max ${r.maxMs.toFixed(1).padStart(6)} ms  ${r.errors} errors  (${r.queries} queries, e.g. ` +
      `${JSON.stringify(KINDS.find((k) => k.key === r.key)!.queries[0])})  goal ${r.goalMet ? 'met' : 'NOT met'}`,
  ];
  if (r.failures.length > 0) lines.push(`  failed: ${r.failures.join('; ')}`);
  lines.push(
    `  ${r.withResults} of ${r.requests} pages listed results` +
      (r.emptyQueries.length > 0
        ? `; nothing found for ${r.emptyQueries.map((q) => JSON.stringify(q)).join(', ')}`
        : ''),
  );
  if (r.cacheHitRates) lines.push(`  cache hit rates: ${formatHitRates(r.cacheHitRates)}`);
  return lines.join('\n');
}

function writeResults() {
  const missed = results.filter((r) => !r.goalMet).map((r) => r.name);
  const verdict =
    `Goal: p50 < ${GOAL_P50_MS} ms and p99 < ${GOAL_P99_MS} ms for every kind, no errors: ` +
    (missed.length === 0 ? 'met.' : `NOT met (${missed.join(', ')}).`);
  console.log(verdict);
  const database = values.url ? `a server at ${values.url}` : 'PostgreSQL';
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.join('bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const summary = { date: new Date().toISOString(), database, requests, concurrency, warmup, loadAverage, results };
  fs.writeFileSync(path.join(dir, `${stamp}-search.json`), `${JSON.stringify(summary, null, 2)}\n`);
  const table = [
    '| query kind | queries | p50 ms | p99 ms | max ms | errors | goal |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.queries} | ${r.p50Ms} | ${r.p99Ms} | ${r.maxMs} | ${r.errors} | ${r.goalMet ? 'met' : 'not met'} |`,
    ),
  ].join('\n');
  fs.writeFileSync(
    path.join(dir, `${stamp}-search.md`),
    `# Search benchmark ${stamp}\n\nGET /search on ${database}: ${requests} requests per kind, ${concurrency} at a ` +
      `time, after ${warmup} warm-up requests; load average ${loadAverage} on ${os.cpus().length} cores at the ` +
      `start.\n\n${table}\n\n${verdict}\n`,
  );
  console.log(`Written to bench/results/${stamp}-search.{json,md}`);
}
