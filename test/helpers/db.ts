import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openPglite, openPostgres, type Queryable } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { saveSetting } from '../../src/settings/settings.js';
import { loadTemplate } from './template.js';

/**
 * A migrated, empty database for one test file: in-memory PGlite by default, or a fresh database on the
 * PostgreSQL server named by TEST_DATABASE_URL (dropped again by `close`). A database, not a schema: change
 * notifications go to every listener of a database, so files sharing one would drop each other's cached pages
 * (the two-instance invalidation tests saw lists dropped by other files' posts).
 */
export async function openTestDatabase(): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const template = loadTemplate();
    const db = await openPglite(undefined, template ? { loadDataDir: template } : {});
    // Without a template (a run without the global setup), or to apply migrations newer than it: migrate.
    await migrate(db);
    await openWriteGates(db);
    return db;
  }
  const name = `lyceum_test_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const own = new URL(url);
  own.pathname = `/${name}`;
  const db = await openPostgres({ connectionString: own.toString(), max: 20 });
  await migrate(db);
  await openWriteGates(db);
  return {
    ...db,
    async close() {
      await db.close();
      await admin(`DROP DATABASE ${name} WITH (FORCE)`);
    },
  };
}

/**
 * Tests start with the review queue and the karma write limits off: nearly every test writes as a brand-new
 * member with no karma, who on a real forum waits for review and may comment three times a day. The tests of
 * those gates turn them back on (saveSetting with the defaults from settings.ts).
 */
export async function openWriteGates(db: Queryable): Promise<void> {
  await saveSetting(db, 'review', { newMembers: false });
  await saveSetting(db, 'rateLimits', { tiers: [] });
}
