import { createHash, randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type pg from 'pg';

/** Something SQL can be sent to: the database itself or an open transaction. */
export interface Queryable {
  /**
   * One parameterized statement; returns its rows. `prepared` marks a statement a page sends on most views whose
   * planning costs as much as running it: on a PostgreSQL server it is prepared once per connection (named by a
   * hash of its text) and its plan kept, as PostgreSQL decides (a generic plan after five runs when it is no
   * costlier). PGlite, one connection in this process, ignores it.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], prepared?: boolean): Promise<T[]>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs fn in one transaction: committed when it resolves, rolled back when it throws. Inside a transaction
   * this joins the open one, so services compose (the demo loader runs many of them as one transaction).
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

/** What a listener is told: each NOTIFY payload, and when notifications may be missed and when not again. */
export interface ListenHandlers {
  onMessage(payload: string): void;
  /** The listening connection dropped: notifications sent from now on are lost until `onRestored`. */
  onLost?(): void;
  /** Listening again after a loss (some notifications may have been missed meanwhile). */
  onRestored?(): void;
}

export interface Listener {
  /** The listening connection's application_name on a PostgreSQL server (operators and tests find it by it). */
  readonly connectionName?: string;
  stop(): Promise<void>;
  /** Drops the listening connection and listens again on a new one (for a connection found dead). */
  reconnect(): void;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Listens for NOTIFY on the channel, from any process sharing the database, until `stop`. */
  listen(channel: string, handlers: ListenHandlers): Promise<Listener>;
  close(): Promise<void>;
}

// int8 (count(*), bigserial) arrives as a string from pg and may vary in PGlite: both drivers hand the
// app JS numbers. Our counters stay far below 2^53.
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const toNumber = (value: string) => Number(value);

/**
 * PGlite in `dataDir` (in memory when undefined). `loadDataDir` starts it from a dump (PGlite's dumpDataDir)
 * instead of an empty cluster: the tests start each file from one migrated template this way.
 */
export async function openPglite(
  dataDir: string | undefined,
  options: { loadDataDir?: Blob } = {},
): Promise<Database & { dump(): Promise<Blob> }> {
  // One options object: given `undefined` as its first argument, PGlite ignores a second one altogether.
  const db = new PGlite({
    ...(dataDir === undefined ? {} : { dataDir }),
    parsers: { [INT8_OID]: toNumber, [NUMERIC_OID]: toNumber },
    // Trigram matching for search suggestions and "did you mean" (migration 0016 creates the extension).
    extensions: { pg_trgm },
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
  await db.waitReady;
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Omit<Queryable, 'transaction'> => ({
    async query<T>(sql: string, params?: unknown[]) {
      return (await q.query<T>(sql, params)).rows;
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });
  return {
    kind: 'pglite',
    ...wrap(db),
    transaction: (fn) =>
      db.transaction((tx) => {
        const inner: Queryable = { ...wrap(tx), transaction: (nested) => nested(inner) };
        return fn(inner);
      }),
    async listen(channel, handlers) {
      // In-process: notifications cannot be lost, and "reconnecting" is over at once.
      const stop = await db.listen(channel, (payload) => handlers.onMessage(payload));
      return {
        stop: () => stop(),
        reconnect: () => {
          handlers.onLost?.();
          handlers.onRestored?.();
        },
      };
    },
    close: () => db.close(),
    dump: () => db.dumpDataDir('none'),
  };
}

export interface PostgresOptions {
  connectionString: string;
  /** Schema to put first on the search_path (tests use a fresh schema per run). */
  schema?: string;
  max?: number;
}

// node-postgres loads only when a PostgreSQL server is used: a start on the embedded database is spared it.
const loadPg = async () => (await import('pg')).default;

export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const pg = await loadPg();
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema},public` } : {}),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID || oid === NUMERIC_OID
          ? toNumber
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const wrap = (q: pg.Pool | pg.PoolClient): Omit<Queryable, 'transaction'> => ({
    async query<T>(sql: string, params?: unknown[], prepared?: boolean) {
      if (prepared) return (await q.query({ name: statementName(sql), text: sql, values: params ?? [] })).rows as T[];
      return (await q.query(sql, params)).rows as T[];
    },
    async exec(sql: string) {
      await q.query(sql);
    },
  });
  await pool.query('SELECT 1');
  return {
    kind: 'postgres',
    ...wrap(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const inner: Queryable = { ...wrap(client), transaction: (nested) => nested(inner) };
        const result = await fn(inner);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    listen: (channel, handlers) => listenPostgres(options, channel, handlers),
    close: () => pool.end(),
  };
}

/**
 * A prepared statement's name: a hash of its text, so two texts never share a name (node-postgres refuses that)
 * and the same text has the same name on every connection.
 */
const statementNames = new Map<string, string>();
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `lyceum_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    // Statements marked prepared are a few fixed texts (and their variants): this bound is never reached.
    if (statementNames.size < 1_000) statementNames.set(sql, name);
  }
  return name;
}

const RECONNECT_DELAY_MS = 1_000;
/** TCP keep-alive probes on the listening connection start after this much silence (a dead peer is noticed). */
const KEEPALIVE_DELAY_MS = 10_000;

/**
 * LISTEN needs a connection of its own for as long as we listen. When it drops (or is found dead and
 * dropped on purpose), notifications sent meanwhile are lost: we report the loss, reconnect until LISTEN
 * succeeds again, and report that too, so the caller can forget what it may have missed.
 */
async function listenPostgres(options: PostgresOptions, channel: string, handlers: ListenHandlers): Promise<Listener> {
  const pg = await loadPg();
  let client: pg.Client | undefined;
  let stopped = false;
  let lost = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const connectionName = `lyceum listener ${process.pid} ${randomBytes(4).toString('hex')}`;
  const connect = async (): Promise<void> => {
    const next = new pg.Client({
      connectionString: options.connectionString,
      application_name: connectionName,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
    });
    next.on('notification', (message) => {
      if (message.channel === channel && client === next) handlers.onMessage(message.payload ?? '');
    });
    next.on('error', () => drop(next));
    next.on('end', () => drop(next));
    try {
      await next.connect();
      await next.query(`LISTEN "${channel.replace(/"/g, '')}"`);
    } catch (error) {
      next.end().catch(() => {});
      throw error;
    }
    if (stopped) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    if (lost) {
      lost = false;
      handlers.onRestored?.();
    }
  };
  const retryLater = () => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch(retryLater);
    }, RECONNECT_DELAY_MS);
    retry.unref();
  };
  const drop = (which: pg.Client | undefined) => {
    if (stopped || which !== client) return;
    client = undefined;
    which?.end().catch(() => {});
    if (!lost) {
      lost = true;
      handlers.onLost?.();
    }
    retryLater();
  };
  await connect();
  return {
    connectionName,
    async stop() {
      stopped = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
    },
    reconnect() {
      drop(client);
    },
  };
}
