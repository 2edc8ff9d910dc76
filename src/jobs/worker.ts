import type { Logger } from 'pino';
import type { Database, Listener } from '../db/database.js';
import { deleteOldJobs, JOBS_CHANNEL, runDueJobs } from './queue.js';

/** How often an idle worker looks for due jobs (retries come due without anyone saying so). */
export const DEFAULT_POLL_MS = 2_000;
const CLEANUP_INTERVAL_MS = 3_600_000;
/** Jobs run in one go before the worker looks at its clock (old jobs to forget) again. */
const BATCH = 50;

export interface JobWorker {
  /** Looks for due jobs now instead of at the next poll. */
  wake(): void;
  /** Stops taking jobs and waits for the one running to finish (SIGTERM's drain). */
  stop(): Promise<void>;
}

/**
 * Runs due jobs until stopped: right after a job is enqueued (NOTIFY on JOBS_CHANNEL, sent by `enqueue`), and
 * every `pollMs` otherwise. Several workers, in this process's siblings or in `npm run worker`, share the queue
 * safely (jobs are claimed with SKIP LOCKED).
 */
export async function startJobWorker(
  db: Database,
  logger: Logger,
  options: { pollMs?: number; listen?: boolean } = {},
): Promise<JobWorker> {
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  let stopped = false;
  let wakeUp: (() => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending = false;
  let lastCleanup = 0;
  const wake = () => {
    pending = true;
    wakeUp?.();
  };
  const sleep = () =>
    new Promise<void>((resolve) => {
      wakeUp = resolve;
      timer = setTimeout(resolve, pollMs);
      timer.unref();
    }).finally(() => {
      clearTimeout(timer);
      wakeUp = undefined;
    });

  let listener: Listener | undefined;
  if (options.listen ?? true) {
    listener = await db.listen(JOBS_CHANNEL, { onMessage: wake, onRestored: wake });
  }

  const loop = async () => {
    while (!stopped) {
      pending = false;
      try {
        const result = await runDueJobs(db, { limit: BATCH, stopping: () => stopped });
        // A full batch: more may be due, so look again at once.
        if (result.done + result.retried + result.failed >= BATCH) pending = true;
        for (const e of result.errors) logger.warn({ job: e.id, kind: e.kind, error: e.error }, 'job failed');
        if (result.done > 0) logger.debug({ done: result.done }, 'jobs done');
        if (Date.now() - lastCleanup > CLEANUP_INTERVAL_MS) {
          lastCleanup = Date.now();
          await deleteOldJobs(db);
        }
      } catch (err) {
        // The database away for a moment: try again at the next poll.
        logger.error({ err }, 'job worker could not run jobs');
      }
      if (!stopped && !pending) await sleep();
    }
  };
  const running = loop();
  return {
    wake,
    async stop() {
      stopped = true;
      wakeUp?.();
      await running;
      await listener?.stop();
    },
  };
}
