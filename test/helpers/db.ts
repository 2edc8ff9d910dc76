import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openPglite, openPostgres } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { loadTemplate } from './template.js';

/**
 * A migrated, empty database for one test file: in-memory PGlite by default, or a fresh schema on the
 * PostgreSQL server named by TEST_DATABASE_URL (dropped again by `close`).
 */
export async function openTestDatabase(): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const template = loadTemplate();
    const db = await openPglite(undefined, template ? { loadDataDir: template } : {});
    // Without a template (a run without the global setup), or to apply migrations newer than it: migrate.
    await migrate(db);
    return db;
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const db = await openPostgres({ connectionString: url, schema, max: 20 });
  await migrate(db);
  return {
    ...db,
    async close() {
      await db.close();
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
      await cleanup.end();
    },
  };
}
