/** A cache as the shared budget sees it: what it holds, and a way to let its least recently used entry go. */
export interface BudgetedCache {
  readonly bytes: number;
  readonly size: number;
  /** Drops the least recently used entry; returns what it weighed. */
  dropOldest(): number;
}

/**
 * What a process's caches may hold together (CACHE_MAX_MB), with a share each. A cache may hold more than its
 * share while others leave part of theirs unused; once they hold more than the budget together, the cache furthest
 * over its share gives back first, its least recently used entries going. So no cache is ever pushed below its
 * share by another, and none is kept below it while memory set aside for others lies unused: in the forum-day
 * benchmark, readers' own pages and sessions used nothing of their 15 % while comment trees, the costliest to
 * make again, were held to their 25 %.
 */
export class ByteBudget {
  private readonly members: { cache: BudgetedCache; share: number }[] = [];

  constructor(readonly maxBytes: number) {}

  join(cache: BudgetedCache, share: number): void {
    this.members.push({ cache, share });
  }

  /** What the caches hold together. */
  get used(): number {
    let used = 0;
    for (const { cache } of this.members) used += cache.bytes;
    return used;
  }

  /** Lets entries go until the caches hold no more than the budget (after a cache stored one). */
  fit(): void {
    let used = this.used;
    while (used > this.maxBytes) {
      let furthest: BudgetedCache | undefined;
      let over = Number.NEGATIVE_INFINITY;
      for (const { cache, share } of this.members) {
        if (cache.size > 0 && cache.bytes - share > over) {
          over = cache.bytes - share;
          furthest = cache;
        }
      }
      if (!furthest) return;
      used -= furthest.dropOldest();
    }
  }
}
