import { createGunzip } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import type { Database, Queryable } from '../db/database.js';
import { migrate, readMigrations } from '../db/migrate.js';
import type { Progress } from '../synthetic/progress.js';
import { ArchiveError, MANIFEST_NAME, type Manifest, manifestSchema, tableOfEntry } from './format.js';
import { BATCH_ROWS, continueIdentities, countRows, type ForumTable, forumTables, writeBatch } from './tables.js';

/** The largest data entry read into memory at once (an export writes BATCH_ROWS rows per entry, far below). */
const MAX_ENTRY_BYTES = 256 * 1024 * 1024;

async function readEntry(stream: unknown, name: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_ENTRY_BYTES) throw new ArchiveError(`The archive entry ${name} is larger than any export writes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Why a database cannot take an import: it holds a forum already. */
async function refuseUnlessEmpty(db: Queryable): Promise<void> {
  const filled: string[] = [];
  for (const table of await forumTables(db)) {
    const rows = await countRows(db, table);
    if (rows > 0) filled.push(`${rows} ${table.name}`);
  }
  if (filled.length > 0) {
    throw new ArchiveError(
      `The database is not empty (${filled.slice(0, 5).join(', ')}${filled.length > 5 ? ', …' : ''}). ` +
        'An import restores a forum into an empty database only: point DATA_DIR at a new folder or DATABASE_URL at a new database.',
    );
  }
}

/** The archive's migrations must all be ours: an archive from a newer Lyceum could hold what this one cannot store. */
function checkMigrations(manifest: Manifest): void {
  const ours = new Map(readMigrations().map((m) => [m.version, `${m.version}_${m.name}`]));
  for (const applied of manifest.migrations) {
    const known = ours.get(applied.slice(0, 4));
    if (known === undefined) {
      throw new ArchiveError(
        `This archive comes from a newer version of Lyceum: its schema has migration ${applied}, which this version ` +
          'does not know. Update Lyceum, then import again.',
      );
    }
    if (known !== applied) {
      throw new ArchiveError(`This archive's schema migration ${applied} is not this Lyceum's ${known}.`);
    }
  }
}

/**
 * Restores an archive (format.ts) into an empty database. The database is migrated to the archive's schema first,
 * the rows are written in one transaction with triggers off (the archive's counters are already exact, and rows
 * referring to rows of the same table may come in any order), the row counts are checked against the manifest,
 * and then the migrations newer than the archive run, converting its data as they would have in place. A refused
 * or broken archive leaves the database empty, so the import can simply be run again.
 */
export async function importForum(
  db: Database,
  input: NodeJS.ReadableStream,
  options: { progress: Progress },
): Promise<{ manifest: Manifest; rows: number }> {
  const extract = tarExtract();
  const gunzip = createGunzip();
  const failed = new Promise<never>((_, reject) => {
    const refuse = (error: Error) =>
      reject(
        new ArchiveError(
          `The archive could not be read (${error.message}): it is damaged, cut short, or not a gzipped tar.`,
        ),
      );
    gunzip.on('error', refuse);
    extract.on('error', refuse);
    input.on('error', (error: Error) => reject(new ArchiveError(`The archive could not be read: ${error.message}`)));
  });
  failed.catch(() => undefined);
  input.pipe(gunzip).pipe(extract);
  const entries = extract[Symbol.asyncIterator]();
  const next = () => Promise.race([entries.next(), failed]);

  const first = await next();
  if (first.done || first.value.header.name !== MANIFEST_NAME) {
    throw new ArchiveError(
      `This is not a Lyceum forum archive: ${first.done ? 'it is empty' : `its first entry is ${first.value.header.name}, not ${MANIFEST_NAME}`}.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await Promise.race([readEntry(first.value, MANIFEST_NAME), failed]));
  } catch {
    throw new ArchiveError(`This is not a Lyceum forum archive: its ${MANIFEST_NAME} is not JSON.`);
  }
  const checked = manifestSchema.safeParse(parsed);
  if (!checked.success) {
    throw new ArchiveError(
      `This is not a Lyceum forum archive of a version this Lyceum reads: its manifest has ${checked.error.issues[0]?.path.join('.') || 'a field'} ${checked.error.issues[0]?.message ?? 'wrong'}.`,
    );
  }
  const manifest = checked.data;
  checkMigrations(manifest);

  // Bring a new database to the archive's schema (a migrated one keeps its own; columns are matched by name).
  const archived = new Set(manifest.migrations.map((m) => m.slice(0, 4)));
  await migrate(
    db,
    readMigrations().filter((m) => archived.has(m.version)),
  );
  await refuseUnlessEmpty(db);

  const total = manifest.tables.reduce((sum, t) => sum + t.rows, 0);
  const phase = options.progress.phase('rows', total);
  let written = 0;
  await db.transaction(async (tx) => {
    try {
      await tx.query(`SET LOCAL session_replication_role = replica`);
    } catch (error) {
      throw new ArchiveError(
        `Importing needs to write rows with triggers off (SET session_replication_role), which this database user may not: ${(error as Error).message}. Run the import as the database's owner or a superuser.`,
      );
    }
    const tables = new Map<string, ForumTable>((await forumTables(tx)).map((t) => [t.name, t]));
    const expected = new Map(manifest.tables.map((t) => [t.name, t.rows]));
    for (;;) {
      const item = await next();
      if (item.done) break;
      const entry = item.value;
      const tableName = tableOfEntry(entry.header.name);
      if (!tableName) {
        // Markdown copies: for people, not for the import.
        await Promise.race([readEntry(entry, entry.header.name), failed]);
        continue;
      }
      const table = tables.get(tableName);
      if (!table || !expected.has(tableName)) {
        throw new ArchiveError(
          `The archive has rows for a table its manifest does not list or this forum lacks: ${tableName}.`,
        );
      }
      const text = await Promise.race([readEntry(entry, entry.header.name), failed]);
      let rows: Record<string, unknown>[];
      try {
        rows = text
          .split('\n')
          .filter((line) => line.length > 0)
          .map((line) => JSON.parse(line) as Record<string, unknown>);
      } catch {
        throw new ArchiveError(`The archive entry ${entry.header.name} is damaged (a line is not JSON).`);
      }
      for (let i = 0; i < rows.length; i += BATCH_ROWS) {
        const batch = rows.slice(i, i + BATCH_ROWS);
        try {
          await writeBatch(tx, table, batch);
        } catch (error) {
          throw new ArchiveError(`Rows of ${tableName} could not be stored: ${(error as Error).message}`);
        }
        written += batch.length;
        phase.add(batch.length);
      }
    }
    for (const [name, rows] of expected) {
      const table = tables.get(name);
      const found = table ? await countRows(tx, table) : 0;
      if (found !== rows) {
        throw new ArchiveError(
          `The archive is incomplete: its manifest lists ${rows} rows of ${name}, and ${found} were in it. Nothing was imported.`,
        );
      }
    }
    for (const table of tables.values()) await continueIdentities(tx, table);
  });
  phase.done();
  // The migrations newer than the archive, converting its rows as they would have converted them in place.
  await migrate(db);
  return { manifest, rows: written };
}
