import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/accounts/sessions.js';
import { TestClient, useTestApp } from '../helpers/app.js';
import { makeUser } from '../helpers/factories.js';

const DAY_MS = 86_400_000;

/** When the session behind this browser's cookie ends, as stored. */
async function storedExpiry(db: ReturnType<typeof useTestApp>['db'], userId: string): Promise<Date> {
  const [row] = await db.query<{ expires_at: Date }>('SELECT expires_at FROM sessions WHERE user_id = $1', [userId]);
  return row!.expires_at;
}

// Sessions last 30 days from their last use: a session used after its first day is renewed to 30 days again,
// in the database and in the browser's cookie, without a write on every page view.
for (const caching of [false, true]) {
  describe(`session renewal${caching ? ' with the caches on' : ''}`, () => {
    const test = useTestApp(caching ? { PAGE_CACHE_TTL_MS: '60000' } : {});
    const { db, app } = test;

    it('renews a session past its first day on its next use, once, and not a fresh one', async () => {
      const user = await makeUser(db);
      const client = new TestClient(app);
      await client.logIn(user.username, user.password);
      const fresh = await client.get('/');
      expect(fresh.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false);

      // Ten days later (the stored expiry moved back ten days).
      await db.query(`UPDATE sessions SET expires_at = expires_at - interval '10 days' WHERE user_id = $1`, [user.id]);
      const before = await storedExpiry(db, user.id);
      // A cached session is kept for seconds, not days: as if its entry had expired meanwhile.
      test.caching?.caches.sessions.flushAll();
      const renewed = await client.get('/');
      const cookie = renewed.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
      const cookieExpiry = Date.parse(/expires=([^;]+)/i.exec(cookie)![1]!);
      expect(cookieExpiry).toBeGreaterThan(Date.now() + 29 * DAY_MS);
      const after = await storedExpiry(db, user.id);
      expect(after.getTime()).toBeGreaterThan(before.getTime() + 9 * DAY_MS);
      expect(await (await client.get('/')).text()).toContain(user.username);

      // Renewed once: the next views write nothing and send no cookie.
      const next = await client.get('/');
      expect(next.headers.getSetCookie().some((c) => c.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
      expect((await storedExpiry(db, user.id)).getTime()).toBe(after.getTime());
    });

    it('ends an expired session: the reader is logged out', async () => {
      const user = await makeUser(db);
      const client = new TestClient(app);
      await client.logIn(user.username, user.password);
      await db.query(`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE user_id = $1`, [user.id]);
      let html = '';
      for (let i = 0; i < 50; i++) {
        html = await (await client.get('/')).text();
        if (!html.includes(user.username)) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(html).not.toContain(user.username);
      expect(html).toContain('Log in');
    });
  });
}
