import type { Logger } from 'pino';
import type { SessionUser } from '../accounts/queries.js';
import type { PageCache } from '../cache/page-cache.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { ReplicaRouter } from '../db/replica.js';
import type { Assets } from './assets.js';

/** What every route can reach: the database and the process-wide pieces, passed in once at assembly. */
export interface Deps {
  db: Database;
  config: Config;
  logger: Logger;
  assets: Assets;
  /** Chooses where logged-out page reads go when a read replica is configured. */
  replicas?: ReplicaRouter | undefined;
  /** Rendered pages for logged-out readers; absent when caching is off. */
  pageCache?: PageCache | undefined;
}

export interface AppEnv {
  Variables: {
    deps: Deps;
    requestId: string;
    user: SessionUser | null;
    /** The token forms must echo back; also sent as a cookie (double submit) plus an Origin check. */
    csrfToken: string;
    log: Logger;
    /** Set by a route whose page logged-out readers may be served from the page cache (cache/middleware.ts). */
    cacheTags?: string[];
  };
}
