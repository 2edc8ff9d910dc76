import type { Context, MiddlewareHandler } from 'hono';
import { chooseEncoding } from '../web/compression.js';
import type { AppEnv } from '../web/context.js';
import { applyChange } from './caches.js';
import { type CachedPage, encodedBody, notModified, type PageCache, validators } from './page-cache.js';

function isNotModified(c: Context<AppEnv>, page: CachedPage): boolean {
  return notModified(c.req.header('if-none-match'), c.req.header('if-modified-since'), page);
}

/**
 * Serves logged-out readers from the page cache, filling it on a miss. A route opts a page in by calling
 * `cacheAs(c, tags)` with what the page shows, so the right change notifications drop it. Logged-in readers
 * always get a fresh render (their pages carry their name, votes and CSRF token). Every cached response
 * carries an ETag and Last-Modified and answers a matching conditional request with 304.
 */
export function anonymousPageCache(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const cache: PageCache | undefined = c.var.deps.caches?.pages;
    if (!cache || c.var.user || c.req.method !== 'GET') return next();
    const key = c.req.url.slice(c.req.url.indexOf('/', c.req.url.indexOf('//') + 2));
    const hit = cache.get(key);
    if (hit) {
      c.header('X-Cache', 'hit');
      return respond(c, hit);
    }
    const since = cache.begin();
    await next();
    c.header('X-Cache', 'miss');
    const type = c.res.headers.get('content-type') ?? '';
    const tags = c.get('cacheTags');
    if (!tags || c.res.status !== 200 || !/^(text\/html|application\/(rss|atom)\+xml)/.test(type)) return;
    const body = await c.res.clone().text();
    // A page with a CSRF token belongs to one browser; never share it.
    if (body.includes('name="_csrf"')) return;
    cache.storePage(key, since, { body, contentType: type, tags });
    const stored = cache.peek(key);
    if (!stored) return;
    const headers = validators(stored);
    if (isNotModified(c, stored)) {
      c.res = new Response(null, { status: 304, headers });
      return;
    }
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}

/** Marks the page being rendered as cacheable for logged-out readers, naming what it shows. */
export function cacheAs(c: Context<AppEnv>, tags: string[]): void {
  c.set('cacheTags', tags);
}

function respond(c: Context<AppEnv>, page: CachedPage): Response {
  for (const [name, value] of Object.entries(validators(page))) c.header(name, value);
  if (isNotModified(c, page)) return c.body(null, 304);
  c.header('Content-Type', page.contentType);
  const encoding = chooseEncoding(c.req.header('accept-encoding'));
  if (encoding) c.header('Content-Encoding', encoding);
  return c.body(encodedBody(page, encoding) as Uint8Array<ArrayBuffer>, 200);
}

/**
 * A part of a page from the fragment cache when there is one: what every reader sees alike (a list, rendered),
 * or one reader's own part when the key names them. `tags` name what it shows, as for `cacheAs`; the key must
 * include every parameter the part depends on.
 */
export async function cachedFragment<T>(
  c: Context<AppEnv>,
  key: string,
  tags: string[],
  build: () => Promise<T>,
): Promise<T> {
  const cache = c.var.deps.caches?.fragments;
  return cache ? ((await cache.remember(key, tags, build)) as T) : build();
}

/**
 * Applies a change this request made to this process's caches now. The database announces it to every
 * process too (migrations 0007 and 0009), but the request's own next page must not wait for that.
 */
export function changedHere(c: Context<AppEnv>, message: string): void {
  const caches = c.var.deps.caches;
  if (caches) applyChange(caches, message);
}
