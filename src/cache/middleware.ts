import type { Context, MiddlewareHandler } from 'hono';
import { answerBody } from '../web/answer-body.js';
import { chooseEncoding } from '../web/compression.js';
import { clientHasCurrent } from '../web/conditional.js';
import type { AppEnv } from '../web/context.js';
import { setAnswerHeaders } from '../web/middleware.js';
import { pathAndQuery } from '../web/page.js';
import { cachedAnswer, readerPageKey } from './answer.js';
import { applyChange, type Caches } from './caches.js';
import { validators } from './page-cache.js';
import { pageKey } from './page-key.js';
import { remembered, type TaggedCache } from './tagged-cache.js';

/** The path and query of the request, as the node:http fast path sees them. */
function requestPath(c: Context<AppEnv>): string {
  return pathAndQuery(c.req.url);
}

/**
 * Serves pages from the page caches and fills them. A route opts a page in by calling `cacheAs(c, tags)` with
 * what the page shows, so the right change notifications drop it: logged-out readers share one copy per URL.
 * A route whose page depends on nothing else of the reader's than their name, karma and reading (the post
 * lists) also passes `{ forReaders: true }`, and each logged-in reader gets their own copy, dropped by the
 * same tags and by "user:<id>" and "reader:<id>". Every cached response carries an ETag and Last-Modified and
 * answers a matching conditional request with 304. Hits are usually answered before the framework
 * (fast-path.ts); this answers them too, so tests and any other server see the same behaviour.
 */
export function pageCaches(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const caches = c.get('deps').caches;
    if (!caches) return next();
    if (c.req.method !== 'GET') {
      await next();
      // The writer's next pages must show their change: they read around the caches until this process has
      // heard of it (nobody waits for that).
      const sessionHash = c.get('sessionHash');
      if (sessionHash && c.req.method !== 'HEAD' && c.req.method !== 'OPTIONS') caches.markWriter(sessionHash);
      return;
    }
    if (c.get('uncached')) return next();
    const url = requestPath(c);
    const cookie = c.req.header('cookie');
    const user = c.get('user');
    // An answer that must set a cookie (a renewed session, a new CSRF token) is rendered, not taken from a cache.
    const hit = c.get('setsCookie')
      ? undefined
      : cachedAnswer(caches, {
          url,
          cookie: user ? cookie : undefined,
          ifNoneMatch: c.req.header('if-none-match'),
          ifModifiedSince: c.req.header('if-modified-since'),
          acceptEncoding: c.req.header('accept-encoding'),
        });
    if (hit) {
      const headers = new Headers();
      for (let i = 0; i < hit.headers.length; i += 2) headers.append(hit.headers[i]!, hit.headers[i + 1]!);
      return new Response(hit.body as Uint8Array<ArrayBuffer> | null, { status: hit.status, headers });
    }
    const since = { pages: caches.pages.begin(), readerPages: caches.readerPages.begin() };
    await next();
    const forEveryone = Boolean(c.get('cacheForEveryone'));
    if (user && !c.get('cacheForReaders') && !forEveryone) return;
    const cache = user && !forEveryone ? caches.readerPages : caches.pages;
    setAnswerHeaders(c, [['X-Cache', 'miss']]);
    const type = c.res.headers.get('content-type') ?? '';
    const tags = c.get('cacheTags');
    if (!tags || c.res.status !== 200 || !/^(text\/html|application\/(rss|atom)\+xml)/.test(type)) return;
    let key = pageKey(url);
    let pageTags = tags;
    if (user) {
      const reader = readerPageKey(caches, cookie, url);
      // A response that sets a cookie (a renewed session, a new CSRF token) must reach the browser itself.
      if (!reader || reader.userId !== user.id || c.res.headers.has('set-cookie')) return;
      if (!forEveryone) {
        key = reader.key;
        pageTags = [...tags, `user:${user.id}`, `reader:${user.id}`];
      }
    }
    // As bytes: reading a long page back as text decoded it only for storePage to encode it again.
    const made = answerBody(c.res);
    const body = made
      ? Buffer.from(made.buffer, made.byteOffset, made.byteLength)
      : Buffer.from(await c.res.clone().arrayBuffer());
    // A page shared by browsers (logged out, or the same for everyone) with a CSRF token belongs to one; never share it.
    if ((!user || forEveryone) && body.includes('name="_csrf"')) return;
    await cache.storePage(key, cache === caches.pages ? since.pages : since.readerPages, {
      body,
      contentType: type,
      tags: pageTags,
      shared: cache === caches.pages,
      forEveryone,
    });
    const stored = cache.peek(key);
    if (!stored) return;
    const headers = validators(stored);
    if (clientHasCurrent(c.req.header('if-none-match'), c.req.header('if-modified-since'), stored)) {
      c.res = new Response(null, { status: 304, headers });
      return;
    }
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
    // Sent as it was compressed to be kept, rather than compressed again (the compression middleware leaves an
    // encoded answer alone).
    const encoding = chooseEncoding(c.req.header('accept-encoding'));
    const encoded = encoding && stored.encoded[encoding];
    if (encoded) {
      const sent = new Headers(c.res.headers);
      sent.set('Content-Encoding', encoding);
      sent.set('Content-Length', String(encoded.byteLength));
      c.res = undefined;
      c.res = new Response(encoded as Uint8Array<ArrayBuffer>, { status: 200, headers: sent });
    }
  };
}

/**
 * Marks the page being rendered as cacheable, naming what it shows: for logged-out readers, with `forReaders`
 * for each logged-in reader too (see pageCaches), and with `forEveryone` (a page showing nothing of the reader's,
 * such as a feed) as one copy for every reader, logged in or not. Such a page may depend on no query parameter
 * but those in PAGE_QUERY_PARAMETERS (page-key.ts): the others are not part of its cache key.
 */
export function cacheAs(
  c: Context<AppEnv>,
  tags: string[],
  options: { forReaders?: boolean; forEveryone?: boolean } = {},
): void {
  c.set('cacheTags', tags);
  if (options.forReaders) c.set('cacheForReaders', true);
  if (options.forEveryone) c.set('cacheForEveryone', true);
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
  return remembered(cachesOf(c)?.fragments as TaggedCache<T> | undefined, key, tags, build);
}

/** The caches this request may read and fill: none while its reader's own write is not yet heard of. */
export function cachesOf(c: Context<AppEnv>): Caches | undefined {
  return c.get('uncached') ? undefined : c.get('deps').caches;
}

/**
 * Applies a change this request made to this process's caches now. The database announces it to every
 * process too (migrations 0007 and 0009), but the request's own next page must not wait for that.
 */
export function changedHere(c: Context<AppEnv>, message: string): void {
  const caches = c.get('deps').caches;
  if (caches) applyChange(caches, message);
}
