import { createRequire } from 'node:module';
import autocannon from 'autocannon';

// autocannon 9 appends every response body to a string (`req.body += chunk`) for hooks that read it. We read
// no bodies, and UTF-8-decoding gzip bytes made the load generator, not the server, the bottleneck for large
// pages (measured: 300 KB of gzip at ~260 responses/s, the same size of ASCII at ~4,900). Turning the
// accumulation off applies equally to the ceiling and to every page.
const require = createRequire(import.meta.url);
const queue = require('autocannon/lib/pipelinedRequestsQueue.js') as { prototype: { addBody(data: unknown): void } };
queue.prototype.addBody = () => {};

/** What Chromium sends, so pages come compressed as a browser would receive them. */
export const BROWSER_ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

export interface LoadResult {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export interface LoadOptions {
  name: string;
  url: string;
  connections: number;
  durationSeconds: number;
  headers?: Record<string, string>;
  /** A cycle of requests each connection repeats (for mixed workloads). */
  requests?: autocannon.Request[];
  /** Called for each connection, e.g. to give each its own session. */
  setupClient?: (client: autocannon.Client) => void;
  /** Called for each response with its connection and its latency in ms. */
  onResponse?: (client: autocannon.Client, statusCode: number, responseTimeMs: number) => void;
}

/** Runs autocannon for a fixed time against one URL (or a request cycle) and returns its figures. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSeconds,
        headers: { 'accept-encoding': BROWSER_ACCEPT_ENCODING, ...options.headers },
        ...(options.requests ? { requests: options.requests } : {}),
        ...(options.setupClient ? { setupClient: options.setupClient } : {}),
      },
      (error: unknown, result) => (error ? reject(error) : resolve(result)),
    );
    const { onResponse } = options;
    if (onResponse) instance.on('response', (client, statusCode, _bytes, time) => onResponse(client, statusCode, time));
  });
  return {
    name: options.name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}
