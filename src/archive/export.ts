import { createGzip } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';
import type { Queryable } from '../db/database.js';
import type { Progress } from '../synthetic/progress.js';
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, dataEntryName, MANIFEST_NAME, type Manifest, NO_PASSWORD } from './format.js';
import { markdownFiles } from './markdown.js';
import { countRows, forumTables, readBatch } from './tables.js';

export interface ExportOptions {
  /** Keep password hashes (a backup to restore); without it, every account sets a new password after import. */
  withSecrets?: boolean;
  progress: Progress;
}

/**
 * Writes the whole forum to `out` as a gzipped tar (format.ts). Reads happen in one repeatable-read transaction,
 * so the archive is one consistent moment of a forum that keeps serving meanwhile.
 */
export async function exportForum(
  db: Queryable,
  out: NodeJS.WritableStream,
  options: ExportOptions,
): Promise<{ manifest: Manifest; files: number }> {
  const archive = tarPack();
  const gzip = createGzip();
  const finished = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('close', resolve);
    out.on('error', reject);
    gzip.on('error', reject);
    archive.on('error', reject);
  });
  archive.pipe(gzip).pipe(out);
  // Backpressure: wait when the archive's buffer is full, so a huge forum does not sit in memory.
  const add = async (name: string, text: string, date?: Date) => {
    await new Promise<void>((resolve, reject) =>
      archive.entry({ name, ...(date ? { mtime: date } : {}) }, text, (error) => (error ? reject(error) : resolve())),
    );
  };

  let files = 0;
  const result = await db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const tables = await forumTables(tx);
    const migrations = await tx.query<{ v: string }>(
      `SELECT version || '_' || name AS v FROM schema_migrations ORDER BY version`,
    );
    const counted = [];
    for (const table of tables) counted.push({ table, rows: await countRows(tx, table) });
    const manifest: Manifest = {
      format: ARCHIVE_FORMAT,
      version: ARCHIVE_VERSION,
      exportedAt: new Date().toISOString(),
      migrations: migrations.map((m) => m.v),
      withSecrets: options.withSecrets === true,
      tables: counted.map(({ table, rows }) => ({ name: table.name, columns: table.columns, rows })),
    };
    await add(MANIFEST_NAME, `${JSON.stringify(manifest, null, 2)}\n`);
    files++;

    const total = counted.reduce((sum, { rows }) => sum + rows, 0);
    const phase = options.progress.phase('rows', total);
    for (const { table } of counted) {
      let after: unknown[] | null = null;
      let batch = 0;
      do {
        const read: Awaited<ReturnType<typeof readBatch>> = await readBatch(tx, table, after);
        if (read.rows.length === 0) break;
        if (table.name === 'users' && !options.withSecrets) {
          for (const row of read.rows) row.password_hash = NO_PASSWORD;
        }
        await add(dataEntryName(table.name, ++batch), `${read.rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
        files++;
        phase.add(read.rows.length);
        after = read.last;
      } while (after);
    }
    phase.done();

    const writing = options.progress.phase(
      'markdown',
      manifest.tables
        .filter((t) => ['posts', 'post_revisions', 'comments'].includes(t.name))
        .reduce((sum, t) => sum + t.rows, 0),
      'files',
    );
    for await (const file of markdownFiles(tx)) {
      await add(file.name, file.text, file.date);
      files++;
      writing.add(1);
    }
    writing.done();
    return manifest;
  });
  archive.finalize();
  await finished;
  return { manifest: result, files };
}
