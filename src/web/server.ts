import fs from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { Caches } from '../cache/caches.js';
import { serveCachedPage } from '../cache/fast-path.js';
import type { Config } from '../config.js';
import type { AppEnv } from './context.js';

/** File descriptors kept out of the connection cap for the database, log output and static files. */
const RESERVED_FILE_DESCRIPTORS = 256;
/**
 * Node enforces the header and request deadlines with a periodic sweep over open connections (30 s apart by
 * default, which would let a trickling client overstay REQUEST_TIMEOUT_MS by as much). A sweep is cheap (a walk
 * over a list in C++), so once a second keeps the overstay small; lower deadlines (tests) get a finer sweep.
 */
const MAX_DEADLINE_SWEEP_MS = 1_000;
/** A flood of refused connections is logged once a minute, not once each. */
const REFUSAL_LOG_INTERVAL_MS = 60_000;

export interface HttpServerParts {
  app: Hono<AppEnv>;
  config: Config;
  logger: Logger;
  /** When caching is on, cache hits are answered straight from node:http, before the app. */
  caches?: Caches | undefined;
}

/**
 * The HTTP server that serves the app, with the limits that keep slow or greedy clients from holding it:
 * deadlines for headers, whole requests and idle keep-alive connections, a cap on open connections below the
 * open-file limit, and one per client address. `npm start` and the tests that listen on a port both use it.
 */
export function createHttpServer({ app, config, logger, caches }: HttpServerParts): Server {
  const handle = getRequestListener(app.fetch);
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    if (caches && serveCachedPage(caches, req, res)) return;
    void handle(req, res);
  };
  const server = createServer(
    {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(MAX_DEADLINE_SWEEP_MS, Math.ceil(config.headersTimeoutMs / 4)),
    },
    serve,
  );

  // A client that asks before sending its body (curl does past 1 MB) learns of a body over the limit without
  // sending it: the app answers 413 from the declared length, and no "100 Continue" goes out.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (!(Number(req.headers['content-length']) > config.bodyLimitBytes)) res.writeContinue();
    serve(req, res);
  });

  server.maxConnections = connectionCap(config.maxConnections, openFileLimit(), logger);
  const warnFull = rateLimited(logger, 'connection refused: MAX_CONNECTIONS connections are open');
  server.on('drop', (data?: { remoteAddress?: string }) => warnFull({ client: data?.remoteAddress }));
  if (config.maxConnectionsPerClient > 0) capConnectionsPerClient(server, config.maxConnectionsPerClient, logger);
  return server;
}

/** The connection cap in force: the configured one, lowered so that connections cannot use up every file. */
export function connectionCap(configured: number, fileLimit: number | undefined, logger?: Logger): number {
  if (fileLimit === undefined) return configured;
  const fits = Math.max(fileLimit - RESERVED_FILE_DESCRIPTORS, Math.floor(fileLimit / 2));
  if (configured <= fits) return configured;
  logger?.warn(
    { configured, openFileLimit: fileLimit, cap: fits },
    `MAX_CONNECTIONS lowered to ${fits}: this process may open only ${fileLimit} files (ulimit -n)`,
  );
  return fits;
}

/** The soft limit on open files (Node raises it to the hard limit at start), where the system tells it. */
function openFileLimit(): number | undefined {
  try {
    const match = /^Max open files\s+(\d+)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Closes a new connection at once when its client already holds `cap` open ones, so that one address cannot
 * take every connection the process has (the global cap) and shut everyone else out.
 */
function capConnectionsPerClient(server: Server, cap: number, logger: Logger) {
  const open = new Map<string, number>();
  const warn = rateLimited(logger, 'connection refused: MAX_CONNECTIONS_PER_CLIENT connections open from one client');
  server.on('connection', (socket: Socket) => {
    const client = clientOf(socket.remoteAddress);
    if (client === undefined) return; // already gone
    const count = (open.get(client) ?? 0) + 1;
    if (count > cap) {
      warn({ client, hint: 'behind a reverse proxy, set MAX_CONNECTIONS_PER_CLIENT=0 or TRUST_PROXY=1' });
      socket.destroy();
      return;
    }
    open.set(client, count);
    socket.once('close', () => {
      const left = (open.get(client) ?? 1) - 1;
      if (left > 0) open.set(client, left);
      else open.delete(client);
    });
  });
}

/**
 * The client a connection is counted against: its IPv4 address, or the /64 of its IPv6 address (the block a
 * single subscriber is usually given, so one host cannot dodge the cap by changing the low bits).
 */
export function clientOf(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.replace(/%.*$/, '').split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

function rateLimited(logger: Logger, message: string) {
  let loggedAt = Number.NEGATIVE_INFINITY;
  let since = 0;
  return (details: Record<string, unknown>) => {
    since++;
    if (Date.now() - loggedAt < REFUSAL_LOG_INTERVAL_MS) return;
    logger.warn({ ...details, refusedSinceLastWarning: since }, message);
    loggedAt = Date.now();
    since = 0;
  };
}
