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
