// `npm run rerender`: bring every stored rendering (posts, revisions, comments, sequence descriptions, bios) up to
// the current Markdown pipeline, and fill missing revision diffs. `npm run rerender -- --help` for options.
import { ConfigError, loadConfig } from '../src/config.js';
import { startRenderPool, stopRenderPool } from '../src/content/pool.js';
import { DataDirLockedError } from '../src/db/lock.js';
import { openDatabase } from '../src/db/open.js';
import { parseRerenderArgs, type RerenderArgs, USAGE, UsageError } from '../src/rerender/options.js';
import { rerenderStoredContent } from '../src/rerender/rerender.js';
import { summarize } from '../src/rerender/summary.js';
import { formatDuration, streamProgress } from '../src/synthetic/progress.js';

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

let args: RerenderArgs;
try {
  args = parseRerenderArgs(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) fail(`${error.message}\n\n${USAGE}`, 2);
  throw error;
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

try {
  const config = loadConfig();
  const target = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`;
  const { db } = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl }).catch(
    (error: Error) => {
      if (error instanceof DataDirLockedError) throw error;
      fail(`Could not open ${target}: ${error.message}. Nothing was re-rendered.`, 1);
    },
  );
  // Every core renders by default (--workers leaves some to a database or servers on this machine). The queue is
  // unbounded because the command itself keeps only a few renders per worker in flight.
  const pool = await startRenderPool({
    size: args.workers,
    maxQueue: Number.POSITIVE_INFINITY,
    timeoutMs: config.renderTimeoutMs,
  });
  const started = performance.now();
  try {
    console.error(
      `${args.dryRun ? 'Dry run: checking' : 'Re-rendering'} stored content in ${target} with ${args.workers} render ` +
        `worker${args.workers === 1 ? '' : 's'}, ${args.batchSize} rows per batch…`,
    );
    const report = await rerenderStoredContent(db, {
      dryRun: args.dryRun,
      batchSize: args.batchSize,
      baseUrl: config.baseUrl,
      pool,
      progress: streamProgress(),
    });
    const took = formatDuration(performance.now() - started);
    console.log(
      args.dryRun
        ? `Dry run in ${took}: nothing was written. What the current pipeline would change:`
        : `Re-rendered stored content in ${took}:`,
    );
    for (const line of summarize(report)) console.log(line);
    if (report.failures.length > 0) {
      console.error(
        `\n${report.failures.length} row${report.failures.length === 1 ? '' : 's'} could not be rendered and ` +
          'kept their stored HTML (a render past RENDER_TIMEOUT_MS may pass with a higher limit):',
      );
      for (const f of report.failures) console.error(`  ${f.table} ${f.id}: ${f.message}`);
      process.exitCode = 1;
    }
  } finally {
    await stopRenderPool();
    await db.close();
  }
} catch (error) {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) fail(error.message, 1);
  // Batches already committed stay (each was its own transaction); running again picks up what is left.
  fail(`The rerender stopped: ${(error as Error).stack ?? error}\nBatches already written are kept.`, 1);
}
