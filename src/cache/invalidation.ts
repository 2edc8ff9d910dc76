import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { CHANGE_CHANNEL } from '../db/changes.js';
import type { Database } from '../db/database.js';
import { PageCache } from './page-cache.js';

/** Keeps this process's page cache in step with changes made by any process sharing the database. */
export async function listenForChanges(db: Database, cache: PageCache, logger: Logger): Promise<() => Promise<void>> {
  return db.listen(
    CHANGE_CHANNEL,
    (message) => cache.invalidate(message),
    () => {
      logger.warn('lost the change-notification connection; emptied the page cache and reconnecting');
      cache.flushAll();
    },
  );
}

/** The page cache configured for this process, listening for changes; undefined when caching is off. */
export async function startPageCache(
  db: Database,
  config: Config,
  logger: Logger,
): Promise<{ cache: PageCache; stop: () => Promise<void> } | undefined> {
  if (config.pageCacheTtlMs <= 0) return undefined;
  const cache = new PageCache({ ttlMs: config.pageCacheTtlMs, maxEntries: config.pageCacheMaxEntries });
  const stop = await listenForChanges(db, cache, logger);
  return { cache, stop };
}
