import type { Logger } from 'pino';
import type { SessionUser } from '../accounts/queries.js';
import type { Caches } from '../cache/caches.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { ReplicaRouter } from '../db/replica.js';
import type { LiveHub } from '../live/hub.js';
import type { SiteSettings } from '../settings/store.js';
import type { Assets } from './assets.js';

/** What every route can reach: the database and the process-wide pieces, passed in once at assembly. */
export interface Deps {
  db: Database;
  config: Config;
  logger: Logger;
  assets: Assets;
  /** Chooses where logged-out page reads go when a read replica is configured. */
  replicas?: ReplicaRouter | undefined;
  /** In-memory pages, fragments and sessions; absent when caching is off (PAGE_CACHE_TTL_MS=0). */
  caches?: Caches | undefined;
  /** The site's settings (name, description, …) kept in the process (settings/store.ts); absent: the defaults. */
  settings?: SiteSettings | undefined;
  /** Live updates' open event streams (live/hub.tsx); absent without a change feed. */
  live?: LiveHub | undefined;
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
    /** Set with cacheAs(c, tags, { forReaders: true }): logged-in readers may get their own cached copy. */
    cacheForReaders?: boolean;
    /** Set with cacheAs(c, tags, { forEveryone: true }): one cached copy for every reader, logged in or not. */
    cacheForEveryone?: boolean;
    /** The logged-in reader's session, by token hash (the key of their cached session and pages). */
    sessionHash?: string;
    /** This reader wrote and this process has not heard of it yet: read around every cache (Caches.markWriter). */
    uncached?: boolean;
    /** This answer sets a cookie (web/middleware.ts sendCookie), so it cannot come from a page cache. */
    setsCookie?: boolean;
  };
}
