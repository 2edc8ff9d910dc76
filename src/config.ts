import { availableParallelism, totalmem } from 'node:os';
import { z } from 'zod';

const TRUST_PROXY_MESSAGE = 'must be the number of reverse proxies in front of Lyceum (0 for none, at most 10)';

/** Every environment variable Lyceum reads, parsed and validated in one place. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_READ_URL: z.string().url().optional(),
  BASE_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LYCEUM_DEMO: z.enum(['0', '1']).default('1'),
  TRUST_PROXY: z.coerce
    .number({ error: TRUST_PROXY_MESSAGE })
    .int(TRUST_PROXY_MESSAGE)
    .min(0, TRUST_PROXY_MESSAGE)
    .max(10, TRUST_PROXY_MESSAGE)
    .default(0),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  PAGE_CACHE_TTL_MS: z.coerce.number().int().min(0).default(30_000),
  PAGE_CACHE_MAX_ENTRIES: z.coerce.number().int().positive().default(5_000),
  LIST_REFRESH_MS: z.coerce.number().int().min(0).max(3_600_000).default(2_000),
  CACHE_MAX_MB: z.coerce.number().positive().max(1_000_000).optional(),
  HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  MAX_CONNECTIONS: z.coerce.number().int().positive().default(10_000),
  MAX_CONNECTIONS_PER_CLIENT: z.coerce.number().int().min(0).optional(),
  // Rendering and diffing run in worker threads (content/pool.ts); the main thread keeps a core for requests.
  RENDER_WORKERS: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(() => Math.max(1, availableParallelism() - 1)),
  RENDER_QUEUE_LIMIT: z.coerce.number().int().min(0).default(64),
  RENDER_TIMEOUT_MS: z.coerce.number().int().min(1).default(5_000),
  PREVIEWS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().min(3).max(300).optional(),
  JOBS_IN_PROCESS: z.enum(['true', 'false', '1', '0']).default('true'),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** A read replica for pages served to logged-out readers (PostgreSQL only). */
  databaseReadUrl: string | undefined;
  /** Public origin used for absolute links; defaults to http://HOST:PORT. */
  baseUrl: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  loadDemo: boolean;
  /** How many reverse proxies stand in front (their X-Forwarded-For / X-Forwarded-Proto are trusted); 0 for none. */
  trustProxy: number;
  bodyLimitBytes: number;
  shutdownTimeoutMs: number;
  /** How long a page rendered for logged-out readers may be served again; 0 turns the page cache off. */
  pageCacheTtlMs: number;
  /** How soon lists follow a change to a post's score, comment count or rank (see caches.ts applyChange). */
  listRefreshMs: number;
  pageCacheMaxEntries: number;
  /** What every in-memory cache of this process may hold together, in bytes (split in caches.ts). */
  cacheMaxBytes: number;
  /** How long a client may take to send a request's headers, and the whole request with its body. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection is kept open. */
  keepAliveTimeoutMs: number;
  /** Open connections at most (further ones are closed at once); lowered to fit the open-file limit. */
  maxConnections: number;
  /** Open connections at most from one client address (IPv4 address or IPv6 /64); 0: no such cap. */
  maxConnectionsPerClient: number;
  /** Worker threads that render Markdown and diff revisions. */
  renderWorkers: number;
  /** Renders that may wait for a worker; past it a request is answered 503. */
  renderQueueLimit: number;
  /** A render or diff running longer is stopped (its worker replaced) and the writer told so. */
  renderTimeoutMs: number;
  /** Previews one user may ask for per minute (bursts of up to 20). */
  previewsPerMinute: number;
  /** Where mail goes (smtp:// or smtps://, with credentials); unset: kept in the admins' outbox and logged. */
  smtpUrl: string | undefined;
  /** The From of every email. */
  mailFrom: string;
  /** Whether the server process runs the job worker (false when `npm run worker` runs it instead). */
  jobsInProcess: boolean;
}

/** Connections one browser or one office behind a NAT may hold open at once (browsers use up to 6 per site). */
const DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 100;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = []): Config {
  // An empty variable means "not set" (as shells and .env files often leave them).
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  if (e.DATABASE_READ_URL && !e.DATABASE_URL) {
    throw new ConfigError(
      'Invalid configuration: DATABASE_READ_URL needs DATABASE_URL (a replica of a PostgreSQL server).',
    );
  }
  if (e.HEADERS_TIMEOUT_MS > e.REQUEST_TIMEOUT_MS) {
    throw new ConfigError(
      `Invalid configuration: HEADERS_TIMEOUT_MS (${e.HEADERS_TIMEOUT_MS}) must not exceed REQUEST_TIMEOUT_MS ` +
        `(${e.REQUEST_TIMEOUT_MS}): the headers are part of the request.`,
    );
  }
  const shownHost = ['0.0.0.0', '::', '127.0.0.1'].includes(e.HOST) ? 'localhost' : e.HOST;
  const baseUrl = (e.BASE_URL ?? `http://${shownHost}:${e.PORT}`).replace(/\/$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    databaseReadUrl: e.DATABASE_READ_URL,
    baseUrl,
    logLevel: e.LOG_LEVEL,
    loadDemo: e.LYCEUM_DEMO === '1' && !argv.includes('--no-demo'),
    trustProxy: e.TRUST_PROXY,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    pageCacheTtlMs: e.PAGE_CACHE_TTL_MS,
    listRefreshMs: e.LIST_REFRESH_MS,
    pageCacheMaxEntries: e.PAGE_CACHE_MAX_ENTRIES,
    cacheMaxBytes: Math.round((e.CACHE_MAX_MB ?? defaultCacheMegabytes()) * 1024 * 1024),
    headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: e.MAX_CONNECTIONS,
    // Behind a reverse proxy every connection comes from the proxy, so a per-address cap would throttle the
    // whole site; the proxy limits its clients instead.
    maxConnectionsPerClient:
      e.MAX_CONNECTIONS_PER_CLIENT ?? (e.TRUST_PROXY > 0 ? 0 : DEFAULT_MAX_CONNECTIONS_PER_CLIENT),
    renderWorkers: e.RENDER_WORKERS,
    renderQueueLimit: e.RENDER_QUEUE_LIMIT,
    renderTimeoutMs: e.RENDER_TIMEOUT_MS,
    previewsPerMinute: e.PREVIEWS_PER_MINUTE,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? `Lyceum <noreply@${new URL(baseUrl).hostname}>`,
    jobsInProcess: e.JOBS_IN_PROCESS === 'true' || e.JOBS_IN_PROCESS === '1',
  };
}

/**
 * CACHE_MAX_MB when it is not set: an eighth of the memory this process may use (the machine's, or its
 * container's limit when lower), between 64 MB and 1 GB. The caches' hit rate on a large forum grows with their
 * budget (forum-day bench: comment trees 44 to 45 % of lookups at 256 MB, 60 to 62 % at 1 GB), and the process holds about
 * 600 MB besides (its render workers included), so a 2 GB machine keeps the 256 MB it had before.
 */
export function defaultCacheMegabytes(
  machineBytes = totalmem(),
  limitBytes = process.constrainedMemory?.() ?? 0,
): number {
  const usable = limitBytes > 0 ? Math.min(machineBytes, limitBytes) : machineBytes;
  return Math.min(1024, Math.max(64, Math.floor(usable / 8 / 1024 / 1024)));
}
