// `npm run db:move -- --to postgres://…`: copies the embedded forum in DATA_DIR to an empty PostgreSQL database.
import { parseArgs } from 'node:util';
import { ArchiveError } from '../src/archive/format.js';
import { moveForum } from '../src/archive/move.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { openPostgres } from '../src/db/database.js';
import { DataDirLockedError } from '../src/db/lock.js';
import { openDatabase } from '../src/db/open.js';
import { formatCount, formatDuration, streamProgress } from '../src/synthetic/progress.js';

const USAGE = `Usage: npm run db:move -- --to postgres://user@host:5432/database

Copies the forum from the embedded database in DATA_DIR to an empty PostgreSQL database, with the server stopped
(the embedded database's lock refuses the move while a server holds it), checks every table's row count, and
prints the DATABASE_URL to start the forum with. The embedded database is left as it was.`;

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

let to: string | undefined;
try {
  const { values } = parseArgs({ options: { to: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  to = values.to;
  if (!to || !/^postgres(ql)?:\/\//.test(to)) throw new Error('--to must be a postgres:// URL.');
} catch (error) {
  fail(`${(error as Error).message}\n\n${USAGE}`, 2);
}

try {
  const config = loadConfig({ ...process.env, DATABASE_URL: '' });
  const { db: source } = await openDatabase({ dataDir: config.dataDir });
  const started = performance.now();
  try {
    const target = await openPostgres({ connectionString: to! }).catch((error: Error) =>
      fail(`Could not connect to ${redact(to!)}: ${error.message}. Nothing was copied.`, 1),
    );
    try {
      console.error(`Copying the forum in ${config.dataDir} to ${redact(to!)}…`);
      const { tables } = await moveForum(source, target, { progress: streamProgress() });
      const rows = tables.reduce((sum, t) => sum + t.rows, 0);
      console.error(
        `Copied ${formatCount(rows)} rows of ${tables.length} tables in ${formatDuration(performance.now() - started)}; ` +
          'every count matches.',
      );
      console.log(`Start the forum on PostgreSQL with:\n  DATABASE_URL=${to} npm start`);
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
} catch (error) {
  if (error instanceof ArchiveError || error instanceof ConfigError || error instanceof DataDirLockedError) {
    fail(error.message, 1);
  }
  throw error;
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the database';
  }
}
