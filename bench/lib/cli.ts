// What the benchmarks that load a filled database share on their command line: --database-url or --data-dir.
import { openPostgres } from '../../src/db/database.js';
import { openDatabase } from '../../src/db/open.js';

/** Prints why the command line is wrong and exits with 2. */
export function usage(message: string): never {
  console.error(message);
  process.exit(2);
}

/** parseArgs options naming the database to measure. */
export const DATABASE_OPTIONS = {
  'database-url': { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

export interface BenchDatabase {
  dataDir: string | undefined;
  databaseUrl: string | undefined;
}

/** The database the options name (--data-dir first, then --database-url or DATABASE_URL), or exit with usage. */
export function benchDatabase(values: { 'database-url'?: string; 'data-dir'?: string }): BenchDatabase {
  const dataDir = values['data-dir'];
  const databaseUrl = dataDir ? undefined : (values['database-url'] ?? process.env.DATABASE_URL);
  if (!dataDir && !databaseUrl) {
    usage('Give --database-url (or DATABASE_URL) or --data-dir: a database filled by npm run bench:data.');
  }
  return { dataDir, databaseUrl };
}

/** Opens it to prepare the run (PGlite admits one process: close it before starting Lyceum on a data dir). */
export async function openBenchDatabase(target: BenchDatabase) {
  return target.dataDir
    ? (await openDatabase({ dataDir: target.dataDir })).db
    : await openPostgres({ connectionString: target.databaseUrl!, max: 2 });
}
