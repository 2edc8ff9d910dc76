import type { LoadResult } from './load.js';
import type { MixResult } from './mix.js';
import type { PageWeight } from './page-weight.js';
import { formatHitRates, megabytes } from './server-stats.js';
import type { StartupTimes } from './startup.js';

/** One workload's figures, with what the server said about itself when we started it. */
export interface Measured extends LoadResult, Partial<Pick<MixResult, 'reads' | 'writes' | 'labels'>> {
  /** The workload's --only name; absent for the ceilings. */
  key?: string;
  rssBytes?: number;
  /** What the caches count themselves as holding (their byte budget's measure), at the end. */
  cacheBytes?: number;
  /** What each cache held at the end, by its own count (to see which share of CACHE_MAX_MB is used). */
  cacheHoldings?: Record<string, { bytes: number; entries: number }>;
  cacheHitRates?: Record<string, number | null>;
  /** CPU time per request (server-stats.ts cpuPerRequest): the server's, and a local PostgreSQL's. */
  serverCpuMs?: number;
  postgresCpuMs?: number;
}

export type Row = Measured & { ratio: number };

const CACHE_NAMES = [
  'pages',
  'readerPages',
  'fragments',
  'commentTrees',
  'discussions',
  'commentSegments',
  'commentHeads',
  'sessions',
];
const percent = (rate: number | null | undefined) => (rate == null ? '–' : `${(rate * 100).toFixed(1)} %`);

/** The lines printed when a workload ends. */
export function describe(m: Measured): string {
  const lines = [
    `${m.name}: ${m.requestsPerSecond.toFixed(0)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, ` +
      `${m.errors} errors, ${m.non2xx} non-2xx`,
  ];
  if (m.reads && m.writes) {
    lines.push(
      `  reads:  p50 ${m.reads.p50} ms, p99 ${m.reads.p99} ms (${m.reads.count} responses)`,
      `  writes: p50 ${m.writes.p50} ms, p99 ${m.writes.p99} ms (${m.writes.count} responses)`,
    );
  }
  for (const [label, figures] of Object.entries(m.labels ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const statuses = Object.entries(figures.statuses).map(([code, n]) => `${n} × ${code}`);
    lines.push(`    ${label}: ${statuses.join(', ')}; p50 ${figures.p50} ms, p99 ${figures.p99} ms`);
  }
  if (m.cacheHitRates) lines.push(`  cache hit rates: ${formatHitRates(m.cacheHitRates)}`);
  if (m.serverCpuMs !== undefined) {
    const db = m.postgresCpuMs === undefined ? '' : `, PostgreSQL ${m.postgresCpuMs.toFixed(2)} ms`;
    lines.push(`  CPU per request: server ${m.serverCpuMs.toFixed(2)} ms${db}`);
  }
  if (m.rssBytes !== undefined) {
    const caches = m.cacheBytes === undefined ? '' : ` (caches ${megabytes(m.cacheBytes)} of it by their own count)`;
    lines.push(`  server RSS at the end: ${megabytes(m.rssBytes)}${caches}`);
    if (m.cacheHoldings) {
      const held = Object.entries(m.cacheHoldings).map(
        ([name, { bytes, entries }]) => `${name} ${megabytes(bytes)} in ${entries}`,
      );
      lines.push(`  caches held at the end: ${held.join(', ')}`);
    }
  }
  return lines.join('\n');
}

/** The Markdown tables of a run: every workload, then the mixes' reads and writes, then the caches. */
export function tables(rows: Row[]): string {
  const main = [
    '| page | req/s | p50 ms | p99 ms | errors | non-2xx | vs ceiling |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} | ${(r.ratio * 100).toFixed(1)} % |`,
    ),
  ];
  const mixes = rows.filter((r) => r.reads && r.writes);
  const mixTable = mixes.length
    ? [
        '',
        '| mix | req/s | read p50 ms | read p99 ms | write p50 ms | write p99 ms | reads | writes |',
        '|---|---:|---:|---:|---:|---:|---:|---:|',
        ...mixes.map(
          (r) =>
            `| ${r.name} | ${r.requestsPerSecond.toFixed(0)} | ${r.reads!.p50} | ${r.reads!.p99} | ${r.writes!.p50} | ${r.writes!.p99} | ${r.reads!.count} | ${r.writes!.count} |`,
        ),
      ]
    : [];
  const known = rows.filter((r) => r.cacheHitRates);
  const cacheTable = known.length
    ? [
        '',
        `| workload | ${CACHE_NAMES.join(' hits | ')} hits | server RSS | caches |`,
        `|---|${CACHE_NAMES.map(() => '---:|').join('')}---:|---:|`,
        ...known.map(
          (r) =>
            `| ${r.name} | ${CACHE_NAMES.map((c) => percent(r.cacheHitRates![c])).join(' | ')} | ${megabytes(r.rssBytes ?? 0)} | ${r.cacheBytes === undefined ? '–' : megabytes(r.cacheBytes)} |`,
        ),
      ]
    : [];
  return [...main, ...mixTable, ...cacheTable].join('\n');
}

export function startupLine(startup: StartupTimes): string {
  return (
    `Start-up on PGlite: ${(startup.firstStartMs / 1000).toFixed(1)} s on an empty DATA_DIR, ` +
    `${(startup.restartMs / 1000).toFixed(1)} s to restart on it.`
  );
}

const roundMs = (ms: number) => Math.round(ms * 10) / 10;
const roundRates = (rates: Record<string, number | null>) =>
  Object.fromEntries(
    Object.entries(rates).map(([name, rate]) => [name, rate === null ? null : Math.round(rate * 1e4) / 1e4]),
  );

/** bench/results/latest.json: the figures a script compares from run to run, keyed by --only names. */
export function latestJson(
  rows: Row[],
  extra: {
    ceilingRps?: number;
    startup?: StartupTimes;
    weight?: PageWeight;
    database: string;
    durationSeconds: number;
    /** Seconds each mixed workload ran unmeasured before its figures (bench/run.ts --warmup). */
    warmupSeconds: number;
    /** The machine's 1-minute load average when the run began: other work on it lowers every figure. */
    loadAverage: number;
    connections: number;
  },
): object {
  const workloads = Object.fromEntries(
    rows
      .filter((r) => r.key)
      .map((r) => [
        r.key,
        {
          rps: Math.round(r.requestsPerSecond * 10) / 10,
          ratio: Math.round(r.ratio * 10_000) / 10_000,
          p50Ms: r.p50,
          p99Ms: r.p99,
          errors: r.errors,
          non2xx: r.non2xx,
          ...(r.reads && r.writes
            ? {
                p50ReadMs: roundMs(r.reads.p50),
                p99ReadMs: roundMs(r.reads.p99),
                p50WriteMs: roundMs(r.writes.p50),
                p99WriteMs: roundMs(r.writes.p99),
              }
            : {}),
          ...(r.rssBytes !== undefined ? { rssBytes: r.rssBytes } : {}),
          ...(r.cacheBytes !== undefined ? { cacheBytes: r.cacheBytes } : {}),
          ...(r.cacheHoldings ? { cacheHoldings: r.cacheHoldings } : {}),
          ...(r.cacheHitRates ? { cacheHitRates: roundRates(r.cacheHitRates) } : {}),
          ...(r.serverCpuMs !== undefined ? { serverCpuMs: roundMs(r.serverCpuMs) } : {}),
          ...(r.postgresCpuMs !== undefined ? { postgresCpuMs: roundMs(r.postgresCpuMs) } : {}),
        },
      ]),
  );
  return {
    date: new Date().toISOString(),
    database: extra.database,
    durationSeconds: extra.durationSeconds,
    warmupSeconds: extra.warmupSeconds,
    loadAverage: extra.loadAverage,
    connections: extra.connections,
    ...(extra.ceilingRps !== undefined ? { ceiling: { rps: Math.round(extra.ceilingRps) } } : {}),
    workloads,
    ...(extra.startup ? { startup: extra.startup } : {}),
    ...(extra.weight ? { weight: extra.weight } : {}),
  };
}
