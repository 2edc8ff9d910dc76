import { defineConfig } from 'vitest/config';

// Database tests open a real PGlite (about 500 MB each) or a fresh PostgreSQL schema per file;
// two workers match the 2-core machines we run on.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
