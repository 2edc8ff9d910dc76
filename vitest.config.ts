import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

/** What a test file that uses a database mentions: the shared setup, or a database opened by hand. */
const USES_A_DATABASE =
  /useTestDatabase|useTestApp|useBrowserTest|openTestDatabase|makeTestApp|startServer|TEST_DATABASE_URL/;

/**
 * On PostgreSQL (TEST_DATABASE_URL set) only the files that use a database run: the others (the content pipeline,
 * the command-line tools on their own embedded database) do the same on every pass, and CI has just run them on
 * PGlite.
 */
function databaseFreeFiles(): string[] {
  if (!process.env.TEST_DATABASE_URL) return [];
  const files = readdirSync('test', { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.test\.tsx?$/.test(file))
    .map((file) => path.join('test', file));
  return files.filter((file) => !USES_A_DATABASE.test(readFileSync(file, 'utf8')));
}

/**
 * Browser tests check what a reader sees and does; the queries behind each page run on PostgreSQL in their own
 * integration tests, and a page is the same markup whichever database served it. So the browser tests (the
 * standards sweeps among them: axe-core at two widths, html-validate, overlaps at 375 px) run on the PGlite pass
 * only, except the as-deployed test, which keeps a whole forum on PostgreSQL driven by Debian's Chromium. On both
 * passes they took CI past its 20 minutes.
 */
function browserOnlyFiles(): string[] {
  if (!process.env.TEST_DATABASE_URL) return [];
  const e2e = readdirSync('test/e2e')
    .filter((file) => /\.test\.tsx?$/.test(file) && file !== 'as-deployed.e2e.test.ts')
    .map((file) => path.join('test/e2e', file));
  return [...e2e, 'test/web/html-validate.test.ts'];
}

// Database tests open a real PGlite (about 500 MB each) or a fresh PostgreSQL schema per file;
// two workers match the 2-core machines we run on.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['**/node_modules/**', ...databaseFreeFiles(), ...browserOnlyFiles()],
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // Files share a worker's loaded modules rather than importing the app again each (about 1.3 s a file, a
    // third of CI: the PGlite pass went from 662 to 467 s, the PostgreSQL pass from 306 to 154 s). Every file
    // opens its own database and app; what modules keep across files is keyed by database (posts/visits.ts) or
    // is the render pool, which any file may use.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
