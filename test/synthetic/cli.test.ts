import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBenchDataArgs, UsageError } from '../../src/synthetic/options.js';

const run = promisify(execFile);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-bench-data-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Runs `npm run bench:data -- …` (the script through tsx) and returns its exit code and output. */
async function benchData(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/bench-data.ts', ...args], {
      env: { ...process.env, DATABASE_URL: '', BASE_URL: '', DATA_DIR: dataDir, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const usage = (args: string[]) => {
  try {
    parseBenchDataArgs(args);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  return 'accepted';
};

describe('bench:data arguments', () => {
  it('derives unspecified sizes from the posts', () => {
    expect(parseBenchDataArgs(['--posts', '10000']).sizes).toEqual({
      users: 2_000,
      posts: 10_000,
      comments: 200_000,
      votes: 500_000,
      sequences: 20,
      tags: 500,
    });
    expect(parseBenchDataArgs(['--posts', '100']).sizes.tags).toBe(5);
    expect(parseBenchDataArgs(['--only-tags']).sizes.tags).toBeUndefined();
    expect(parseBenchDataArgs(['--only-tags', '--tags', '40', '--seed', '3'])).toMatchObject({
      onlyTags: true,
      seed: 3,
      sizes: { tags: 40 },
    });
    expect(parseBenchDataArgs(['--comments', '2_000_000', '--posts=100000']).sizes.comments).toBe(2_000_000);
  });

  it('names what is wrong with nonsense sizes', () => {
    expect(usage(['--users', '-5'])).toBe('--users cannot be negative (got -5).');
    expect(usage(['--posts', 'many'])).toBe('--posts must be a whole number (got "many").');
    expect(usage(['--votes', '1.5'])).toBe('--votes must be a whole number (got "1.5").');
    expect(usage(['--comments', '1e99'])).toMatch(/--comments must be a whole number/);
    expect(usage(['--comments', '999999999999'])).toMatch(/--comments is too large: at most 50,000,000/);
    expect(usage(['--users', '0'])).toMatch(/--users must be at least 1/);
    expect(usage(['--posts', '0', '--comments', '10'])).toMatch(/needs posts to comment on/);
    expect(usage(['--posts', '5', '--sequences', '6'])).toMatch(/--sequences 6 is more than --posts 5/);
    expect(usage(['--users', '1', '--posts', '5', '--votes', '1'])).toMatch(/at least 2 users/);
    expect(usage(['--users', '3', '--posts', '5', '--comments', '0', '--votes', '100'])).toMatch(
      /--votes 100 is too many: .* take at most 5 votes here/,
    );
    expect(usage(['--seed', 'x'])).toMatch(/--seed must be a whole number/);
    expect(usage(['--database-url', 'mysql://db'])).toMatch(/must be a postgres:\/\//);
    expect(usage(['--tags', '-1'])).toBe('--tags cannot be negative (got -1).');
    expect(usage(['--only-tags', '--posts', '10'])).toMatch(/--only-tags adds tags .*; --posts does not apply/);
    expect(usage(['--only-tags', '--append'])).toMatch(/--append does not apply/);
    expect(usage(['--frobnicate'])).toBe('Unknown option --frobnicate.');
    expect(usage(['users=5'])).toBe('Unexpected argument "users=5".');
  });
});

describe('npm run bench:data', () => {
  it('exits with 2 and the reason on bad input, before touching a database', async () => {
    const result = await benchData(['--users', '-5']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--users cannot be negative');
    expect(result.stderr).toContain('Usage: npm run bench:data');
    expect(fs.readdirSync(dataDir)).toEqual([]);
  }, 30_000);

  it('exits with 1 when the database cannot be reached', async () => {
    const result = await benchData(['--posts', '5', '--database-url', 'postgres://nobody@127.0.0.1:1/none']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Could not open PostgreSQL at postgres:\/\/nobody@127\.0\.0\.1:1\/none: .*ECONNREFUSED/,
    );
  }, 30_000);

  it('loads into PGlite, then refuses the non-empty database unless told to append', async () => {
    const sizes = [
      '--users',
      '6',
      '--posts',
      '8',
      '--comments',
      '40',
      '--votes',
      '60',
      '--sequences',
      '1',
      '--tags',
      '3',
    ];
    const first = await benchData(sizes);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Loaded into PGlite in .* \(seed 1\)/);
    expect(first.stdout).toMatch(/Every generated user's password: \S+/);
    expect(first.stderr).toMatch(/comments +40 rows in/);
    expect(first.stdout).toMatch(/tags +3 +posts per tag/);

    const again = await benchData(sizes);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/The database is not empty \(6 users, 8 posts\)\. .*--append/);

    const appended = await benchData([...sizes, '--append', '--seed', '2']);
    expect(appended.code, appended.stderr).toBe(0);
    expect(appended.stdout).toMatch(/users +6 /);

    const tagsAgain = await benchData(['--only-tags']);
    expect(tagsAgain.code).toBe(1);
    expect(tagsAgain.stderr).toMatch(/The database already has \d+ tags; --only-tags adds tags to a forum without any/);
  }, 120_000);
});
