import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { SessionUser } from '../accounts/queries.js';
import type { SharedCommentTree } from '../comments/views.js';
import type { Config } from '../config.js';
import { CHANGE_CHANNEL } from '../db/changes.js';
import type { Database } from '../db/database.js';
import { PageCache } from './page-cache.js';
import { approximateBytes } from './size.js';
import { TaggedCache } from './tagged-cache.js';

/** This process's in-memory copies of what the database holds, all dropped by the same change notifications. */
export interface Caches {
  /** Whole pages for logged-out readers, keyed by URL. */
  pages: PageCache;
  /** Whole pages made for one logged-in reader (only routes that opt in: the post lists), keyed by session. */
  readerPages: PageCache;
  /** Rendered parts of pages that every reader shares (the frontpage lists), keyed by the route's own names. */
  fragments: TaggedCache<unknown>;
  /** Each post's comment tree per order, rendered for every reader with their parts as slots; bounded in bytes. */
  commentTrees: TaggedCache<SharedCommentTree>;
  /** Logged-in users by session token hash, tagged "user:<id>": a logout or any change to the user drops them. */
  sessions: TaggedCache<SessionUser>;
  /**
   * Resolves once this process has heard of every change committed before the call. A write request waits for
   * it before answering, so the writer's next page (the redirect after posting a comment) shows the change.
   */
  settle: () => Promise<void>;
}

/** Settling sends a marker through the change channel: notifications arrive in commit order, so once the
 * marker is back, everything committed before it has been applied. Other processes ignore it. */
const SETTLE_PREFIX = 'settle:';
/** If the marker does not come back (the listening connection is down), the caches are emptied instead. */
const SETTLE_TIMEOUT_MS = 2_000;

/** Fragments kept: one per list, order and "Load more" page, and each active reader's own parts. */
const MAX_FRAGMENTS = 5_000;
/** Readers' own pages kept (about 60 KB each, plain and compressed): the most recently active readers'. */
const MAX_READER_PAGES = 1_000;
const MAX_SESSIONS = 20_000;
/** A cached session: its row's few short fields, the key and the tag. */
const SESSION_BYTES = 512;

/**
 * How CACHE_MAX_MB is shared out. Logged-out pages and comment trees are the big, shared ones; readers' own
 * pages are capped by count as well; sessions are small.
 */
const BUDGET_SHARES = { pages: 0.35, readerPages: 0.15, commentTrees: 0.3, fragments: 0.15, sessions: 0.05 };
/** How often entries past their lifetime are dropped, when nobody asks for them again. */
const SWEEP_INTERVAL_MS = 10_000;

/**
 * Applies one change notification to every cache that can hold what it names. A reader's own reading
 * ("reader:<id>", one per logged-in page view) only touches their own parts and pages, so it is kept out of the
 * shared pages and the sessions.
 */
export function applyChange(caches: Caches, message: string): void {
  caches.fragments.invalidate(message);
  caches.readerPages.invalidate(message);
  if (message.startsWith('reader:')) return;
  caches.commentTrees.invalidate(message);
  caches.pages.invalidate(message);
  caches.sessions.invalidate(message);
}

function everyCache(caches: Caches): Pick<TaggedCache<unknown>, 'sweep' | 'flushAll'>[] {
  return [caches.pages, caches.readerPages, caches.fragments, caches.commentTrees, caches.sessions];
}

function emptyAll(caches: Caches) {
  for (const cache of everyCache(caches)) {
    cache.flushAll();
  }
}

/** The caches configured for this process, listening for changes; undefined when caching is off. */
export async function startCaches(
  db: Database,
  config: Config,
  logger: Logger,
): Promise<{ caches: Caches; stop: () => Promise<void> } | undefined> {
  const ttlMs = config.pageCacheTtlMs;
  if (ttlMs <= 0) return undefined;
  const settling = new Map<string, () => void>();
  const budget = (share: keyof typeof BUDGET_SHARES) => Math.floor(config.cacheMaxBytes * BUDGET_SHARES[share]);
  const caches: Caches = {
    pages: new PageCache({ ttlMs, maxEntries: config.pageCacheMaxEntries, maxWeight: budget('pages') }),
    readerPages: new PageCache({ ttlMs, maxEntries: MAX_READER_PAGES, maxWeight: budget('readerPages') }),
    fragments: new TaggedCache<unknown>({
      ttlMs,
      maxEntries: MAX_FRAGMENTS,
      maxWeight: budget('fragments'),
      weigh: (value) => approximateBytes(value),
    }),
    // A thread of 1,000 comments is about 2.7 MB.
    commentTrees: new TaggedCache<SharedCommentTree>({
      ttlMs,
      maxEntries: MAX_FRAGMENTS,
      maxWeight: budget('commentTrees'),
      weigh: (tree) => tree.pieces.reduce((sum, piece) => sum + 16 + piece.length * 2, 0),
    }),
    sessions: new TaggedCache<SessionUser>({
      ttlMs,
      maxEntries: MAX_SESSIONS,
      maxWeight: budget('sessions'),
      weigh: () => SESSION_BYTES,
    }),
    settle: () =>
      new Promise<void>((resolve, reject) => {
        const marker = `${SETTLE_PREFIX}${randomBytes(8).toString('hex')}`;
        const timer = setTimeout(() => {
          settling.delete(marker);
          logger.warn('a change notification did not come back in time; emptied the caches');
          emptyAll(caches);
          resolve();
        }, SETTLE_TIMEOUT_MS);
        settling.set(marker, () => {
          clearTimeout(timer);
          resolve();
        });
        db.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, marker]).catch((error: unknown) => {
          clearTimeout(timer);
          settling.delete(marker);
          reject(error);
        });
      }),
  };
  // Keeps this process's caches in step with changes made by any process sharing the database.
  const stop = await db.listen(
    CHANGE_CHANNEL,
    (message) => {
      if (!message.startsWith(SETTLE_PREFIX)) return applyChange(caches, message);
      settling.get(message)?.();
      settling.delete(message);
    },
    () => {
      logger.warn('lost the change-notification connection; emptied the caches and reconnecting');
      emptyAll(caches);
    },
  );

  const sweeper = setInterval(
    () => {
      for (const cache of everyCache(caches)) cache.sweep();
    },
    Math.min(SWEEP_INTERVAL_MS, ttlMs),
  );
  sweeper.unref();

  return {
    caches,
    async stop() {
      clearInterval(sweeper);
      await stop();
    },
  };
}
