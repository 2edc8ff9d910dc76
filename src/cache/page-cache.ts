import { createHash } from 'node:crypto';
import { compress, compressLarge, type Encoding } from '../web/compression.js';
import { SECURITY_HEADERS } from '../web/security-headers.js';
import { TaggedCache, type TaggedCacheOptions } from './tagged-cache.js';

export { ALL_POSTS_TAG } from './tagged-cache.js';

export interface CachedPage {
  body: Uint8Array;
  /** The body in each encoding asked for so far: brotli at once (every browser takes it), gzip when first asked. */
  encoded: Partial<Record<Encoding, Uint8Array>>;
  contentType: string;
  etag: string;
  lastModified: Date;
  /** False for a page made for one logged-in reader: browsers may keep it, shared caches must not. */
  shared: boolean;
  /** The same for logged-in readers (a feed): they are answered from this copy too (cache/answer.ts). */
  forEveryone: boolean;
  /** The header list (name, value, name, value…) of a 200 answer in each encoding, made with the encoding. */
  headers: Partial<Record<Encoding | 'identity', string[]>>;
  /**
   * Answers in brotli so far: the page is kept compressed quickly (most pages of a large forum are asked for
   * once before a change drops them) and compressed harder, off the event loop, once it is asked for again.
   */
  brotliHits: number;
}

/**
 * Brotli answers of a cached page after which it is compressed again, harder (see CachedPage.brotliHits). In a
 * forum day (bench) most pages of posts are dropped by a vote or a comment after none to two answers from the
 * cache; compressed harder at the first, each had cost about 5 ms of CPU off the event loop (a 500 KB page), on a
 * machine whose two cores the event loop and PostgreSQL share. A page read as often as a busy forum's frontpage
 * reaches three within moments.
 */
export const RECOMPRESS_AFTER_HITS = 3;

/**
 * Rendered pages for logged-out readers, keyed by URL and tagged with what they show (see TaggedCache). Each
 * page is kept ready to send with its validators: plain and in brotli, and gzipped once a client asks for it
 * (compressing a long discussion both ways at once held up every other request for tens of milliseconds).
 */
export class PageCache extends TaggedCache<CachedPage> {
  constructor(options: Omit<TaggedCacheOptions<CachedPage>, 'weigh'>) {
    super({ ...options, weigh: pageBytes });
  }

  /** Stores a page once it is compressed (off the event loop when large); resolves whether it was kept. */
  async storePage(
    key: string,
    since: number,
    page: { body: string | Buffer; contentType: string; tags: string[]; shared?: boolean; forEveryone?: boolean },
    now = Date.now(),
  ): Promise<boolean> {
    const body = typeof page.body === 'string' ? Buffer.from(page.body) : page.body;
    const cached: CachedPage = {
      body,
      encoded: { br: await compressLarge(body, 'br', 'each') },
      contentType: page.contentType,
      etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      lastModified: new Date(Math.floor(now / 1000) * 1000),
      shared: page.shared ?? true,
      forEveryone: page.forEveryone ?? false,
      headers: {},
      brotliHits: 0,
    };
    return this.store(key, since, cached, page.tags, now);
  }
}

/** A 200 answer's headers and body in an encoding chosen by `chooseEncoding`, made the first time it is asked for. */
export function encodedAnswer(
  page: CachedPage,
  encoding: Encoding | undefined,
): { headers: string[]; body: Uint8Array } {
  const name = encoding ?? 'identity';
  if (encoding === 'br' && ++page.brotliHits === RECOMPRESS_AFTER_HITS) void recompress(page);
  let body = encoding ? page.encoded[encoding] : page.body;
  if (!body) {
    body = compress(page.body, encoding!);
    page.encoded[encoding!] = body;
  }
  let headers = page.headers[name];
  if (!headers) {
    headers = [
      ...Object.entries(SECURITY_HEADERS),
      ...Object.entries(validators(page)),
      ['X-Cache', 'hit'],
      ['Content-Type', page.contentType],
      ['Content-Length', String(body.byteLength)],
      ...(encoding ? [['Content-Encoding', encoding]] : []),
    ].flat();
    page.headers[name] = headers;
  }
  return { headers, body };
}

/**
 * A page asked for again, compressed as a page sent many times should be (a third smaller for a long discussion);
 * answers go on with the quick compression until this one is ready.
 */
async function recompress(page: CachedPage): Promise<void> {
  const body = await compressLarge(page.body, 'br', 'once');
  page.encoded.br = body;
  delete page.headers.br;
}

/**
 * A cached page's weight: plain, in brotli, gzipped when asked for (counted from the start, about a third of the
 * page: a weight is fixed when stored), and about a kilobyte of headers and bookkeeping.
 */
function pageBytes(page: CachedPage): number {
  return page.body.byteLength * 1.34 + (page.encoded.br?.byteLength ?? 0) + 1024;
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
