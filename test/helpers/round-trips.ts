import type { Queryable } from '../../src/db/database.js';

/**
 * The database handle `db` with a count of what goes through it: each query is one round trip, and each
 * transaction adds two more (BEGIN and COMMIT on a server) and holds its locks across all of them.
 */
export function countingRoundTrips(db: Queryable): {
  db: Queryable;
  counts: { queries: number; transactions: number };
} {
  const counts = { queries: 0, transactions: 0 };
  const wrap = (q: Queryable): Queryable => ({
    query: <T>(sql: string, params?: unknown[], prepared?: boolean) => {
      counts.queries++;
      return q.query<T>(sql, params, prepared);
    },
    exec: (sql: string) => {
      counts.queries++;
      return q.exec(sql);
    },
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => {
      counts.transactions++;
      return q.transaction((tx) => fn(wrap(tx)));
    },
  });
  return { db: wrap(db), counts };
}
