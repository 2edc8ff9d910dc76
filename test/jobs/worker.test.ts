import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { enqueue, registerJob, runDueJobs } from '../../src/jobs/queue.js';
import { startJobWorker } from '../../src/jobs/worker.js';
import { useTestDatabase } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';

const { db } = useTestDatabase();
const logger = pino({ level: 'silent' });

describe('the job worker', () => {
  it('runs a job as soon as its transaction commits (NOTIFY), long before its next poll, and drains on stop', async () => {
    const ran: string[] = [];
    registerJob<{ name: string }>('test-worker', async (job) => {
      ran.push(job.payload.name);
      return undefined;
    });
    const worker = await startJobWorker(db, logger, { pollMs: 60_000 });
    try {
      await db.transaction(async (tx) => {
        await enqueue(tx, 'test-worker', { name: 'first' });
      });
      await eventually(async () => ran.includes('first'), 5);
    } finally {
      await worker.stop();
    }
    await enqueue(db, 'test-worker', { name: 'after stop' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ran).toEqual(['first']);
  });

  it('runs each job once when several workers claim at the same time', async () => {
    const runs = new Map<number, number>();
    registerJob<{ n: number }>('test-concurrent', async (job) => {
      runs.set(job.payload.n, (runs.get(job.payload.n) ?? 0) + 1);
      return undefined;
    });
    for (let n = 0; n < 20; n++) await enqueue(db, 'test-concurrent', { n });
    await Promise.all([runDueJobs(db), runDueJobs(db), runDueJobs(db)]);
    expect(runs.size).toBe(20);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
  });
});

describe('the worker and mail settings', () => {
  it('runs jobs in the server unless JOBS_IN_PROCESS is false; mail comes from BASE_URL’s host unless MAIL_FROM says', () => {
    expect(loadConfig({}).jobsInProcess).toBe(true);
    expect(loadConfig({ JOBS_IN_PROCESS: 'false' }).jobsInProcess).toBe(false);
    expect(() => loadConfig({ JOBS_IN_PROCESS: 'no' })).toThrow(/JOBS_IN_PROCESS/);
    expect(loadConfig({ BASE_URL: 'https://forum.example.org' }).mailFrom).toBe('Lyceum <noreply@forum.example.org>');
    expect(loadConfig({ MAIL_FROM: 'Our Forum <forum@example.org>' }).mailFrom).toBe('Our Forum <forum@example.org>');
    expect(loadConfig({}).smtpUrl).toBeUndefined();
    expect(() => loadConfig({ SMTP_URL: 'not a url' })).toThrow(/SMTP_URL/);
  });
});
