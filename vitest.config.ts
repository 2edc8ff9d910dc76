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
 * The standards sweeps check the HTML and CSS of every page type (axe-core at two widths, html-validate, overlaps
 * at 375 px). Pages are the same markup whichever database served them, and the queries behind each page run on
 * PostgreSQL in its own tests, so the sweeps run on the PGlite pass only: on both they took four of CI's minutes.
 */
const PAGE_STANDARDS = [
  'test/e2e/accessibility-desktop.e2e.test.ts',
  'test/e2e/accessibility-phone.e2e.test.ts',
  'test/e2e/narrow-layout.e2e.test.ts',
  'test/web/html-validate.test.ts',
];

// Database tests open a real PGlite (about 500 MB each) or a fresh PostgreSQL schema per file;
// two workers match the 2-core machines we run on.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['**/node_modules/**', ...databaseFreeFiles(), ...(process.env.TEST_DATABASE_URL ? PAGE_STANDARDS : [])],
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
