// `npm run export -- --out forum.tar.gz [--with-secrets]`: the whole forum as a portable archive (src/archive/).
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { exportForum } from '../src/archive/export.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { DataDirLockedError } from '../src/db/lock.js';
import { openDatabase } from '../src/db/open.js';
import { formatCount, formatDuration, streamProgress } from '../src/synthetic/progress.js';

const USAGE = `Usage: npm run export -- --out FILE.tar.gz [--with-secrets]

Writes the whole forum (DATABASE_URL, or the embedded database in DATA_DIR) as a gzipped tar: a JSON manifest and
every table's rows, and each post, revision and comment as a Markdown file with front matter.
  --out FILE        where to write the archive (required; "-" for standard output)
  --with-secrets    keep password hashes (a backup to restore); without it, members set new passwords`;

function fail(message: string, code: number): never {
  console.error(message);
  process.exit(code);
}

let values: { out?: string; 'with-secrets'?: boolean; help?: boolean };
try {
  ({ values } = parseArgs({
    options: { out: { type: 'string' }, 'with-secrets': { type: 'boolean' }, help: { type: 'boolean' } },
  }));
} catch (error) {
  fail(`${(error as Error).message}\n\n${USAGE}`, 2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.out) fail(`--out is required.\n\n${USAGE}`, 2);

try {
  const config = loadConfig();
  const { db } = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const toStdout = values.out === '-';
  const partial = `${values.out}.partial`;
  const out = toStdout ? process.stdout : fs.createWriteStream(partial);
  const started = performance.now();
  try {
    const { manifest, files } = await exportForum(db, out, {
      withSecrets: values['with-secrets'] === true,
      progress: streamProgress(),
    });
    // Written under another name first, so a broken export never looks like a finished archive.
    if (!toStdout) fs.renameSync(partial, values.out);
    const rows = manifest.tables.reduce((sum, t) => sum + t.rows, 0);
    console.error(
      `Exported ${formatCount(rows)} rows of ${manifest.tables.length} tables and ${formatCount(files)} files ` +
        `to ${toStdout ? 'standard output' : values.out} in ${formatDuration(performance.now() - started)}` +
        `${manifest.withSecrets ? ' (with password hashes: keep it private)' : ' (without password hashes)'}.`,
    );
  } catch (error) {
    if (!toStdout) fs.rmSync(partial, { force: true });
    throw error;
  } finally {
    await db.close();
  }
} catch (error) {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) fail(error.message, 1);
  throw error;
}
