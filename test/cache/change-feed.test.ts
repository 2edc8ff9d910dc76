import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaggedCache } from '../../src/cache/tagged-cache.js';
import { startChangeFeed } from '../../src/db/changes.js';
import type { Database } from '../../src/db/database.js';
import { laterLsn, ReplicaRouter } from '../../src/db/replica.js';
import { makeTestApp, TestClient, useTestDatabase } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { makePost, makeUser } from '../helpers/factories.js';

const silent = pino({ level: 'silent' });
const onPostgres = !!process.env.TEST_DATABASE_URL;

/** A promise and the function that resolves it, to hold a build open while a test acts. */
function gate<T>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('builds and invalidations', () => {
  it('does not hand a caller the result of a build that a change overtook', async () => {
    const cache = new TaggedCache<string>({ ttlMs: 60_000, maxEntries: 10 });
    const first = gate<string>();
    const early = cache.remember('page', ['post:a'], () => first.promise);
    cache.invalidate('post:a');
    // Arrives after the change: must not join the build that began before it.
    const late = cache.remember('page', ['post:a'], async () => 'new content');
    first.open('old content');
    expect(await early).toBe('old content');
    expect(await late).toBe('new content');
    expect(cache.get('page')).toBe('new content');
  });

  it('still lets concurrent callers share a build that no change overtook', async () => {
    const cache = new TaggedCache<string>({ ttlMs: 60_000, maxEntries: 10 });
    const first = gate<string>();
    let builds = 0;
    const build = () => {
      builds++;
      return first.promise;
    };
    const a = cache.remember('page', ['post:a'], build);
    cache.invalidate('post:b');
    const b = cache.remember('page', ['post:a'], build);
    first.open('content');
    expect([await a, await b]).toEqual(['content', 'content']);
    expect(builds).toBe(1);
  });

  it('neither uses nor keeps entries while changes may be missed, and starts empty when they are heard again', () => {
    const cache = new TaggedCache<string>({ ttlMs: 60_000, maxEntries: 10 });
    cache.store('a', cache.begin(), 'kept', ['x']);
    cache.setActive(false);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.store('b', cache.begin(), 'not kept', ['x'])).toBe(false);
    cache.setActive(true);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.store('b', cache.begin(), 'kept again', ['x'])).toBe(true);
  });
});

describe('the change feed', () => {
  const { db } = useTestDatabase();

  it('hands every change to its subscribers in commit order, and settles after them', async () => {
    const feed = await startChangeFeed(db, silent);
    const heard: string[][] = [[], []];
    feed.subscribe({ onChange: (m) => heard[0]!.push(m), onReset: () => {} });
    feed.subscribe({ onChange: (m) => heard[1]!.push(m), onReset: () => {} });
    const post = await makePost(db, { title: 'Ordered' });
    await db.query(`UPDATE posts SET title = 'Ordered again' WHERE id = $1`, [post.id]);
    await feed.settle();
    expect(heard[0]).toContain(`post:${post.id}`);
    expect(heard[0]).toEqual(heard[1]);
    await feed.stop();
  });

  it('never fails a write because its marker could not be sent', async () => {
    // The same database, except that sending a notification fails (the server went away after the write).
    const failing: Database = {
      ...db,
      // The settle marker's statement fails (db/changes.ts), not writes that notify in their own statement.
      query: (sql, params) =>
        String(params?.[1]).startsWith('settle:')
          ? Promise.reject(new Error('connection lost'))
          : db.query(sql, params),
    };
    const feed = await startChangeFeed(failing, silent);
    await expect(feed.settle()).resolves.toBeUndefined();
    await feed.stop();
  });

  it('answers a write normally when settling afterwards fails', async () => {
    const failing: Database = {
      ...db,
      // The settle marker's statement fails (db/changes.ts), not writes that notify in their own statement.
      query: (sql, params) =>
        String(params?.[1]).startsWith('settle:')
          ? Promise.reject(new Error('connection lost'))
          : db.query(sql, params),
    };
    const test = await makeTestApp(failing, { PAGE_CACHE_TTL_MS: '60000' });
    const author = await makeUser(db);
    const post = await makePost(db, { title: 'Still answered' });
    const client = new TestClient(test.app);
    await client.logIn(author.username, author.password);
    const response = await client.post(`/posts/${post.id}/comments`, { body: 'Written anyway', intent: 'submit' });
    expect(response.status).toBe(303);
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM comments WHERE post_id = $1 AND body_markdown = 'Written anyway'`,
      [post.id],
    );
    expect(row!.n).toBe(1);
    await test.caching?.stop();
  });
});

describe.skipIf(!onPostgres)('losing the listening connection (PostgreSQL)', () => {
  const { db } = useTestDatabase();
  let admin: pg.Client;
  let test: Awaited<ReturnType<typeof makeTestApp>>;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    test = await makeTestApp(db, { PAGE_CACHE_TTL_MS: '600000' });
  });
  afterAll(async () => {
    await test.caching?.stop();
    await admin.end();
  });

  const listenerPids = async () =>
    (
      await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [
        test.caching!.feed.connectionName,
      ])
    ).rows.map((r) => r.pid);

  it('serves nothing stale after the listener was cut: changes made meanwhile show once it listens again', async () => {
    const post = await makePost(db, { title: 'Before the outage' });
    const client = new TestClient(test.app);
    const path = `/posts/${post.id}/before-the-outage`;
    await eventually(async () => (await client.get(path)).headers.get('x-cache') === 'hit');

    const [pid] = await listenerPids();
    expect(pid).toBeDefined();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await eventually(async () => !test.caching!.feed.listening);
    // While deaf, pages are rendered afresh and not kept…
    const during = await client.get(path);
    expect(during.headers.get('x-cache')).not.toBe('hit');
    // …and a change made now is never heard by this process.
    await db.query(`UPDATE posts SET title = 'After the outage' WHERE id = $1`, [post.id]);
    await eventually(async () => test.caching!.feed.listening, 10);
    expect(await (await client.get(path)).text()).toContain('After the outage');
    await eventually(async () => (await client.get(path)).headers.get('x-cache') === 'hit');
    expect((await listenerPids()).length).toBe(1);
  });

  it('reconnects a listener that went silent without an error, found by a settle that timed out', async () => {
    const [pid] = await listenerPids();
    expect(pid).toBeDefined();
    // A frozen backend delivers nothing and reports nothing, like a connection lost in a network partition.
    process.kill(pid!, 'SIGSTOP');
    try {
      await test.caching!.caches.settle();
      await eventually(async () => {
        const pids = await listenerPids();
        // The frozen backend keeps its name until it is ended below; a second one listens now.
        return test.caching!.feed.listening && pids.some((other) => other !== pid);
      }, 10);
    } finally {
      process.kill(pid!, 'SIGCONT');
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    }
    // Settling works again through the new connection: a change is heard before settle returns.
    const post = await makePost(db, { title: 'Heard again' });
    const client = new TestClient(test.app);
    const path = `/posts/${post.id}/heard-again`;
    await eventually(async () => (await client.get(path)).headers.get('x-cache') === 'hit');
    await db.query(`UPDATE posts SET title = 'Heard once more' WHERE id = $1`, [post.id]);
    await test.caching!.caches.settle();
    expect(await (await client.get(path)).text()).toContain('Heard once more');
  });
});

describe('the read replica router', () => {
  const { db } = useTestDatabase();

  it('compares WAL positions as numbers', () => {
    expect(laterLsn(null, '0/10')).toBe('0/10');
    expect(laterLsn('0/FF', '0/100')).toBe('0/100');
    expect(laterLsn('1/0', '0/FFFFFFFF')).toBe('1/0');
    expect(laterLsn('A/10', 'A/10')).toBe('A/10');
  });

  it('keeps the furthest position when the primary answers out of order', async () => {
    // The primary answers the first change's position last.
    const answers = [gate<void>(), gate<void>()];
    const positions = ['0/2000', '0/1000'];
    let asked = 0;
    const primary: Database = {
      ...db,
      async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
        if (!sql.includes('pg_current_wal_lsn')) return db.query<T>(sql, params);
        const n = asked++;
        await answers[n]!.promise;
        // The second change committed later, so its position is further on.
        return [{ lsn: positions[1 - n] }] as T[];
      },
    };
    const replicaAt = { lsn: '0/1500' };
    const replica: Database = {
      ...db,
      async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
        if (sql.includes('pg_last_wal_replay_lsn')) {
          const required = String(params?.[0]);
          return [{ fresh: laterLsn(replicaAt.lsn, required) === replicaAt.lsn }] as T[];
        }
        return db.query<T>(sql, params);
      },
    };
    const router = new ReplicaRouter(primary, replica);
    router.noteChange();
    router.noteChange();
    answers[1]!.open();
    answers[0]!.open();
    await Promise.all(answers.map((answer) => answer.promise));
    // The router's handlers run on the answers' resolution, before the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    expect(asked).toBe(2);
    // The replica has replayed 0/1500: past the first change, not the second. Reads stay on the primary.
    expect(await router.reader()).toBe(primary);
    replicaAt.lsn = '0/2000';
    await eventually(async () => (await router.reader()) === replica);
  });

  it('stays on the primary when a change could not be located, until a later one is', async () => {
    let fail = true;
    const primary: Database = {
      ...db,
      async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
        if (sql.includes('pg_current_wal_lsn') && fail) throw new Error('primary busy');
        return db.query<T>(sql, params);
      },
    };
    const router = new ReplicaRouter(primary, db);
    router.noteChange();
    await new Promise((resolve) => setImmediate(resolve));
    // Before, a failed lookup counted as "caught up" on a server that is not a standby.
    expect(await router.reader()).toBe(primary);
    expect(await router.reader()).toBe(primary);
    fail = false;
    router.noteChange();
    await eventually(async () => (await router.reader()) === db);
  });
});
