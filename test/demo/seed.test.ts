import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/accounts/passwords.js';
import { loadConfig } from '../../src/config.js';
import { renderPoolOptions, startRenderPool, stopRenderPool } from '../../src/content/pool.js';
import type { Database } from '../../src/db/database.js';
import { demoUsers } from '../../src/demo/content.js';
import { forumIsEmpty, loadDemoContent, makeDemoAccounts } from '../../src/demo/seed.js';
import { openTestDatabase } from '../helpers/db.js';

// Renders get a minute: a machine shared with other work must not fail them.
beforeAll(() => startRenderPool(renderPoolOptions(loadConfig({ RENDER_TIMEOUT_MS: '60000' }))));
afterAll(() => stopRenderPool());

async function withDatabase(fn: (db: Database) => Promise<void>) {
  const db = await openTestDatabase();
  try {
    await fn(db);
  } finally {
    await db.close();
  }
}

describe('demo content', () => {
  it(
    'stores the accounts hashed ahead of loading, and returns their passwords to print',
    () =>
      withDatabase(async (db) => {
        const accounts = makeDemoAccounts();
        const logins = await loadDemoContent(db, { accounts });
        // The first demo account runs the site, the second moderates (npm start prints which).
        const roles = ['admin', 'moderator', ...demoUsers.slice(2).map(() => 'member')];
        expect(logins).toEqual(
          (await accounts).map(({ username, password }, i) => ({ username, password, role: roles[i] })),
        );
        expect(logins.map((l) => l.username)).toEqual(demoUsers.map((u) => u.username));
        for (const login of logins) {
          const [user] = await db.query<{ hash: string; bio: string; role: string }>(
            'SELECT password_hash AS hash, bio_html AS bio, role FROM users WHERE username = $1',
            [login.username],
          );
          expect(user!.role).toBe(login.role);
          expect(await verifyPassword(login.password, user!.hash)).toBe(true);
          expect(user!.bio).toMatch(/^<p>/);
        }
      }),
    120_000,
  );

  it(
    'leaves a forum that has users alone, and the accounts made ahead unused',
    () =>
      withDatabase(async (db) => {
        expect(await forumIsEmpty(db)).toBe(true);
        await loadDemoContent(db);
        expect(await forumIsEmpty(db)).toBe(false);
        const users = await db.query('SELECT id FROM users');
        expect(await loadDemoContent(db, { accounts: makeDemoAccounts() })).toEqual([]);
        expect(await db.query('SELECT id FROM users')).toEqual(users);
      }),
    120_000,
  );
});
