import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openPostgres } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { makeTestApp, TestClient } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { makePost } from '../helpers/factories.js';

/**
 * The database dropping every connection of the app (a restart, a failover, an operator's pg_terminate_backend):
 * two instances, each with its own pool and change listener, keep serving without a restart, and a change made
 * through one still reaches the other's cache afterwards. Needs a PostgreSQL server (the PostgreSQL pass).
 */
describe.runIf(process.env.TEST_DATABASE_URL)('the database dropping all of the app’s connections', () => {
  const name = `lyceum_faults_${randomBytes(5).toString('hex')}`;
  let admin: pg.Client;
  let first: Database;
  let second: Database;
  let instances: Awaited<ReturnType<typeof makeTestApp>>[] = [];

  beforeAll(async () => {
    const server = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await server.connect();
    await server.query(`CREATE DATABASE ${name}`);
    await server.end();
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    first = await openPostgres({ connectionString: url.toString() });
    second = await openPostgres({ connectionString: url.toString() });
    await migrate(first);
    instances = [
      await makeTestApp(first, { PAGE_CACHE_TTL_MS: '600000' }),
      await makeTestApp(second, { PAGE_CACHE_TTL_MS: '600000' }),
    ];
  });
  afterAll(async () => {
    for (const instance of instances) await instance.caching?.stop();
    await first?.close();
    await second?.close();
    await admin?.end();
    const server = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await server.connect();
    await server.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await server.end();
  });

  /** Every connection to the forum's database but the test's own: pools and listeners alike. */
  async function dropEveryConnection(): Promise<number> {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    for (const { pid } of rows) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    return rows.length;
  }

  it('serves pages again within seconds, and invalidates across instances afterwards, three times over', async () => {
    const [one, two] = instances.map((instance) => new TestClient(instance.app));
    const post = await makePost(first, { title: 'Survives outages' });
    const path = `/posts/${post.id}/survives-outages`;

    for (let round = 1; round <= 3; round++) {
      // The second instance has the page cached before the outage.
      await eventually(async () => (await two!.get(path)).headers.get('x-cache') === 'hit', 5);
      expect(await dropEveryConnection()).toBeGreaterThanOrEqual(2);

      // Both answer again without a restart: a request may fail while the pools notice, then pages come back.
      const started = Date.now();
      for (const client of [one!, two!]) {
        await eventually(async () => (await client.get(path)).status === 200, 10);
        await eventually(async () => (await client.get('/')).status === 200, 10);
      }
      expect(Date.now() - started).toBeLessThan(20_000);

      // Both listeners are back: a change through one instance's database handle drops the other's cached page.
      const title = `Survives outages, round ${round}`;
      await first.query('UPDATE posts SET title = $2 WHERE id = $1', [post.id, title]);
      await eventually(async () => (await (await two!.get(path)).text()).includes(title), 10);
      await eventually(async () => (await (await one!.get(path)).text()).includes(title), 10);
    }
  }, 120_000);
});
