import { randomBytes } from 'node:crypto';
import { brotliDecompressSync, gunzipSync, inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseEncoding, compressLarge, outputRoom } from '../../src/web/compression.js';
import { deflatePieceAsync } from '../../src/web/gzip-splice.js';
import { makeTestApp, TestClient, useTestDatabase } from '../helpers/app.js';
import { makePost } from '../helpers/factories.js';

const { db } = useTestDatabase();
let plain: Awaited<ReturnType<typeof makeTestApp>>;
let cached: Awaited<ReturnType<typeof makeTestApp>>;

beforeAll(async () => {
  plain = await makeTestApp(db);
  cached = await makeTestApp(db, { PAGE_CACHE_TTL_MS: '60000' });
});
afterAll(async () => {
  await cached.caching?.stop();
});

async function bytes(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

/** Asks for a page in brotli until the page cache answers it (it is stored once compressed, off the request). */
async function brotliHit(client: TestClient, path: string): Promise<Response> {
  let hit = await client.get(path, { 'accept-encoding': 'br' });
  for (let i = 0; i < 50 && hit.headers.get('x-cache') !== 'hit'; i++) {
    await new Promise((r) => setTimeout(r, 40));
    hit = await client.get(path, { 'accept-encoding': 'br' });
  }
  return hit;
}

function decode(body: Buffer, encoding: string | null): string {
  if (encoding === 'br') return brotliDecompressSync(body).toString();
  if (encoding === 'gzip') return gunzipSync(body).toString();
  return body.toString();
}

describe('choosing an encoding', () => {
  it('prefers brotli, falls back to gzip, and honours q=0', () => {
    expect(chooseEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(chooseEncoding('gzip')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(chooseEncoding('gzip;q=0')).toBeUndefined();
    expect(chooseEncoding('identity')).toBeUndefined();
    expect(chooseEncoding('*')).toBe('gzip');
    expect(chooseEncoding(undefined)).toBeUndefined();
  });
});

describe('compressing off the event loop', () => {
  // Text that compresses well fits the output buffer at once; random bytes overflow it and take more trips.
  const text = Buffer.from('<p class="comment">A reply about $x^2$ and Bayes — ünïcode too.</p>\n'.repeat(9000));
  const noise = randomBytes(300 * 1024);
  it('decodes to the same bytes whether the output fits its buffer or overflows it', async () => {
    for (const body of [text, noise, text.subarray(0, 70 * 1024)]) {
      expect(brotliDecompressSync(await compressLarge(body, 'br', 'each')).equals(body)).toBe(true);
      expect(brotliDecompressSync(await compressLarge(body, 'br', 'once')).equals(body)).toBe(true);
      expect(gunzipSync(await compressLarge(body, 'gzip', 'each')).equals(body)).toBe(true);
      const piece = await deflatePieceAsync(body, 1);
      expect(inflateRawSync(piece.deflated, { finishFlush: 2 }).equals(body)).toBe(true);
      expect(piece.length).toBe(body.byteLength);
    }
    expect((await compressLarge(noise, 'br', 'each')).byteLength).toBeGreaterThan(outputRoom(noise));
    expect((await compressLarge(text, 'br', 'each')).byteLength).toBeLessThan(outputRoom(text));
  });
});

describe('compressed responses', () => {
  it('sends pages in brotli or gzip as asked, each decoding to the same page', async () => {
    await makePost(db, { title: 'Squeezed' });
    const client = new TestClient(plain.app);
    const identity = await client.get('/', { 'accept-encoding': 'identity' });
    expect(identity.headers.get('content-encoding')).toBeNull();
    const page = (await bytes(identity)).toString();
    expect(page).toContain('Squeezed');
    for (const asked of ['br', 'gzip']) {
      const response = await client.get('/', { 'accept-encoding': asked });
      expect(response.headers.get('content-encoding')).toBe(asked);
      expect(response.headers.get('vary')).toContain('Accept-Encoding');
      const body = await bytes(response);
      expect(body.byteLength).toBeLessThan(page.length / 2);
      // Relative times may tick between renders; the rest is the same page.
      expect(decode(body, asked).replace(/<time[^<]*<\/time>/g, '')).toBe(page.replace(/<time[^<]*<\/time>/g, ''));
    }
  });

  it('serves cached pages to logged-out readers in brotli, gzip or plain from the same copy', async () => {
    const post = await makePost(db, { title: 'Cached and squeezed' });
    const path = `/posts/${post.id}/cached-and-squeezed`;
    const client = new TestClient(cached.app);
    const hit = await brotliHit(client, path);
    expect(hit.headers.get('x-cache')).toBe('hit');
    expect(hit.headers.get('content-encoding')).toBe('br');
    const fromBrotli = decode(await bytes(hit), 'br');
    expect(fromBrotli).toContain('Cached and squeezed');
    // Gzip is made when a client first asks for it, then kept.
    const gzip = await client.get(path, { 'accept-encoding': 'gzip' });
    expect(gzip.headers.get('x-cache')).toBe('hit');
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    const gzipped = await bytes(gzip);
    expect(Number(gzip.headers.get('content-length'))).toBe(gzipped.byteLength);
    expect(decode(gzipped, 'gzip')).toBe(fromBrotli);
    expect(Buffer.compare(await bytes(await client.get(path, { 'accept-encoding': 'gzip' })), gzipped)).toBe(0);
    const none = await client.get(path, { 'accept-encoding': 'identity' });
    expect(none.headers.get('content-encoding')).toBeNull();
    expect(await none.text()).toBe(fromBrotli);
  });

  it('compresses a long page off the event loop, as it is sent and as it is cached, to the same page', async () => {
    // Past the size from which compression runs on libuv's threads.
    const paragraphs = Array.from({ length: 900 }, (_, i) => `Paragraph ${i}: the prior on $\\theta_{${i}}$ moves.`);
    const post = await makePost(db, { title: 'Long and squeezed', markdown: paragraphs.join('\n\n') });
    const path = `/posts/${post.id}/long-and-squeezed`;
    const page = await (await new TestClient(plain.app).get(path, { 'accept-encoding': 'identity' })).text();
    expect(page.length).toBeGreaterThan(100_000);
    for (const asked of ['br', 'gzip']) {
      const response = await new TestClient(plain.app).get(path, { 'accept-encoding': asked });
      expect(response.headers.get('content-encoding')).toBe(asked);
      expect(decode(await bytes(response), asked).replace(/<time[^<]*<\/time>/g, '')).toBe(
        page.replace(/<time[^<]*<\/time>/g, ''),
      );
    }
    const client = new TestClient(cached.app);
    const hit = await brotliHit(client, path);
    expect(hit.headers.get('x-cache')).toBe('hit');
    expect(decode(await bytes(hit), 'br')).toContain('Paragraph 899');
  });

  it('sends static assets compressed once, cacheable for a year', async () => {
    const client = new TestClient(plain.app);
    const html = await (await client.get('/login')).text();
    const css = html.match(/href="(\/static\/style\.[\w-]+\.css)"/)![1]!;
    const original = await (await client.get(css, { 'accept-encoding': 'identity' })).text();
    expect(original).toContain('{');
    for (const asked of ['br', 'gzip']) {
      const response = await client.get(css, { 'accept-encoding': asked });
      expect(response.headers.get('content-encoding')).toBe(asked);
      expect(response.headers.get('cache-control')).toContain('immutable');
      expect(decode(await bytes(response), asked)).toBe(original);
    }
  });
});
