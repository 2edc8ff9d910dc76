import fs from 'node:fs';
import type { StartedProcess } from './processes.js';

interface CacheCounts {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
}

/** What the server prints on SIGUSR2 (src/main.ts). */
export interface ServerStats {
  rssBytes: number;
  caches: Record<string, CacheCounts>;
}

/** Asks the server we started for its memory and cache counters (one `lyceum-stats {…}` line on stdout). */
export async function serverStats(server: StartedProcess): Promise<ServerStats> {
  // Listen before signalling, so the answer cannot come before we wait for it.
  const line = server.nextLine(/^lyceum-stats (\{.*\})$/);
  server.child.kill('SIGUSR2');
  const [, json] = await line;
  return JSON.parse(json!) as ServerStats;
}

/** Each cache's share of lookups that hit between two readings; null for a cache nobody asked. */
export function hitRates(before: ServerStats, after: ServerStats): Record<string, number | null> {
  return Object.fromEntries(
    Object.entries(after.caches).map(([name, now]) => {
      const then = before.caches[name] ?? { hits: 0, misses: 0 };
      const hits = now.hits - then.hits;
      const lookups = hits + now.misses - then.misses;
      return [name, lookups > 0 ? hits / lookups : null];
    }),
  );
}

export function formatHitRates(rates: Record<string, number | null>): string {
  const shown = Object.entries(rates).map(
    ([name, rate]) => `${name} ${rate === null ? '–' : `${(rate * 100).toFixed(1)} %`}`,
  );
  return shown.length > 0 ? shown.join(', ') : 'caching is off';
}

export const megabytes = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MB`;

/**
 * CPU time spent so far (user + system, in ms) by each process: the server we started, and PostgreSQL's processes
 * when it runs on this machine. Linux only (/proc); empty elsewhere. PostgreSQL's are per backend, so a backend
 * that ends during a workload is not counted: the server's pool keeps its connections, so little is missed.
 */
export function cpuMillis(serverPid: number | undefined): {
  server: number | undefined;
  postgres: Map<number, number>;
} {
  const ticks = (pid: number): number | undefined => {
    try {
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
    } catch {
      return undefined;
    }
  };
  const postgres = new Map<number, number>();
  let pids: string[] = [];
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return { server: undefined, postgres };
  }
  for (const pid of pids) {
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    const ms = ticks(Number(pid));
    if (ms !== undefined) postgres.set(Number(pid), ms);
  }
  return { server: serverPid === undefined ? undefined : ticks(serverPid), postgres };
}

/** Linux's USER_HZ, the unit of /proc's CPU times (100 on every current architecture). */
const CLOCK_TICKS = 100;

/** CPU ms per request between two readings: the server's, and PostgreSQL's (backends alive at the end). */
export function cpuPerRequest(
  before: ReturnType<typeof cpuMillis>,
  after: ReturnType<typeof cpuMillis>,
  requests: number,
): { server?: number; postgres?: number } {
  if (requests <= 0) return {};
  let postgres = 0;
  for (const [pid, ms] of after.postgres) postgres += ms - (before.postgres.get(pid) ?? 0);
  return {
    ...(before.server !== undefined && after.server !== undefined
      ? { server: (after.server - before.server) / requests }
      : {}),
    ...(after.postgres.size > 0 ? { postgres: postgres / requests } : {}),
  };
}
