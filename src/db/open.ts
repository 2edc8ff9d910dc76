import fs from 'node:fs';
import path from 'node:path';
import type { ChangeFeed } from './changes.js';
import { type Database, openPglite, openPostgres } from './database.js';
import { acquireDataDirLock } from './lock.js';
import { migrate } from './migrate.js';
import { ReplicaRouter } from './replica.js';

export interface OpenOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
}

/** The embedded database's folder in DATA_DIR. */
const PGLITE_DIR = 'pglite';

export function pgliteDir(dataDir: string): string {
  return path.join(dataDir, PGLITE_DIR);
}

/**
 * Whether opening will create the embedded database, on a new data directory: seconds of work for one core,
 * which start-up work for a new forum (the demo's) can overlap.
 */
export function createsDatabase(options: OpenOptions): boolean {
  return !options.databaseUrl && !fs.existsSync(path.join(pgliteDir(options.dataDir), 'PG_VERSION'));
}

/**
 * Opens the configured database (PostgreSQL when a URL is given, else PGlite in dataDir under an exclusive
 * lock) and applies pending migrations. Closing the returned database releases the lock.
 */
export async function openDatabase(options: OpenOptions): Promise<{ db: Database; applied: string[] }> {
  let db: Database;
  if (options.databaseUrl) {
    db = await openPostgres({ connectionString: options.databaseUrl });
  } else {
    const lock = await acquireDataDirLock(options.dataDir);
    try {
      const inner = await openPglite(pgliteDir(options.dataDir));
      db = {
        ...inner,
        async close() {
          try {
            await inner.close();
          } finally {
            lock.release();
          }
        },
      };
    } catch (error) {
      lock.release();
      throw error;
    }
  }
  try {
    const applied = await migrate(db);
    return { db, applied };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Opens the read replica and keeps the router told of every committed change, in the feed's one order. */
export async function startReplicaRouting(
  primary: Database,
  readUrl: string,
  feed: ChangeFeed,
): Promise<{ router: ReplicaRouter; stop: () => Promise<void> }> {
  const replica = await openPostgres({ connectionString: readUrl });
  const router = new ReplicaRouter(primary, replica);
  feed.subscribe({
    // Logged-out pages (all the replica serves) never show a reader's own reading.
    onChange: (message) => {
      if (!message.startsWith('reader:')) router.noteChange();
    },
    // Changes may have been missed: the replica is trusted again only once it has replayed a new position.
    onReset: () => router.noteChange(),
  });
  return { router, stop: () => replica.close() };
}
