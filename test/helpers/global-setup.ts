import { ensureTemplate } from './template.js';

/** Runs once before all test files: the migrated template the embedded-database tests start from. */
export async function setup(): Promise<void> {
  if (!process.env.TEST_DATABASE_URL) await ensureTemplate();
}
