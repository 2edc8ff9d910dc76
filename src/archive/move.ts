import type { Database } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import type { Progress } from '../synthetic/progress.js';
import { ArchiveError } from './format.js';
import { continueIdentities, countRows, forumTables, readBatch, writeBatch } from './tables.js';

/**
 * Copies a whole forum from one database to another, empty one (`npm run db:move`: the embedded database to a
 * PostgreSQL server). Both are at the latest schema; the target's rows are written in one transaction with
 * triggers off and their counts compared with the source's before it commits.
 */
export async function moveForum(
  source: Database,
  target: Database,
  options: { progress: Progress },
): Promise<{ tables: { name: string; rows: number }[] }> {
  await migrate(target);
  const targetTables = await forumTables(target);
  for (const table of targetTables) {
    const rows = await countRows(target, table);
    if (rows > 0) {
      throw new ArchiveError(
        `The target database is not empty (${rows} rows in ${table.name}). Move into a new, empty database.`,
      );
    }
  }
  return source.transaction(async (from) => {
    await from.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const tables = await forumTables(from);
    const counts: { name: string; rows: number }[] = [];
    for (const table of tables) counts.push({ name: table.name, rows: await countRows(from, table) });
    const phase = options.progress.phase(
      'rows',
      counts.reduce((sum, t) => sum + t.rows, 0),
    );
    await target.transaction(async (to) => {
      await to.query('SET LOCAL session_replication_role = replica');
      for (const table of tables) {
        let after: unknown[] | null = null;
        do {
          const read: Awaited<ReturnType<typeof readBatch>> = await readBatch(from, table, after);
          await writeBatch(to, table, read.rows);
          phase.add(read.rows.length);
          after = read.last;
        } while (after);
      }
      for (const { name, rows } of counts) {
        const table = tables.find((t) => t.name === name)!;
        const copied = await countRows(to, table);
        if (copied !== rows) throw new ArchiveError(`Copied ${copied} rows of ${name} where the source has ${rows}.`);
      }
      for (const table of tables) await continueIdentities(to, table);
    });
    phase.done();
    return { tables: counts };
  });
}
