// `npm run import -- forum.tar.gz`: restores an archive from `npm run export` into an empty database.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ArchiveError } from '../src/archive/format.js';
import { importForum } from '../src/archive/import.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { renderPoolOptions, startRenderPool, stopRenderPool } from '../src/content/pool.js';
import { openPglite, openPostgres } from '../src/db/database.js';
import { acquireDataDirLock, DataDirLockedError } from '../src/db/lock.js';
import { pgliteDir } from '../src/db/open.js';
import { rerenderStoredContent } from '../src/rerender/rerender.js';
import { summarize } from '../src/rerender/summary.js';
import { formatCount, formatDuration, streamProgress } from '../src/synthetic/progress.js';

const USAGE = `Usage: npm run import -- FILE.tar.gz

Restores a forum archive written by \`npm run export\` into an empty database (DATABASE_URL, or the embedded
database in DATA_DIR: use a new folder). Ids, times, slugs and links are kept; stored HTML is rendered again
by this version's pipeline. A refused or broken archive leaves the database empty.`;

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

let file: string | undefined;
try {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { help: { type: 'boolean' } } });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (positionals.length !== 1) throw new Error('Name one archive to import.');
  file = positionals[0];
} catch (error) {
  fail(`${(error as Error).message}\n\n${USAGE}`, 2);
}
if (!fs.existsSync(file!)) fail(`There is no file ${file}.`, 1);

try {
  const config = loadConfig();
  // Opened without migrating: the import migrates the new database to the archive's schema first.
  let release = () => {};
  const db = config.databaseUrl
    ? await openPostgres({ connectionString: config.databaseUrl })
    : await (async () => {
        const lock = await acquireDataDirLock(config.dataDir);
        release = () => lock.release();
        return openPglite(pgliteDir(config.dataDir));
      })();
  const started = performance.now();
  try {
    console.error(
      `Importing ${file} into ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`}…`,
    );
    const { manifest, rows } = await importForum(db, fs.createReadStream(file!), { progress: streamProgress() });
    console.error(
      `Imported ${formatCount(rows)} rows of ${manifest.tables.length} tables (exported ${manifest.exportedAt}).`,
    );
    await startRenderPool({ ...renderPoolOptions(config), maxQueue: Number.POSITIVE_INFINITY });
    try {
      const report = await rerenderStoredContent(db, { progress: streamProgress(), baseUrl: config.baseUrl });
      for (const line of summarize(report)) console.error(line);
    } finally {
      await stopRenderPool();
    }
    if (!manifest.withSecrets) console.error('The archive had no password hashes: members must set new passwords.');
    console.error(`Done in ${formatDuration(performance.now() - started)}.`);
  } finally {
    await db.close();
    release();
  }
} catch (error) {
  if (error instanceof ArchiveError || error instanceof ConfigError || error instanceof DataDirLockedError) {
    fail(error.message, 1);
  }
  throw error;
}
