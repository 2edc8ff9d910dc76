import type { IncomingMessage, ServerResponse } from 'node:http';
import { cachedAnswer } from './answer.js';
import type { Caches } from './caches.js';

/**
 * Serves a cached page straight from node:http, before the web framework builds its request and response
 * objects: on a hit the whole answer is a map lookup and one write. Anything else (a miss, another method)
 * returns false and goes through the app as usual, which is also what fills the caches.
 */
export function serveCachedPage(caches: Caches, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' || !req.url) return false;
  const answer = cachedAnswer(caches, {
    url: req.url,
    cookie: req.headers.cookie,
    ifNoneMatch: req.headers['if-none-match'],
    ifModifiedSince: req.headers['if-modified-since'],
    acceptEncoding: req.headers['accept-encoding'],
  });
  if (!answer) return false;
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body ?? undefined);
  return true;
}
