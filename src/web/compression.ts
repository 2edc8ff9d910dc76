import { gzipSync } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';

const COMPRESSIBLE = /^(text\/|application\/(json|javascript|rss\+xml|atom\+xml|xml)|image\/svg\+xml)/;
/** Below this size gzip saves too little to be worth the time. */
const MIN_BYTES = 1024;

/**
 * Gzips text responses in one step. Our pages are rendered whole, so compressing the finished body at once is
 * cheaper than a compression stream, which writes the response in many small pieces.
 */
export const compression: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const res = c.res;
  if (
    res.headers.has('content-encoding') ||
    !res.body ||
    !COMPRESSIBLE.test(res.headers.get('content-type') ?? '') ||
    !/\bgzip\b/.test(c.req.header('accept-encoding') ?? '')
  ) {
    return;
  }
  const body = new Uint8Array(await res.arrayBuffer());
  const headers = new Headers(res.headers);
  headers.append('Vary', 'Accept-Encoding');
  if (body.byteLength < MIN_BYTES) {
    c.res = undefined;
    c.res = new Response(body, { status: res.status, headers });
    return;
  }
  const gzipped = gzipSync(body);
  headers.set('Content-Encoding', 'gzip');
  headers.set('Content-Length', String(gzipped.byteLength));
  c.res = undefined;
  c.res = new Response(gzipped, { status: res.status, headers });
};
