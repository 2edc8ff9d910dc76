import { describe, expect, it } from 'vitest';
import { enqueue, RETRY_BASE_MS, registerJob, retryDelayMs, runDueJobs } from '../../src/jobs/queue.js';
import { useTestDatabase } from '../helpers/app.js';

const { db } = useTestDatabase();

interface JobRow {
  state: string;
  attempts: number;
  lastError: string | null;
  waitMs: number;
}

async function jobRow(id: number): Promise<JobRow> {
  const [row] = await db.query<JobRow>(
    `SELECT state, attempts, last_error AS "lastError",
            (extract(epoch FROM run_at - now()) * 1000)::float8 AS "waitMs"
       FROM jobs WHERE id = $1`,
    [id],
  );
  return row!;
}

/** Makes a waiting job due now (as the clock would after its backoff). */
async function makeDue(id: number) {
  await db.query(`UPDATE jobs SET run_at = now() WHERE id = $1`, [id]);
}

describe('the job queue', () => {
  it('retries a failing job with exponential backoff, then keeps it as failed with its error', async () => {
    let runs = 0;
    registerJob('test-always-fails', async () => {
      runs++;
      throw new Error(`broken ${runs}`);
    });
    const id = (await enqueue(db, 'test-always-fails', { n: 1 }, { maxAttempts: 3 }))!;

    const first = await runDueJobs(db);
    expect(first.retried).toBe(1);
    let row = await jobRow(id);
    expect(row).toMatchObject({ state: 'waiting', attempts: 1, lastError: 'broken 1' });
    expect(row.waitMs).toBeGreaterThan(RETRY_BASE_MS - 5_000);
    // Not due yet: nothing runs.
    expect((await runDueJobs(db)).retried).toBe(0);
    expect(runs).toBe(1);

    await makeDue(id);
    await runDueJobs(db);
    row = await jobRow(id);
    expect(row).toMatchObject({ state: 'waiting', attempts: 2, lastError: 'broken 2' });
    // The second wait is twice the first.
    expect(row.waitMs).toBeGreaterThan(2 * RETRY_BASE_MS - 5_000);

    await makeDue(id);
    const last = await runDueJobs(db);
    expect(last.failed).toBe(1);
    expect(await jobRow(id)).toMatchObject({ state: 'failed', attempts: 3, lastError: 'broken 3' });
    await makeDue(id);
    await runDueJobs(db);
    expect(runs).toBe(3);
    expect(retryDelayMs(1)).toBe(RETRY_BASE_MS);
    expect(retryDelayMs(3)).toBe(4 * RETRY_BASE_MS);
  });

  it('runs a job that fails once and then succeeds exactly once more', async () => {
    const seen: number[] = [];
    registerJob<{ n: number }>('test-flaky', async (job) => {
      seen.push(job.attempt);
      if (job.attempt === 1) throw new Error('temporary');
      return async (tx) => {
        await tx.query(`INSERT INTO app_secrets (name, secret) VALUES ($1, 'x')`, [`flaky-${job.payload.n}`]);
      };
    });
    const id = (await enqueue(db, 'test-flaky', { n: 7 }))!;
    await runDueJobs(db);
    await makeDue(id);
    expect((await runDueJobs(db)).done).toBe(1);
    await makeDue(id);
    await runDueJobs(db);
    expect(seen).toEqual([1, 2]);
    expect((await jobRow(id)).state).toBe('done');
    expect(await db.query(`SELECT 1 FROM app_secrets WHERE name = 'flaky-7'`)).toHaveLength(1);
  });

  it('enqueues a job once per key, and not at all when the enqueuing transaction rolls back', async () => {
    expect(await enqueue(db, 'test-keyed', {}, { key: 'event-1' })).not.toBeNull();
    expect(await enqueue(db, 'test-keyed', {}, { key: 'event-1' })).toBeNull();
    await expect(
      db.transaction(async (tx) => {
        await enqueue(tx, 'test-keyed', {}, { key: 'event-2' });
        throw new Error('the write failed');
      }),
    ).rejects.toThrow('the write failed');
    expect(await db.query(`SELECT key FROM jobs WHERE key LIKE 'event-%' ORDER BY key`)).toEqual([{ key: 'event-1' }]);
  });

  it('leaves a job leased to another worker alone until its lease runs out, then runs it', async () => {
    let runs = 0;
    registerJob('test-leased', async () => {
      runs++;
      return undefined;
    });
    const id = (await enqueue(db, 'test-leased', {}))!;
    // As a worker that claimed it and then died would leave it.
    await db.query(`UPDATE jobs SET attempts = 1, locked_until = now() + interval '1 minute' WHERE id = $1`, [id]);
    await runDueJobs(db);
    expect(runs).toBe(0);
    await db.query(`UPDATE jobs SET locked_until = now() - interval '1 second' WHERE id = $1`, [id]);
    await runDueJobs(db);
    expect(runs).toBe(1);
    expect(await jobRow(id)).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('does not run a job before its run_at', async () => {
    let ran = false;
    registerJob('test-later', async () => {
      ran = true;
      return undefined;
    });
    await enqueue(db, 'test-later', {}, { runAt: new Date(Date.now() + 60_000) });
    await runDueJobs(db);
    expect(ran).toBe(false);
  });
});
