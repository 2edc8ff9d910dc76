// `npm run worker`: runs the job queue (mail, notifications) in a process of its own, for an operator who sets
// JOBS_IN_PROCESS=false on the web processes. With the embedded database only one process may open DATA_DIR, so
// there the server's in-process worker is the way (this command is refused while the server runs).
import pino from 'pino';
import { ConfigError, loadConfig } from '../src/config.js';
import { DataDirLockedError } from '../src/db/lock.js';
import { openDatabase } from '../src/db/open.js';
import { registerJobs } from '../src/jobs/start.js';
import { startJobWorker } from '../src/jobs/worker.js';

try {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel, base: { pid: process.pid } });
  const { db } = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  registerJobs(config, logger);
  const worker = await startJobWorker(db, logger);
  logger.info({ database: db.kind }, 'job worker started');
  const stop = async (signal: string) => {
    logger.info({ signal }, 'job worker finishing its current job');
    await worker.stop();
    await db.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
} catch (error) {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
