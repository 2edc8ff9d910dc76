import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPglite } from '../../src/db/database.js';
import { migrate, readMigrations } from '../../src/db/migrate.js';

/**
 * A migrated, empty embedded database, dumped once per set of migrations (vitest's global setup makes it) so that
 * each test file starts from it instead of creating and migrating a cluster of its own (about 2.5 s a file here).
 */
const CACHE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node_modules/.cache/lyceum-tests');

export function templatePath(): string {
  const hash = createHash('sha256');
  for (const migration of readMigrations()) hash.update(migration.version).update(migration.sql);
  return path.join(CACHE_DIR, `pglite-${hash.digest('hex').slice(0, 16)}.tar`);
}

/** Makes the template unless one for these migrations exists already. */
export async function ensureTemplate(): Promise<string> {
  const file = templatePath();
  if (fs.existsSync(file)) return file;
  const db = await openPglite(undefined);
  await migrate(db);
  const dump = await db.dump();
  await db.close();
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  // Written aside and renamed, so a test never reads half a file.
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  fs.renameSync(partial, file);
  return file;
}

/** The template as PGlite loads it, if the global setup made one. */
export function loadTemplate(): Blob | undefined {
  const file = templatePath();
  return fs.existsSync(file) ? new Blob([fs.readFileSync(file)]) : undefined;
}
