import type { SessionUser } from '../accounts/queries.js';
import type { SharedCommentTree } from '../comments/views.js';
import type { Config } from '../config.js';
import type { ChangeFeed } from '../db/changes.js';
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

/** Each cache's lookups, hits, entries and bytes so far (printed on SIGUSR2, read by the benchmark). */
export function cacheStats(caches: Caches): Record<string, { hits: number; misses: number; entries: number; bytes: number }> {
  const named = {
    pages: caches.pages,
    readerPages: caches.readerPages,
    fragments: caches.fragments,
    commentTrees: caches.commentTrees,
    sessions: caches.sessions,
  };
  return Object.fromEntries(
    Object.entries(named).map(([name, cache]) => [
      name,
      { hits: cache.hits, misses: cache.misses, entries: cache.size, bytes: cache.bytes },
    ]),
  );
}

function everyCache(caches: Caches): Pick<TaggedCache<unknown>, 'sweep' | 'setActive'>[] {
  return [caches.pages, caches.readerPages, caches.fragments, caches.commentTrees, caches.sessions];
}

/**
 * The caches configured for this process, kept in step with the database through the change feed (any
 * process's changes drop what they concern; while notifications may be missed, the caches are off); undefined
 * when caching is off.
 */
export function startCaches(config: Config, feed: ChangeFeed): { caches: Caches; stop: () => void } | undefined {
  const ttlMs = config.pageCacheTtlMs;
  if (ttlMs <= 0) return undefined;
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
    settle: () => feed.settle(),
  };
  feed.subscribe({
    onChange: (message) => applyChange(caches, message),
    onReset: (listening) => {
      for (const cache of everyCache(caches)) cache.setActive(listening);
    },
  });

  const sweeper = setInterval(
    () => {
      for (const cache of everyCache(caches)) cache.sweep();
    },
    Math.min(SWEEP_INTERVAL_MS, ttlMs),
  );
  sweeper.unref();

  return { caches, stop: () => clearInterval(sweeper) };
}
