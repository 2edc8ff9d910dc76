import { createHash } from 'node:crypto';
import { compress, type Encoding } from '../web/compression.js';
import { SECURITY_HEADERS } from '../web/security-headers.js';
import { TaggedCache, type TaggedCacheOptions } from './tagged-cache.js';

export { ALL_POSTS_TAG } from './tagged-cache.js';

export interface CachedPage {
  body: Uint8Array;
  gzip: Uint8Array;
  br: Uint8Array;
  contentType: string;
  etag: string;
  lastModified: Date;
  /** False for a page made for one logged-in reader: browsers may keep it, shared caches must not. */
  shared: boolean;
  /** The header list (name, value, name, value…) of a 200 answer in each encoding, made once: a hit only picks one. */
  headers: Record<Encoding | 'identity', string[]>;
}

/**
 * Rendered pages for logged-out readers, keyed by URL and tagged with what they show (see TaggedCache). Each
 * page is kept ready to send: plain, gzipped and in brotli, with its validators.
 */
export class PageCache extends TaggedCache<CachedPage> {
  constructor(options: Omit<TaggedCacheOptions<CachedPage>, 'weigh'>) {
    super({ ...options, weigh: pageBytes });
  }

  storePage(
    key: string,
    since: number,
    page: { body: string; contentType: string; tags: string[]; shared?: boolean },
    now = Date.now(),
  ) {
    const body = Buffer.from(page.body);
    const gzip = compress(body, 'gzip');
    const br = compress(body, 'br');
    const cached: CachedPage = {
      body,
      gzip,
      br,
      contentType: page.contentType,
      etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      lastModified: new Date(Math.floor(now / 1000) * 1000),
      shared: page.shared ?? true,
      headers: { identity: [], gzip: [], br: [] },
    };
    const common = [...Object.entries(SECURITY_HEADERS), ...Object.entries(validators(cached))];
    const answer = (bytes: Uint8Array, encoding?: Encoding): string[] =>
      [
        ...common,
        ['X-Cache', 'hit'],
        ['Content-Type', page.contentType],
        ['Content-Length', String(bytes.byteLength)],
        ...(encoding ? [['Content-Encoding', encoding]] : []),
      ].flat();
    cached.headers = { identity: answer(body), gzip: answer(gzip, 'gzip'), br: answer(br, 'br') };
    return this.store(key, since, cached, page.tags, now);
  }
}

/** A cached page's weight: its three encodings, and about a kilobyte of headers and bookkeeping. */
function pageBytes(page: CachedPage): number {
  return page.body.byteLength + page.gzip.byteLength + page.br.byteLength + 1024;
}

/** The validators and caching headers every cached response carries. */
export function validators(page: CachedPage): Record<string, string> {
  return {
    ETag: page.etag,
    'Last-Modified': page.lastModified.toUTCString(),
    // Browsers may keep a copy but must ask again each time (a 304 costs almost nothing).
    'Cache-Control': page.shared ? 'no-cache' : 'private, no-cache',
    Vary: 'Accept-Encoding, Cookie',
  };
}

/** The body to send for an encoding chosen by `chooseEncoding`. */
export function encodedBody(page: CachedPage, encoding: Encoding | undefined): Uint8Array {
  return encoding ? page[encoding] : page.body;
}
