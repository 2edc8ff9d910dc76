import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import { answerBody } from './answer-body.js';
import type { AppEnv } from './context.js';

// Not text/event-stream: a stream of live updates is written as events happen, never finished to compress.
const COMPRESSIBLE = /^(text\/(?!event-stream)|application\/(json|javascript|rss\+xml|atom\+xml|xml)|image\/svg\+xml)/;
/** Below this size compression saves too little to be worth the time. */
const MIN_BYTES = 1024;

export type Encoding = 'br' | 'gzip';

export function isCompressible(contentType: string): boolean {
  return COMPRESSIBLE.test(contentType);
}

/**
 * The encoding to answer with: brotli when the client takes it (every current browser does; on our pages it is
 * about a third smaller than gzip at the same speed), else gzip, else none. Honours `;q=0`.
 */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding | undefined {
  const accepted = acceptedEncodings(acceptEncoding);
  return accepted.has('br') ? 'br' : accepted.has('gzip') ? 'gzip' : undefined;
}

/** Whether the client takes gzip (every browser does), for answers spliced from gzip pieces (gzip-splice.ts). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  return acceptedEncodings(acceptEncoding).has('gzip');
}

const NONE: ReadonlySet<Encoding> = new Set();
// Browsers send one of a handful of values; cached pages are answered at tens of thousands a second.
const parsed = new Map<string, ReadonlySet<Encoding>>();

function acceptedEncodings(acceptEncoding: string | undefined): ReadonlySet<Encoding> {
  if (!acceptEncoding) return NONE;
  const known = parsed.get(acceptEncoding);
  if (known) return known;
  const accepted = new Set<Encoding>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const refused = params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p));
    if (refused) continue;
    if (name === 'br') accepted.add('br');
    if (name === 'gzip' || name === '*') accepted.add('gzip');
  }
  if (parsed.size < 100) parsed.set(acceptEncoding, accepted);
  return accepted;
}

/**
 * How hard to compress: `once` for a page the cache will send many times, `each` for a response rendered for
 * one request. Measured here: a 2.6 MB comment page takes brotli 5 to 228 KB in 22 ms (gzip 6: 345 KB in
 * 19 ms; brotli 11 would save 15 % more but takes seconds). Made per request: a 434 KB logged-in comment page
 * takes brotli 1 to 34 KB in 0.42 ms (brotli 3: 31.5 KB in 0.94 ms; gzip 4: 37.5 KB in 1.43 ms), a 40 KB
 * frontpage brotli 1 to 10.2 KB in 0.13 ms.
 */
const EFFORT = {
  best: { br: 11, gzip: 9 },
  once: { br: 5, gzip: 6 },
  each: { br: 1, gzip: 4 },
} as const;

export function compress(body: Uint8Array, encoding: Encoding, effort: keyof typeof EFFORT = 'once'): Buffer {
  const level = EFFORT[effort][encoding];
  return encoding === 'br' ? brotliCompressSync(body, brotliOptions(level, body)) : gzipSync(body, { level });
}

function brotliOptions(level: number, body: Uint8Array) {
  return { params: { [constants.BROTLI_PARAM_QUALITY]: level, [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength } };
}

/** From this size a body is compressed on libuv's threads, off the event loop (the hop costs about 0.1 ms). */
const ASYNC_FROM_BYTES = 64 * 1024;

/**
 * The output buffer for compressing `bytes` off the event loop: room for all of it at once. With zlib's default
 * 16 KB, each 16 KB of output was a round trip through the event loop, and brotli flushed at each: a 467 KB post
 * page at brotli 1 took 0.96 ms of the event loop and 2.56 ms of CPU in all, against 0.28 and 1.01 ms in one
 * buffer (gzip and harder brotli gain less). Our pages compress at least fourfold; more output just takes
 * another trip.
 */
export function outputRoom(bytes: Uint8Array): number {
  return Math.max(16 * 1024, Math.ceil(bytes.byteLength / 4));
}
const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * `compress`, off the event loop for a large body: compressing a long discussion took tens of milliseconds in
 * which no other request was answered.
 */
export async function compressLarge(
  body: Uint8Array,
  encoding: Encoding,
  effort: keyof typeof EFFORT = 'once',
): Promise<Buffer> {
  if (body.byteLength < ASYNC_FROM_BYTES) return compress(body, encoding, effort);
  const level = EFFORT[effort][encoding];
  const chunkSize = outputRoom(body);
  return encoding === 'br'
    ? brotliAsync(body, { ...brotliOptions(level, body), chunkSize })
    : gzipAsync(body, { level, chunkSize });
}

/**
 * Compresses text responses in one step. Our pages are rendered whole, so compressing the finished body at
 * once is cheaper than a compression stream, which writes the response in many small pieces.
 */
export const compression: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const res = c.res;
  if (res.headers.has('content-encoding') || !res.body || !isCompressible(res.headers.get('content-type') ?? '')) {
    return;
  }
  const encoding = chooseEncoding(c.req.header('accept-encoding'));
  if (!encoding) return;
  const body = answerBody(res) ?? new Uint8Array(await res.arrayBuffer());
  const headers = new Headers(res.headers);
  headers.append('Vary', 'Accept-Encoding');
  if (body.byteLength < MIN_BYTES) {
    c.res = undefined;
    c.res = new Response(body as Uint8Array<ArrayBuffer>, { status: res.status, headers });
    return;
  }
  const compressed = await compressLarge(body, encoding, 'each');
  headers.set('Content-Encoding', encoding);
  headers.set('Content-Length', String(compressed.byteLength));
  c.res = undefined;
  c.res = new Response(compressed as Uint8Array<ArrayBuffer>, { status: res.status, headers });
};
