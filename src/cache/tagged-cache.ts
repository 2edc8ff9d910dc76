import type { ByteBudget } from './budget.js';

/** Pages and fragments that depend on every post (lists, feeds, profiles) carry this tag. */
export const ALL_POSTS_TAG = 'front';
/**
 * Parts showing other posts' titles but none of their counts (a post's backlinks and sequence banner): dropped
 * when any post's content changes, not every LIST_REFRESH_MS with the lists.
 */
export const POST_TITLES_TAG = 'post-titles';

export interface TaggedCacheOptions<V = unknown> {
  /** Entries live at most this long (cached pages show relative times such as "3 minutes ago"). */
  ttlMs: number;
  maxEntries: number;
  /**
   * With `weigh`: the most the entries may weigh together (bytes), least recently used going first; with
   * `budget`, this cache's share of it, which it may pass while the other caches leave theirs unused.
   */
  maxWeight?: number;
  /** The byte budget this cache shares with the process's other caches (budget.ts). */
  budget?: ByteBudget;
  /** An entry's weight in bytes (about what it keeps alive in memory). */
  weigh?: (value: V) => number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
  tags: string[];
  weight: number;
}

/**
 * An in-process cache whose entries are tagged with what they were built from ("post:<id>", "comments:<id>",
 * "user:<id>", "front"…). A change notification drops the entries carrying the tags it names (the table in
 * caches.ts, applyChange). An entry built while a change to one of its tags was
 * announced is not stored, so a slow build can never put stale content back after its invalidation. Every
 * cache in caches.ts is one of these.
 */
export class TaggedCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly byTag = new Map<string, Set<string>>();
  private readonly invalidatedAt = new Map<string, number>();
  private sequence = 0;
  private flushedAt = 0;
  private weight = 0;
  /** Lookups answered and not, since start (for the benchmark's hit rates). */
  hits = 0;
  misses = 0;
  private readonly building = new Map<string, { value: Promise<V>; since: number; tags: string[] }>();
  /** Off while change notifications may be missed (see suspend). */
  private suspended = false;

  constructor(private readonly options: TaggedCacheOptions<V>) {
    options.budget?.join(this, options.maxWeight ?? 0);
  }

  /** A marker to pass to `store`: changes announced after it prevent storing. */
  begin(): number {
    return this.sequence;
  }

  get(key: string, now = Date.now()): V | undefined {
    if (this.suspended) return undefined;
    const entry = this.entries.get(key);
    if (!entry || entry.expiresAt <= now) {
      if (entry) this.drop(key);
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Map order doubles as recency for eviction.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** The entry, without moving it in the eviction order. */
  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  /** Stores `value` unless one of its tags changed since `since` (from `begin`); returns whether it did. */
  store(key: string, since: number, value: V, tags: string[], now = Date.now()): boolean {
    if (this.options.ttlMs <= 0 || this.suspended || this.changedSince(tags, since)) return false;
    this.drop(key);
    const weight = this.options.weigh?.(value) ?? 0;
    if (this.tooHeavy(weight)) return false;
    this.entries.set(key, { value, expiresAt: now + this.options.ttlMs, tags, weight });
    this.weight += weight;
    for (const tag of tags) {
      const keys = this.byTag.get(tag) ?? new Set<string>();
      keys.add(key);
      this.byTag.set(tag, keys);
    }
    while (this.entries.size > this.options.maxEntries) this.dropOldest();
    this.fitWeight();
    return true;
  }

  /** One entry heavier than a quarter of the budget would flush most of the cache for itself: not kept. */
  private tooHeavy(weight: number): boolean {
    return weight > (this.options.maxWeight ?? Number.POSITIVE_INFINITY) / 4;
  }

  /** Lets the least recently used entries go until the weights fit (the shared budget's, or this cache's own). */
  private fitWeight(): void {
    if (this.options.budget) this.options.budget.fit();
    else {
      const maxWeight = this.options.maxWeight ?? Number.POSITIVE_INFINITY;
      while (this.weight > maxWeight && this.entries.size > 0) this.dropOldest();
    }
  }

  /** Drops the least recently used entry (Map order is recency); returns what it weighed. */
  dropOldest(): number {
    const oldest = this.entries.keys().next().value;
    if (oldest === undefined) return 0;
    const weight = this.entries.get(oldest)!.weight;
    this.drop(oldest);
    return weight;
  }

  /**
   * The cached value, or `build()`'s (stored for the next caller unless its tags changed meanwhile). Callers
   * that miss while a build of the same key is under way share it: after a change, a busy page is rebuilt
   * once, not once per waiting reader.
   */
  async remember(key: string, tags: string[], build: () => Promise<V>): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const pending = this.building.get(key);
    // A build that began before a change to what it shows would hand its joiners the old data (and the pages
    // they build from it would be stored as current): join only builds that no change has overtaken.
    if (pending && !this.changedSince(pending.tags, pending.since)) {
      // Served without building: counted as the hit it is (get counted a miss).
      this.misses--;
      this.hits++;
      return pending.value;
    }
    const since = this.begin();
    const value = build().then((built) => {
      this.store(key, since, built, tags);
      return built;
    });
    const mine = { value, since, tags };
    this.building.set(key, mine);
    try {
      return await value;
    } finally {
      if (this.building.get(key) === mine) this.building.delete(key);
    }
  }

  /** Whether any of `tags` changed (or everything was dropped) after `since` (from `begin`). */
  private changedSince(tags: string[], since: number): boolean {
    if (this.flushedAt > since) return true;
    for (const tag of tags) if ((this.invalidatedAt.get(tag) ?? 0) > since) return true;
    return false;
  }

  /**
   * Stops using and keeping entries (`on` false) while change notifications may be missed, or starts again
   * (`on` true) once they are heard again; either way everything kept so far is dropped, since changes may
   * have been missed before anyone noticed.
   */
  setActive(on: boolean): void {
    this.suspended = !on;
    this.flushAll();
  }

  /**
   * Changes the entry under `key` in place, if there is one (a comment's new scores, written into its post's
   * cached scores), and keeps builds of entries tagged `tag` that began before from being stored or joined, as
   * `invalidate` does: they may have read what the change replaced.
   */
  revise(key: string, tag: string, change: (value: V) => void): void {
    this.sequence++;
    this.invalidatedAt.set(tag, this.sequence);
    const entry = this.entries.get(key);
    if (entry) change(entry.value);
  }

  /**
   * Counts `bytes` more in the weight of the entry under `key`, if it still holds `value`, which grew in place
   * (texts of a discussion's comments read for another of its pages), and makes room for them as `store` does.
   */
  grew(key: string, value: V, bytes: number): void {
    const entry = this.entries.get(key);
    if (!entry || entry.value !== value || bytes === 0) return;
    entry.weight += bytes;
    this.weight += bytes;
    if (this.tooHeavy(entry.weight)) this.drop(key);
    this.fitWeight();
  }

  /** Drops every entry carrying `tag` (caches.ts maps each change notification to the tags it drops). */
  invalidate(tag: string): void {
    this.sequence++;
    this.invalidatedAt.set(tag, this.sequence);
    for (const key of this.byTag.get(tag) ?? []) this.drop(key);
    this.byTag.delete(tag);
    // Remembering every tag ever invalidated would grow without bound; forgetting old ones is safe because
    // `store` compares against the sequence a build began at, and builds are short.
    if (this.invalidatedAt.size > 10_000) {
      this.flushedAt = this.sequence;
      this.invalidatedAt.clear();
    }
  }

  /**
   * Drops every entry past its lifetime. `get` drops an expired entry it meets, but entries nobody asks for
   * again would otherwise stay until evicted by newer ones: startCaches calls this on a timer.
   */
  sweep(now = Date.now()): number {
    let dropped = 0;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now) continue;
      this.drop(key);
      dropped++;
    }
    return dropped;
  }

  /** Forgets everything (also when notifications may have been missed). */
  flushAll(): void {
    this.sequence++;
    this.flushedAt = this.sequence;
    this.entries.clear();
    this.weight = 0;
    this.byTag.clear();
    this.invalidatedAt.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** What the entries weigh together (bytes, as `weigh` counts them). */
  get bytes(): number {
    return this.weight;
  }

  private drop(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    // Weights are estimates with fractions (size.ts): subtracted one by one, they can leave a little below zero.
    this.weight = this.entries.size === 0 ? 0 : this.weight - entry.weight;
    for (const tag of entry.tags) this.byTag.get(tag)?.delete(key);
  }
}

/** `cache.remember(…)`, or just `build()` when caching is off. */
export function remembered<V>(
  cache: TaggedCache<V> | undefined,
  key: string,
  tags: string[],
  build: () => Promise<V>,
): Promise<V> {
  return cache ? cache.remember(key, tags, build) : build();
}
