import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** Something SQL can be sent to: the database itself or an open transaction. */
export interface Queryable {
  /** One parameterized statement; returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs fn in one transaction: committed when it resolves, rolled back when it throws. Inside a transaction
   * this joins the open one, so services compose (the demo loader runs many of them as one transaction).
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Calls onMessage with each NOTIFY payload on the channel (from any process sharing the database) and
   * onReset when notifications may have been missed (a dropped listening connection). Returns a stop function.
   */
  listen(channel: string, onMessage: (payload: string) => void, onReset?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

// int8 (count(*), bigserial) arrives as a string from pg and may vary in PGlite: both drivers hand the
// app JS numbers. Our counters stay far below 2^53.
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const toNumber = (value: string) => Number(value);

export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const db = new PGlite(dataDir, {
    parsers: { [INT8_OID]: toNumber, [NUMERIC_OID]: toNumber },
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
    async listen(channel, onMessage) {
      const stop = await db.listen(channel, onMessage);
      return () => stop();
    },
    close: () => db.close(),
  };
}

export interface PostgresOptions {
  connectionString: string;
  /** Schema to put first on the search_path (tests use a fresh schema per run). */
  schema?: string;
  max?: number;
}

export async function openPostgres(options: PostgresOptions): Promise<Database> {
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
    async query<T>(sql: string, params?: unknown[]) {
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
    listen: (channel, onMessage, onReset) => listenPostgres(options, channel, onMessage, onReset),
    close: () => pool.end(),
  };
}

const RECONNECT_DELAY_MS = 1_000;

/**
 * LISTEN needs a connection of its own for as long as we listen. When it drops, notifications sent meanwhile
 * are lost, so we report a reset (the cache then forgets everything) and reconnect.
 */
async function listenPostgres(
  options: PostgresOptions,
  channel: string,
  onMessage: (payload: string) => void,
  onReset?: () => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  const reconnectLater = () => {
    if (stopped) return;
    onReset?.();
    setTimeout(() => void connect().catch(reconnectLater), RECONNECT_DELAY_MS).unref();
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: options.connectionString });
    next.on('notification', (message) => {
      if (message.channel === channel) onMessage(message.payload ?? '');
    });
    next.on('error', () => {
      next.end().catch(() => {});
      reconnectLater();
    });
    await next.connect();
    await next.query(`LISTEN "${channel.replace(/"/g, '')}"`);
    client = next;
  };
  await connect();
  return async () => {
    stopped = true;
    await client?.end().catch(() => {});
  };
}
