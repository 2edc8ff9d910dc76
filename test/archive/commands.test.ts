import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startRenderPool, stopRenderPool } from '../../src/content/pool.js';
import { openPostgres } from '../../src/db/database.js';
import { acquireDataDirLock } from '../../src/db/lock.js';
import { openDatabase } from '../../src/db/open.js';
import { loadDemoContent } from '../../src/demo/seed.js';

const run = promisify(execFile);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-archive-'));
afterAll(async () => {
  await stopRenderPool();
  fs.rmSync(root, { recursive: true, force: true });
});

/** Runs one of the npm scripts (through tsx, as npm would) with a clean environment. */
async function command(script: string, args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      timeout: 180_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function counts(db: { query: <T>(sql: string) => Promise<T[]> }) {
  const [row] = await db.query<{ users: number; posts: number; comments: number; votes: number }>(
    `SELECT (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM posts) AS posts,
            (SELECT count(*)::int FROM comments) AS comments, (SELECT count(*)::int FROM votes) AS votes`,
  );
  return row!;
}

// The commands against embedded databases in their own folders, as an operator runs them (PGlite pass only: on
// the PostgreSQL pass the same code is covered by round-trip.test.ts, and db:move below).
describe.skipIf(process.env.TEST_DATABASE_URL)('npm run export and npm run import', () => {
  const forumDir = path.join(root, 'forum');
  const archive = path.join(root, 'forum.tar.gz');

  it('exports a forum to a file and imports it into a new data directory, with progress and counts', async () => {
    const { db } = await openDatabase({ dataDir: forumDir });
    await startRenderPool({ size: 1, maxQueue: 1000, timeoutMs: 60_000 });
    await loadDemoContent(db);
    const original = await counts(db);
    await db.close();

    const exported = await command('export', ['--out', archive], { DATA_DIR: forumDir });
    expect(exported.stderr).toMatch(/Exported [\d,]+ rows of \d+ tables and [\d,]+ files/);
    expect(exported.code).toBe(0);
    expect(fs.statSync(archive).size).toBeGreaterThan(10_000);

    const copyDir = path.join(root, 'copy');
    const imported = await command('import', [archive], { DATA_DIR: copyDir });
    expect(imported.stderr).toMatch(/Imported [\d,]+ rows/);
    expect(imported.stderr).toContain('must set new passwords');
    expect(imported.code).toBe(0);
    const { db: copy } = await openDatabase({ dataDir: copyDir });
    try {
      expect(await counts(copy)).toEqual(original);
    } finally {
      await copy.close();
    }

    // Again into the same folder: refused, exit 1, nothing doubled.
    const again = await command('import', [archive], { DATA_DIR: copyDir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('not empty');
  }, 300_000);

  it('answers a missing option, a missing file and a damaged archive with a message and an exit code', async () => {
    const noOut = await command('export', [], { DATA_DIR: forumDir });
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain('--out is required');

    const missing = await command('import', [path.join(root, 'nothing.tar.gz')], { DATA_DIR: path.join(root, 'x') });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no file');

    const damaged = path.join(root, 'damaged.tar.gz');
    fs.writeFileSync(damaged, fs.readFileSync(archive).subarray(0, 5000));
    const emptyDir = path.join(root, 'empty');
    const result = await command('import', [damaged], { DATA_DIR: emptyDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/could not be read|incomplete/);
    const { db } = await openDatabase({ dataDir: emptyDir });
    try {
      expect((await counts(db)).users).toBe(0);
    } finally {
      await db.close();
    }
  }, 120_000);
});

// Moving needs a PostgreSQL server: on the PostgreSQL pass (TEST_DATABASE_URL), into a new database on it.
describe.runIf(process.env.TEST_DATABASE_URL)('npm run db:move', () => {
  it('copies an embedded forum to an empty PostgreSQL database, is refused while a server holds DATA_DIR', async () => {
    const forumDir = path.join(root, 'moving');
    const { db } = await openDatabase({ dataDir: forumDir });
    await startRenderPool({ size: 1, maxQueue: 1000, timeoutMs: 60_000 });
    await loadDemoContent(db);
    const original = await counts(db);
    await db.close();

    const name = `lyceum_move_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    try {
      const lock = await acquireDataDirLock(forumDir, 'lyceum server');
      const refused = await command('db-move', ['--to', url.toString()], { DATA_DIR: forumDir });
      lock.release();
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('in use by');

      const moved = await command('db-move', ['--to', url.toString()], { DATA_DIR: forumDir });
      expect(moved.stderr).toContain('every count matches');
      expect(moved.stdout).toContain(`DATABASE_URL=${url.toString()} npm start`);
      expect(moved.code).toBe(0);
      const target = await openPostgres({ connectionString: url.toString() });
      try {
        expect(await counts(target)).toEqual(original);
      } finally {
        await target.close();
      }
      const twice = await command('db-move', ['--to', url.toString()], { DATA_DIR: forumDir });
      expect(twice.code).toBe(1);
      expect(twice.stderr).toContain('not empty');
    } finally {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  }, 300_000);
});
