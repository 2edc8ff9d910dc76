import type { IncomingMessage, ServerResponse } from 'node:http';
import { SESSION_COOKIE } from '../accounts/sessions.js';
import { chooseEncoding } from '../web/compression.js';
import { SECURITY_HEADERS } from '../web/security-headers.js';
import type { PageCache } from './page-cache.js';
import { type CachedPage, encodedBody, notModified, validators } from './page-cache.js';

/**
 * Serves a cached page to a logged-out reader straight from node:http, before the web framework builds its
 * request and response objects: on a hit the whole answer is a map lookup and one write. Anything else (a
 * session cookie, a miss, another method) returns false and goes through the app as usual, which is also
 * what fills the cache.
 */
export function serveCachedPage(cache: PageCache, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' || !req.url) return false;
  const cookie = req.headers.cookie;
  if (cookie?.includes(`${SESSION_COOKIE}=`)) return false;
  const page: CachedPage | undefined = cache.get(req.url);
  if (!page) return false;
  const headers: Record<string, string> = { ...SECURITY_HEADERS, ...validators(page), 'X-Cache': 'hit' };
  if (notModified(req.headers['if-none-match'], req.headers['if-modified-since'], page)) {
    res.writeHead(304, headers);
    res.end();
    return true;
  }
  const encoding = chooseEncoding(req.headers['accept-encoding']);
  const body = encodedBody(page, encoding);
  headers['Content-Type'] = page.contentType;
  headers['Content-Length'] = String(body.byteLength);
  if (encoding) headers['Content-Encoding'] = encoding;
  res.writeHead(200, headers);
  res.end(body);
  return true;
}
