import type { Queryable } from '../db/database.js';

/*
 * The job queue: a table of our own (migration 0023) rather than pg-boss or graphile-worker.
 * - graphile-worker needs a node-postgres Pool and a dedicated LISTEN client: it cannot run on PGlite at all.
 * - pg-boss 10 does run on PGlite behind a custom `executeSql` adapter (tried), but not through our Queryable:
 *   its schema install and upgrades send multi-statement scripts whose results it reads, and its schema lives
 *   outside our migrations (so `db:move`, export and the tests' migrated template would not carry it). Its
 *   `singletonKey` only deduplicates jobs still queued, so "never two emails for one event" would need a table
 *   of our own anyway, and its maintenance and monitoring timers would run in every process.
 * One table claimed with FOR UPDATE SKIP LOCKED behaves the same on both backends, joins the caller's
 * transaction through the one Queryable, and is a page of code.
 */

/** Retries after a failure wait BASE · 2^(attempts-1), at most MAX: 30 s, 1 min, 2 min, … */
export const RETRY_BASE_MS = 30_000;
export const RETRY_MAX_MS = 6 * 3_600_000;
export const DEFAULT_MAX_ATTEMPTS = 5;
/** How long a claimed job is a worker's before another may take it (a worker that died mid-job). */
export const LEASE_MS = 5 * 60_000;

/** Enqueued jobs are announced here (at commit), so an idle worker starts at once rather than at its next poll. */
export const JOBS_CHANNEL = 'lyceum_jobs';

export interface EnqueueOptions {
  /**
   * Idempotency key: a job whose key was enqueued before is not enqueued again (for as long as its row is kept,
   * deleteOldJobs; mail also records each key it sent for good, mail_messages).
   */
  key?: string;
  /** Not before this time (default: now). */
  runAt?: Date;
  /** Attempts before the job is kept as failed (default DEFAULT_MAX_ATTEMPTS). */
  maxAttempts?: number;
}

export interface Job<P = unknown> {
  id: number;
  kind: string;
  payload: P;
  key: string | null;
  /** 1 on the first run. */
  attempt: number;
}

/**
 * What runs a kind of job. It does its work on `db` (no transaction is open: on PGlite an open one would stop
 * every request while, say, an SMTP server answers) and may return a finisher, run in the transaction that marks
 * the job done, so a record like "this mail was sent" commits with that mark or not at all. Throwing schedules a
 * retry.
 */
export type JobHandler<P = unknown> = (
  job: Job<P>,
  db: Queryable,
) => Promise<undefined | ((tx: Queryable) => Promise<void>)>;

const handlers = new Map<string, JobHandler>();

/** Registers the handler of a kind of job (once per kind, at module load). */
export function registerJob<P>(kind: string, handler: JobHandler<P>): void {
  handlers.set(kind, handler as JobHandler);
}

export function jobHandler(kind: string): JobHandler | undefined {
  return handlers.get(kind);
}

/**
 * Enqueues a job. Pass the caller's transaction as `db` so the job commits or rolls back with the write that
 * causes it. Returns the job's id, or null when a job with the same key was enqueued before (idempotent).
 */
export async function enqueue(
  db: Queryable,
  kind: string,
  payload: unknown,
  options: EnqueueOptions = {},
): Promise<number | null> {
  const rows = await db.query<{ id: number }>(
    insertJobs('VALUES ($1, $2::jsonb, $3, COALESCE($4::timestamptz, now()), $5)'),
    [
      kind,
      JSON.stringify(payload ?? {}),
      options.key ?? null,
      options.runAt ?? null,
      options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    ],
  );
  const id = rows[0]?.id ?? null;
  // Delivered when the caller's transaction commits, and not at all if it rolls back.
  if (id !== null && !(options.runAt && options.runAt.getTime() > Date.now())) {
    await db.query('SELECT pg_notify($1, $2)', [JOBS_CHANNEL, kind]);
  }
  return id;
}

/**
 * The INSERT enqueueing jobs from `rows` (kind, payload, key, run_at, max_attempts), returning the ids of those
 * not enqueued before: enqueue's, and a fan-out statement's for the emails it causes (notifications/fanout.ts),
 * which then announces them on JOBS_CHANNEL itself.
 */
export function insertJobs(rows: string): string {
  return `INSERT INTO jobs (kind, payload, key, run_at, max_attempts) ${rows} ON CONFLICT (key) DO NOTHING RETURNING id`;
}

/** The wait before retry number `attempts` (1 after the first failure). */
export function retryDelayMs(attempts: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

interface ClaimedRow {
  id: number;
  kind: string;
  payload: unknown;
  key: string | null;
  attempts: number;
  maxAttempts: number;
}

/**
 * Claims the next due job: leases it for LEASE_MS and counts the attempt, in one statement. SKIP LOCKED lets
 * workers in several processes claim different jobs at once instead of queueing behind one another's row locks.
 */
async function claimNext(db: Queryable, kinds: string[]): Promise<ClaimedRow | undefined> {
  const rows = await db.query<ClaimedRow>(
    `UPDATE jobs SET attempts = attempts + 1, locked_until = now() + make_interval(secs => $1::double precision / 1000)
      WHERE id = (
        SELECT id FROM jobs
         WHERE state = 'waiting' AND run_at <= now() AND (locked_until IS NULL OR locked_until <= now())
           AND kind = ANY($2::text[])
         ORDER BY run_at, id
         LIMIT 1
         FOR UPDATE SKIP LOCKED)
      RETURNING id, kind, payload, key, attempts, max_attempts AS "maxAttempts"`,
    [LEASE_MS, kinds],
  );
  return rows[0];
}

/**
 * Runs one claimed job: its handler, then its finisher and the "done" mark in one transaction; on failure, schedules the retry
 * (run_at pushed back by retryDelayMs) or, after maxAttempts, keeps it as failed with its last error.
 */
async function runClaimed(db: Queryable, row: ClaimedRow): Promise<'done' | 'retry' | 'failed'> {
  const handler = handlers.get(row.kind);
  try {
    if (!handler) throw new Error(`no handler for jobs of kind "${row.kind}"`);
    const job = { id: row.id, kind: row.kind, payload: row.payload, key: row.key, attempt: row.attempts };
    const finish = await handler(job, db);
    await db.transaction(async (tx) => {
      await finish?.(tx);
      await tx.query(
        `UPDATE jobs SET state = 'done', finished_at = now(), locked_until = NULL, last_error = NULL WHERE id = $1`,
        [row.id],
      );
    });
    return 'done';
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 2_000);
    const failed = row.attempts >= row.maxAttempts;
    await db.query(
      `UPDATE jobs SET locked_until = NULL, last_error = $2,
              state = CASE WHEN $3 THEN 'failed' ELSE 'waiting' END,
              finished_at = CASE WHEN $3 THEN now() END,
              run_at = CASE WHEN $3 THEN run_at ELSE now() + make_interval(secs => $4::double precision / 1000) END
        WHERE id = $1`,
      [row.id, message, failed, retryDelayMs(row.attempts)],
    );
    return failed ? 'failed' : 'retry';
  }
}

export interface RunResult {
  done: number;
  retried: number;
  failed: number;
  errors: { id: number; kind: string; error: string }[];
}

/**
 * Runs due jobs one after another until none is due, `limit` ran, or `stopping()` says so (checked between jobs:
 * a worker told to stop finishes the job it runs and takes no other). Only kinds with a registered handler are
 * claimed, so a process that does not know a kind leaves it to one that does.
 */
export async function runDueJobs(
  db: Queryable,
  options: { limit?: number; stopping?: () => boolean } = {},
): Promise<RunResult> {
  const result: RunResult = { done: 0, retried: 0, failed: 0, errors: [] };
  const kinds = [...handlers.keys()];
  if (kinds.length === 0) return result;
  for (let i = 0; i < (options.limit ?? 100) && !options.stopping?.(); i++) {
    const row = await claimNext(db, kinds);
    if (!row) break;
    const outcome = await runClaimed(db, row);
    if (outcome === 'done') result.done++;
    else {
      if (outcome === 'retry') result.retried++;
      else result.failed++;
      const [job] = await db.query<{ error: string }>('SELECT last_error AS error FROM jobs WHERE id = $1', [row.id]);
      result.errors.push({ id: row.id, kind: row.kind, error: job?.error ?? '' });
    }
  }
  return result;
}

/** Forgets finished jobs older than `days` (failed ones are kept longer, for an operator to look at). */
export async function deleteOldJobs(db: Queryable, days = 14): Promise<number> {
  const rows = await db.query(
    `DELETE FROM jobs
      WHERE (state = 'done' AND finished_at < now() - make_interval(days => $1))
         OR (state = 'failed' AND finished_at < now() - make_interval(days => $1 * 4))
      RETURNING 1`,
    [days],
  );
  return rows.length;
}
