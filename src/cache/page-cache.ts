import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** Pages that depend on every post (lists, feeds, profiles) carry this tag. */
export const ALL_POSTS_TAG = 'front';

export interface CachedPage {
  body: Uint8Array;
  gzipped: Uint8Array;
  contentType: string;
  etag: string;
  lastModified: Date;
  expiresAt: number;
  tags: string[];
}

export interface PageCacheOptions {
  /** Cached pages show relative times ("3 minutes ago"); they are re-rendered at least this often. */
  ttlMs: number;
  maxEntries: number;
}

/**
 * Rendered pages for logged-out readers, keyed by URL and tagged with what they show ("post:<id>",
 * "user:<id>", "front"). A change notification drops the pages with that tag; a change to any post also drops
 * the "front" pages. A page rendered while a change to one of its tags was announced is not stored, so a
 * slow render can never put stale content back after its invalidation.
 */
export class PageCache {
  private readonly pages = new Map<string, CachedPage>();
  private readonly byTag = new Map<string, Set<string>>();
  private readonly invalidatedAt = new Map<string, number>();
  private sequence = 0;
  private flushedAt = 0;

  constructor(private readonly options: PageCacheOptions) {}

  /** A marker to pass to `store`: changes announced after it prevent storing. */
  begin(): number {
    return this.sequence;
  }

  get(key: string, now = Date.now()): CachedPage | undefined {
    const page = this.pages.get(key);
    if (!page || page.expiresAt <= now) {
      if (page) this.drop(key);
      return undefined;
    }
    // Map order doubles as recency for eviction.
    this.pages.delete(key);
    this.pages.set(key, page);
    return page;
  }

  /** The entry, without moving it in the eviction order. */
  peek(key: string): CachedPage | undefined {
    return this.pages.get(key);
  }

  store(key: string, since: number, page: { body: string; contentType: string; tags: string[] }, now = Date.now()) {
    if (this.flushedAt > since) return;
    for (const tag of page.tags) if ((this.invalidatedAt.get(tag) ?? 0) > since) return;
    const body = Buffer.from(page.body);
    this.drop(key);
    this.pages.set(key, {
      body,
      gzipped: gzipSync(body),
      contentType: page.contentType,
      etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      lastModified: new Date(Math.floor(now / 1000) * 1000),
      expiresAt: now + this.options.ttlMs,
      tags: page.tags,
    });
    for (const tag of page.tags) {
      const keys = this.byTag.get(tag) ?? new Set<string>();
      keys.add(key);
      this.byTag.set(tag, keys);
    }
    while (this.pages.size > this.options.maxEntries) {
      const oldest = this.pages.keys().next().value;
      if (oldest === undefined) break;
      this.drop(oldest);
    }
  }

  /** Handles one change notification: "all", "post:<id>" (which also touches every list) or any tag. */
  invalidate(message: string): void {
    this.sequence++;
    if (message === 'all') {
      this.flushAll();
      return;
    }
    const tags = message.startsWith('post:') ? [message, ALL_POSTS_TAG] : [message];
    for (const tag of tags) {
      this.invalidatedAt.set(tag, this.sequence);
      for (const key of this.byTag.get(tag) ?? []) this.drop(key);
      this.byTag.delete(tag);
    }
    // Remembering every tag ever invalidated would grow without bound; forgetting old ones is safe because
    // `store` compares against the sequence a render began at, and renders are short.
    if (this.invalidatedAt.size > 10_000) {
      this.flushedAt = this.sequence;
      this.invalidatedAt.clear();
    }
  }

  /** Forgets everything (also when notifications may have been missed). */
  flushAll(): void {
    this.sequence++;
    this.flushedAt = this.sequence;
    this.pages.clear();
    this.byTag.clear();
    this.invalidatedAt.clear();
  }

  get size(): number {
    return this.pages.size;
  }

  private drop(key: string) {
    const page = this.pages.get(key);
    if (!page) return;
    this.pages.delete(key);
    for (const tag of page.tags) this.byTag.get(tag)?.delete(key);
  }
}

/** The validators and caching headers every cached response carries. */
export function validators(page: CachedPage): Record<string, string> {
  return {
    ETag: page.etag,
    'Last-Modified': page.lastModified.toUTCString(),
    // Browsers may keep a copy but must ask again each time (a 304 costs almost nothing).
    'Cache-Control': 'no-cache',
    Vary: 'Accept-Encoding, Cookie',
  };
}

/** Whether a conditional request (If-None-Match, else If-Modified-Since) already has this page. */
export function notModified(
  ifNoneMatch: string | undefined,
  ifModifiedSince: string | undefined,
  page: CachedPage,
): boolean {
  if (ifNoneMatch)
    return ifNoneMatch.split(',').some((tag) => tag.trim() === page.etag || tag.trim() === `W/${page.etag}`);
  const since = ifModifiedSince ? Date.parse(ifModifiedSince) : Number.NaN;
  return !Number.isNaN(since) && page.lastModified.getTime() <= since;
}
