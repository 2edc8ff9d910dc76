import type { Queryable } from '../db/database.js';
import type { PhaseProgress } from '../synthetic/progress.js';

/**
 * A batch also ends once its Markdown passes this many characters, so a run of 200,000-character posts does not
 * hold a hundred of them (and their HTML, often several times larger) in memory at once.
 */
export const BATCH_MARKDOWN_CHARS = 2_000_000;

/**
 * One keyset page of `inner`, a query whose `$1` is the last id seen and `$2` the most rows, ordered by id, with
 * a `chars` column: the page is cut where the rows' `chars` pass `maxChars` (after at least one row). Keyset, not
 * OFFSET: each page is an index range scan however far the run has got, and rows added meanwhile are not skipped.
 */
export async function keysetPage<Row extends { id: string }>(
  db: Queryable,
  inner: string,
  after: string,
  rows: number,
  maxChars = BATCH_MARKDOWN_CHARS,
): Promise<Row[]> {
  return db.query<Row>(
    `SELECT * FROM (SELECT page.*, sum(page.chars) OVER (ORDER BY page.id) - page.chars AS chars_before
                      FROM (${inner}) page) cut
      WHERE chars_before < $3
      ORDER BY id`,
    [after, rows, maxChars],
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
 * Runs the steps over every row in keyset order, as a pipeline: a batch's rows are fetched while the one before is
 * prepared, and prepared while the one before is applied, so the render workers keep busy while the database
 * reads and writes. At most three batches are held at once.
 */
export async function inBatches<Row extends { id: string }, Prepared>(
  steps: BatchSteps<Row, Prepared>,
  bar: PhaseProgress,
): Promise<void> {
  // Each promise started ahead is awaited later; until then a failure must not count as unhandled.
  const ahead = <T>(promise: Promise<T>) => {
    promise.catch(() => {});
    return promise;
  };
  let rows = await steps.fetch('');
  let prepared = ahead(steps.prepare(rows));
  while (rows.length > 0) {
    const nextRows = ahead(steps.fetch(rows.at(-1)!.id));
    const ready = await prepared;
    const upcoming = await nextRows;
    prepared = ahead(steps.prepare(upcoming));
    await steps.apply(ready, rows);
    bar.add(rows.length);
    rows = upcoming;
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
