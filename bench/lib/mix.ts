import type autocannon from 'autocannon';
import { type LoadResult, runLoad } from './load.js';

/** One request of a mixed workload, and whether it reads a page or writes. */
export interface MixRequest {
  kind: 'read' | 'write';
  /** What it stands for in the per-label status counts, e.g. "vote" or "post page (logged in)". */
  label: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** One connection's own state across its requests (autocannon resets its per-request context on each cycle). */
export interface Connection {
  /** 0, 1, 2, … in the order autocannon opens the connections. */
  index: number;
  /** Requests this connection has sent. */
  sent: number;
  /** The request now in flight (one at a time: no pipelining). */
  last: MixRequest | undefined;
}

interface Latencies {
  p50: number;
  p99: number;
  count: number;
}

/** The responses to one label's requests: how many of each status, and how long they took. */
export interface LabelFigures extends Latencies {
  statuses: Record<number, number>;
}

export interface MixResult extends LoadResult {
  reads: Latencies;
  writes: Latencies;
  /** Responses by label, to tell which requests failed, how, and which are slow. */
  labels: Record<string, LabelFigures>;
}

export interface MixOptions {
  name: string;
  base: string;
  connections: number;
  durationSeconds: number;
  /** Chooses each connection's next request. */
  next: (connection: Connection) => MixRequest;
}

/** The value below which a share q of the sorted values fall (nearest rank), to 0.1 ms. */
function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const value = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
  return Math.round(value * 10) / 10;
}

function latencies(values: number[]): Latencies {
  const sorted = values.sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), count: sorted.length };
}

/**
 * Runs a workload whose every request is chosen when it is sent (autocannon's setupRequest), and records each
 * response's latency as a read or a write: autocannon's own percentiles mix both.
 */
export async function runMix(options: MixOptions): Promise<MixResult> {
  const connections = new Map<autocannon.Client, Connection>();
  const reads: number[] = [];
  const writes: number[] = [];
  const byLabel = new Map<string, { times: number[]; statuses: Record<number, number> }>();
  const setupClient = (client: autocannon.Client) => {
    const connection: Connection = { index: connections.size, sent: 0, last: undefined };
    connections.set(client, connection);
    client.setRequests([
      {
        setupRequest: (request) => {
          const chosen = options.next(connection);
          connection.last = chosen;
          connection.sent++;
          return {
            ...request,
            method: chosen.method,
            path: chosen.path,
            headers: { ...request.headers, ...chosen.headers },
            ...(chosen.body === undefined ? {} : { body: chosen.body }),
          };
        },
      },
    ]);
  };
  // A response arrives before its connection's next request is chosen, so `last` is the one it answers.
  const onResponse = (client: autocannon.Client, statusCode: number, timeMs: number) => {
    const request = connections.get(client)?.last;
    if (!request) return;
    (request.kind === 'read' ? reads : writes).push(timeMs);
    const label = byLabel.get(request.label) ?? { times: [], statuses: {} };
    byLabel.set(request.label, label);
    label.times.push(timeMs);
    label.statuses[statusCode] = (label.statuses[statusCode] ?? 0) + 1;
  };
  const result = await runLoad({
    name: options.name,
    url: options.base,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    setupClient,
    onResponse,
  });
  const labels = Object.fromEntries(
    [...byLabel].map(([name, label]) => [name, { ...latencies(label.times), statuses: label.statuses }]),
  );
  return { ...result, reads: latencies(reads), writes: latencies(writes), labels };
}

/** Picks one of the weighted choices (weights need not add up to 1). */
export function weighted<T>(choices: readonly (readonly [number, T])[]): T {
  const total = choices.reduce((sum, [weight]) => sum + weight, 0);
  let r = Math.random() * total;
  for (const [weight, choice] of choices) {
    r -= weight;
    if (r < 0) return choice;
  }
  return choices.at(-1)![1];
}

/** Draws ranks 0…n-1 with probability proportional to 1/(rank+1)^s: a few items get most of the traffic. */
export function zipf(n: number, s = 1): () => number {
  const cumulative: number[] = [];
  let sum = 0;
  for (let rank = 1; rank <= n; rank++) {
    sum += 1 / rank ** s;
    cumulative.push(sum);
  }
  return () => {
    const r = Math.random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

export function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}
