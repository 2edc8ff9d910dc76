import type { Queryable } from '../db/database.js';
import type { Progress } from './progress.js';

/** A column sent as one array parameter: its SQL array type and its value for row i. */
export interface Column {
  name: string;
  type: 'text' | 'int4' | 'int2' | 'float8' | 'bool';
  value: (i: number) => string | number | boolean | null;
}

export const text = (name: string, value: Column['value']): Column => ({ name, type: 'text', value });
export const int = (name: string, value: Column['value']): Column => ({ name, type: 'int4', value });
export const smallint = (name: string, value: Column['value']): Column => ({ name, type: 'int2', value });
export const bool = (name: string, value: (i: number) => boolean): Column => ({ name, type: 'bool', value });
/** A time (epoch ms, NaN for NULL) sent as epoch seconds; select it with to_timestamp(r.<name>). */
export const time = (name: string, ms: (i: number) => number): Column => ({
  name,
  type: 'float8',
  value: (i) => {
    const t = ms(i);
    return Number.isNaN(t) ? null : t / 1000;
  },
});

/** `unnest($1::text[], …) AS r(a, …)`: the row source of a batched INSERT … SELECT, one array per column. */
export function unnestRows(columns: Column[], firstParam = 1): string {
  const arrays = columns.map((c, i) => `$${firstParam + i}::${c.type}[]`).join(', ');
  return `unnest(${arrays}) AS r(${columns.map((c) => c.name).join(', ')})`;
}

export interface BatchInsert {
  phase: string;
  /** Rows to insert; row n of the load is `order(n)` (so rows can go in time order). */
  rows: number;
  order?: (n: number) => number;
  columns: Column[];
  /** The statement; its first parameters are the column arrays, then `extra`. */
  sql: string;
  extra?: unknown[];
  batchSize: number;
}

/**
 * Inserts rows in multi-row statements of batchSize rows, building the next batch's arrays while the database
 * writes the previous one. Returns the rows inserted.
 */
export async function insertInBatches(tx: Queryable, progress: Progress, spec: BatchInsert): Promise<number> {
  const bar = progress.phase(spec.phase, spec.rows);
  let inflight: Promise<unknown> | undefined;
  let inflightRows = 0;
  for (let from = 0; from < spec.rows; from += spec.batchSize) {
    const to = Math.min(spec.rows, from + spec.batchSize);
    const params: unknown[] = spec.columns.map((column) => {
      const values = new Array(to - from);
      for (let n = from; n < to; n++) values[n - from] = column.value(spec.order ? spec.order(n) : n);
      return values;
    });
    if (spec.extra) params.push(...spec.extra);
    if (inflight) {
      await inflight;
      bar.add(inflightRows);
    }
    inflight = tx.query(spec.sql, params);
    // Awaited on the next turn; this keeps a failure meanwhile from being reported as unhandled.
    inflight.catch(() => {});
    inflightRows = to - from;
  }
  if (inflight) {
    await inflight;
    bar.add(inflightRows);
  }
  bar.done();
  return spec.rows;
}
