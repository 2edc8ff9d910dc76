import { parse as parseCookies } from 'hono/utils/cookie';
import { CSRF_COOKIE, hashToken, renewalDue, SESSION_COOKIE } from '../accounts/sessions.js';
import { chooseEncoding } from '../web/compression.js';
import { clientHasCurrent } from '../web/conditional.js';
import { SECURITY_HEADERS } from '../web/security-headers.js';
import type { Caches } from './caches.js';
import { type CachedPage, encodedAnswer, validators } from './page-cache.js';
import { pageKey } from './page-key.js';

/** What the cache lookup needs of a GET request, from node:http or from the framework alike. */
export interface CacheRequest {
  /** Path and query, as requested. */
  url: string;
  cookie: string | undefined;
  ifNoneMatch: string | undefined;
  ifModifiedSince: string | undefined;
  acceptEncoding: string | undefined;
}

export interface CacheAnswer {
  status: 200 | 304;
  /** name, value, name, value… as node:http's writeHead takes them. */
  headers: string[];
  body: Uint8Array | null;
}

/** One cookie from a Cookie header, parsed as Hono's getCookie parses it (one parser for both paths). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  return header ? parseCookies(header, name)[name] : undefined;
}

/**
 * The key of a page cached for one logged-in reader: their session, their browser's CSRF token (the page's
 * forms carry it) and the URL. Undefined unless the session is in the session cache and not due for renewal
 * (the app renews it, with a new cookie, which such a page must not skip).
 */
export function readerPageKey(caches: Caches, cookie: string | undefined, url: string, now = Date.now()) {
  const token = cookieValue(cookie, SESSION_COOKIE);
  const csrf = cookieValue(cookie, CSRF_COOKIE);
  if (!token || !csrf || token.length > 100 || csrf.length > 100) return undefined;
  const tokenHash = hashToken(token);
  if (caches.writerPending(tokenHash)) return undefined;
  const user = caches.sessions.get(tokenHash, now);
  if (!user || user.expiresAt.getTime() <= now || renewalDue(user.expiresAt, now)) return undefined;
  return { key: `${tokenHash} ${csrf} ${pageKey(url)}`, userId: user.id };
}

/**
 * The cached answer to a GET request, if there is one: logged-out readers from the shared page cache by URL,
 * logged-in readers from their own pages, or from the shared copy of a page the same for everyone (a feed).
 * Used before the web framework (fast-path.ts) and inside it (middleware.ts), so both answer alike.
 */
export function cachedAnswer(caches: Caches, request: CacheRequest): CacheAnswer | undefined {
  let page: CachedPage | undefined;
  const key = pageKey(request.url);
  if (cookieValue(request.cookie, SESSION_COOKIE) === undefined) {
    page = caches.pages.get(key);
  } else {
    // Only where the reader's own copy could be used: not while their own write is unheard of, nor when their
    // session is due for renewal (readerPageKey).
    const reader = readerPageKey(caches, request.cookie, request.url);
    if (reader) page = caches.pages.peek(key)?.forEveryone ? caches.pages.get(key) : caches.readerPages.get(reader.key);
  }
  if (!page) return undefined;
  if (clientHasCurrent(request.ifNoneMatch, request.ifModifiedSince, page)) {
    const headers = [...Object.entries(SECURITY_HEADERS), ...Object.entries(validators(page)), ['X-Cache', 'hit']];
    return { status: 304, headers: headers.flat(), body: null };
  }
  return { status: 200, ...encodedAnswer(page, chooseEncoding(request.acceptEncoding)) };
}
