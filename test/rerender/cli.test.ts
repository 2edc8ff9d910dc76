import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { stopRenderPool } from '../../src/content/pool.js';
import { newId } from '../../src/db/ids.js';
import { acquireDataDirLock } from '../../src/db/lock.js';
import { openDatabase } from '../../src/db/open.js';
import { parseRerenderArgs, UsageError } from '../../src/rerender/options.js';
import { makeUser } from '../helpers/factories.js';
import { RUNAWAY_MARKER } from '../helpers/runaway.js';
import { makeForum, makeStale, OLD_HTML } from './forum.js';

const run = promisify(execFile);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-rerender-'));
afterAll(async () => {
  await stopRenderPool();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Runs `npm run rerender -- …` (the script through tsx) on the test's data directory. */
async function rerenderCommand(args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []) {
  try {
    const command = [...nodeArgs, '--import', 'tsx', 'scripts/rerender.ts', ...args];
    const { stdout, stderr } = await run(process.execPath, command, {
      // A clean environment: vitest's own variables (BASE_URL=/ among them) are not Lyceum configuration.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const usage = (args: string[]) => {
  try {
    parseRerenderArgs(args);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  return 'accepted';
};

describe('npm run rerender arguments', () => {
  it('names the option and what is wrong with it', () => {
    expect(parseRerenderArgs(['--dry-run', '--batch-size', '500', '--workers', '3'])).toMatchObject({
      dryRun: true,
      batchSize: 500,
      workers: 3,
    });
    expect(usage(['--batch-size', 'many'])).toBe('--batch-size must be a whole number (got "many").');
    expect(usage(['--batch-size', '0'])).toBe('--batch-size must be at least 1 (got 0).');
    expect(usage(['--batch-size', '1000000'])).toBe('--batch-size must be at most 10,000 (got 1000000).');
    expect(usage(['--workers=-2'])).toBe('--workers must be a whole number (got "-2").');
    expect(usage(['--dry'])).toBe('Unknown option --dry.');
    expect(usage(['posts'])).toBe('Unexpected argument "posts".');
  });
});

// The script against its own embedded database, as an operator runs it (PGlite only: on PostgreSQL it would
// re-render the server's real database).
describe.skipIf(process.env.TEST_DATABASE_URL)('npm run rerender', () => {
  it('exits with 2 and the reason on bad options, before opening the database', async () => {
    const result = await rerenderCommand(['--batch-size', 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--batch-size must be a whole number');
    expect(result.stderr).toContain('Usage: npm run rerender');
    expect(fs.readdirSync(dataDir)).toEqual([]);
  }, 30_000);

  it('reports stale rows and names the row past the time limit in a dry run (exit 1), then rewrites them', async () => {
    const { db } = await openDatabase({ dataDir });
    const heavyId = newId();
    try {
      const forum = await makeForum(db);
      await makeStale(db, forum);
      await db.query(
        `INSERT INTO posts (id, author_id, title, slug, body_markdown, body_html, excerpt, status)
         VALUES ($1, $2, 'Heavy', 'heavy', $3, $4, 'old', 'published')`,
        [heavyId, (await makeUser(db)).id, `A text no render finishes: ${RUNAWAY_MARKER}`, OLD_HTML],
      );
    } finally {
      await db.close();
    }

    // The command's workers never finish the marked post (runaway-preload.ts); the others render far inside
    // the limit, however busy the machine.
    const dry = await rerenderCommand(['--dry-run'], { RENDER_TIMEOUT_MS: '3000' }, [
      '--import',
      './test/helpers/runaway-preload.mjs',
    ]);
    expect(dry.code, dry.stderr).toBe(1);
    expect(dry.stdout, dry.stderr).toContain('Dry run in');
    expect(dry.stdout).toMatch(
      /posts +\d+ rows: 1 would change \(body_html 1, excerpt 1, excerpt_html 1, word_count 1, reading_minutes 1, toc 1\), \d+ unchanged, 1 failed/,
    );
    expect(dry.stdout).toMatch(/user bios +\d+ rows: 1 would change/);
    expect(dry.stderr).toMatch(
      new RegExp(`1 row could not be rendered[^]*posts ${heavyId}: Rendering this text took longer`),
    );
    // Progress on stderr: a line per table with its rate.
    expect(dry.stderr).toMatch(/comments +\d+ rows in [\d.]+ s \(\d+\/s\)/);

    const real = await rerenderCommand([], { RENDER_TIMEOUT_MS: '60000' });
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toMatch(/posts +\d+ rows: 2 changed/);
    expect(real.stdout).toMatch(/comment revisions +1 rows: 1 changed/);
    expect(real.stdout).toMatch(/tag revisions +2 rows: 1 changed/);
    expect(real.stdout).toMatch(/revision diffs +0 missing/);
  }, 180_000);

  it('refuses while another process holds the data directory, naming it', async () => {
    const lock = await acquireDataDirLock(dataDir, 'npm start (the server)');
    try {
      const result = await rerenderCommand([]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`is in use by process ${process.pid} (npm start (the server)`);
      expect(result.stdout).toBe('');
    } finally {
      lock.release();
    }
  }, 60_000);
});
