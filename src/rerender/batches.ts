import type { Queryable } from '../db/database.js';
import type { PhaseProgress } from '../synthetic/progress.js';

/**
 * A batch also ends once its Markdown passes this many characters, so a run of 200,000-character posts does not
 * hold a hundred of them (and their HTML, often several times larger) in memory at once.
 */
export const BATCH_MARKDOWN_CHARS = 2_000_000;

/**
 * One keyset page of `inner`, a query whose `$1` is the last id seen and `$2` the most rows, ordered by id, with
 * a `chars` column: the page is cut where the rows' `chars` pass `$3` (after at least one row). Keyset, not
 * OFFSET: each page is an index range scan however far the run has got, and rows added meanwhile are not skipped.
 */
export async function keysetPage<Row extends { id: string }>(
  db: Queryable,
  inner: string,
  after: string,
  rows: number,
  params: unknown[] = [],
): Promise<Row[]> {
  return db.query<Row>(
    `SELECT * FROM (SELECT page.*, sum(page.chars) OVER (ORDER BY page.id) - page.chars AS chars_before
                      FROM (${inner}) page) cut
      WHERE chars_before < $3
      ORDER BY id`,
    [after, rows, BATCH_MARKDOWN_CHARS, ...params],
  );
}

export interface BatchSteps<Row extends { id: string }, Prepared> {
  /** The rows after `after` (by id), or none when done. */
  fetch(after: string): Promise<Row[]>;
  /** Work that needs no transaction (rendering). */
  prepare(rows: Row[]): Promise<Prepared>;
  /** Compares and writes: one transaction per batch. */
  apply(prepared: Prepared, rows: Row[]): Promise<void>;
}

/**
 * Runs the steps over every row in keyset order. The next batch is fetched and prepared while the current one is
 * applied, so the render workers keep busy while the database writes.
 */
export async function inBatches<Row extends { id: string }, Prepared>(
  steps: BatchSteps<Row, Prepared>,
  bar: PhaseProgress,
): Promise<void> {
  const load = async (after: string) => {
    const rows = await steps.fetch(after);
    return rows.length === 0 ? undefined : { rows, prepared: await steps.prepare(rows) };
  };
  let next = load('');
  for (;;) {
    const current = await next;
    if (!current) return;
    next = load(current.rows.at(-1)!.id);
    // Awaited on the next turn of the loop; a failed apply must not leave it as an unhandled rejection.
    next.catch(() => {});
    await steps.apply(current.prepared, current.rows);
    bar.add(current.rows.length);
  }
}

/** fn over every item with at most `limit` running at once, results in order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < items.length) {
      const i = nextIndex++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
