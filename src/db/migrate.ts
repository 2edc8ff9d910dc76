import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
// Any constant shared by every Lyceum process; serializes migrators across processes and machines.
const MIGRATION_LOCK_KEY = 4_201_771;

export interface Migration {
  version: string;
  name: string;
  sql: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: file.slice(0, 4),
      name: file.slice(5, -4),
      sql: fs.readFileSync(path.join(dir, file), 'utf8'),
    }));
}

/**
 * Applies each migration not yet recorded, in order, each in its own transaction together with its record.
 * The transaction-scoped advisory lock makes a second process starting at the same time wait, then see the
 * record and skip: no migration runs twice.
 */
export async function migrate(db: Database, migrations = readMigrations()): Promise<string[]> {
  // Most starts find every migration recorded: one read tells, without a transaction and lock per migration.
  if (await allRecorded(db, migrations)) return [];
  const applied: string[] = [];
  for (const migration of migrations) {
    const didApply = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version text PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (done.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (didApply) applied.push(`${migration.version}_${migration.name}`);
  }
  return applied;
}

/** Whether every migration is recorded already (records are never removed, so no lock is needed to trust it). */
async function allRecorded(db: Database, migrations: Migration[]): Promise<boolean> {
  // Looked up in the schema that CREATE TABLE above would use (tests on PostgreSQL put their own first).
  const [table] = await db.query<{ present: boolean }>(
    `SELECT to_regclass(quote_ident(current_schema()) || '.schema_migrations') IS NOT NULL AS present`,
  );
  if (!table?.present) return false;
  const rows = await db.query<{ version: string }>('SELECT version FROM schema_migrations');
  const recorded = new Set(rows.map((row) => row.version));
  return migrations.every((migration) => recorded.has(migration.version));
}
