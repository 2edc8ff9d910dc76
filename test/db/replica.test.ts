import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { ReplicaRouter } from '../../src/db/replica.js';
import { createApp } from '../../src/web/app.js';
import { loadAssets } from '../../src/web/assets.js';
import { TestClient, useTestDatabase } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { makePost, makeUser } from '../helpers/factories.js';

const { db } = useTestDatabase();

/** The same database seen through a handle that counts the reads sent to it, standing in for a replica. */
function countingReplica(primary: Database) {
  const counter = { reads: 0 };
  const replica: Database = {
    ...primary,
    async query<T>(sql: string, params?: unknown[]) {
      counter.reads++;
      return primary.query<T>(sql, params);
    },
    close: async () => {},
  };
  return { replica, counter };
}

describe('the read replica', () => {
  it('serves logged-out page reads from the replica and logged-in ones from the primary', async () => {
    const { replica, counter } = countingReplica(db);
    const replicas = new ReplicaRouter(db, replica);
    const config = loadConfig({ LOG_LEVEL: 'silent', BASE_URL: 'http://localhost', PAGE_CACHE_TTL_MS: '0' });
    const app = createApp({ db, config, logger: pino({ level: 'silent' }), assets: await loadAssets(), replicas });
    const post = await makePost(db, { title: 'Replicated' });

    const anonymous = await new TestClient(app).get(`/posts/${post.id}/replicated`);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.text()).toContain('Replicated');
    const afterAnonymous = counter.reads;
    expect(afterAnonymous).toBeGreaterThan(0);

    const user = await makeUser(db);
    const client = new TestClient(app);
    await client.logIn(user.username, user.password);
    expect((await client.get(`/posts/${post.id}/replicated`)).status).toBe(200);
    expect(counter.reads).toBe(afterAnonymous);
  });

  it('keeps reads on the primary while a change is being located, then returns to a caught-up replica', async () => {
    const { replica } = countingReplica(db);
    const router = new ReplicaRouter(db, replica);
    expect(await router.reader()).toBe(replica);
    router.noteChange();
    expect(await router.reader()).toBe(db);
    // The primary's position arrives; a server that is not a standby counts as caught up.
    await eventually(async () => (await router.reader()) === replica);
  });
});
