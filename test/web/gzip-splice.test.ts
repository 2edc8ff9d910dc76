import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { crc32, createGunzip, gunzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { crc32Combine, deflateChain, deflatePiece, gzipFromPieces, reachedBack } from '../../src/web/gzip-splice.js';

const ascii = Buffer.from('<p>A comment about priors and posteriors.</p>\n'.repeat(200));
const utf8 = Buffer.from('Ünïcödé ∑ x² → ∞, 数学の証明, emoji 🧮🙂\n'.repeat(50));
const binary = randomBytes(40_000);
const lines = Array.from({ length: 40_000 }, (_, i) => `<li id="c${i}">reply ${i * 7919}</li>\n`);
const megabyte = Buffer.from(lines.join('')).subarray(0, 1 << 20);
const big = megabyte.subarray(0, 300_000);
const empty = Buffer.alloc(0);

/** Feeds the gzip in small chunks, as a socket would, so block and trailer boundaries fall mid-chunk. */
async function gunzipStreaming(gzip: Buffer, chunkSize = 1021): Promise<Buffer> {
  const chunks = Array.from({ length: Math.ceil(gzip.length / chunkSize) }, (_, i) =>
    gzip.subarray(i * chunkSize, (i + 1) * chunkSize),
  );
  return buffer(Readable.from(chunks).pipe(createGunzip()));
}

/** The WHATWG decoder that browsers expose (Node's implementation); it checks the trailer and refuses extra bytes. */
async function decompressLikeBrowser(gzip: Buffer): Promise<Buffer> {
  const stream = new Blob([new Uint8Array(gzip)]).stream().pipeThrough(new DecompressionStream('gzip'));
  return Buffer.from(await new Response(stream).arrayBuffer());
}

async function expectDecodesTo(gzip: Buffer, expected: Buffer) {
  expect(gunzipSync(gzip).equals(expected)).toBe(true);
  expect((await gunzipStreaming(gzip)).equals(expected)).toBe(true);
  expect((await decompressLikeBrowser(gzip)).equals(expected)).toBe(true);
}

describe('splicing deflated pieces into one gzip', () => {
  it('decodes to exactly the concatenation of pieces compressed at different levels', async () => {
    const parts = [ascii, utf8, empty, binary, big, empty, ascii];
    const pieces = parts.map((part, i) => deflatePiece(part, [0, 1, 4, 6, 9][i % 5]!));
    await expectDecodesTo(gzipFromPieces(pieces), Buffer.concat(parts));
  });

  it('decodes a 1 MB piece spliced between small ones', async () => {
    expect(megabyte.length).toBe(1 << 20);
    const parts = [utf8, megabyte, ascii];
    await expectDecodesTo(gzipFromPieces(parts.map((part) => deflatePiece(part, 6))), Buffer.concat(parts));
  });

  it('decodes a single piece, only empty pieces, and no pieces at all', async () => {
    await expectDecodesTo(gzipFromPieces([deflatePiece(utf8, 4)]), utf8);
    await expectDecodesTo(gzipFromPieces([deflatePiece(empty, 6), deflatePiece(empty, 1)]), empty);
    await expectDecodesTo(gzipFromPieces([]), empty);
  });

  it('reuses one cached piece in two different responses', async () => {
    const cached = deflatePiece(big, 6);
    const cachedBytes = Buffer.from(cached.deflated);
    const forAlice = [Buffer.from('<header>Alice</header>'), Buffer.from('<footer>1 new reply</footer>')];
    const forBob = [Buffer.from('<header>Bob, 数学</header>'), Buffer.from('<footer>∅</footer>')];
    const respond = (around: Buffer[]) =>
      gzipFromPieces([deflatePiece(around[0]!, 1), cached, deflatePiece(around[1]!, 1)]);

    const toAlice = respond(forAlice);
    const toBob = respond(forBob);

    await expectDecodesTo(toAlice, Buffer.concat([forAlice[0]!, big, forAlice[1]!]));
    await expectDecodesTo(toBob, Buffer.concat([forBob[0]!, big, forBob[1]!]));
    expect(cached.deflated.equals(cachedBytes)).toBe(true);
  });

  it('refers back into the piece before when compressed to follow it, and decodes; smaller than alone', async () => {
    const comment = (i: number) =>
      `<article class="comment"><header><a href="/users/u${i}">User ${i}</a></header><p>Reply ${i * 7919}</p></article>`;
    const first = Buffer.from(Array.from({ length: 300 }, (_, i) => comment(i)).join(''));
    const second = Buffer.from(Array.from({ length: 3 }, (_, i) => comment(i + 300)).join(''));
    const alone = deflatePiece(second, 6);
    const following = deflatePiece(second, 6, first);
    expect(following.deflated.length).toBeLessThan(alone.deflated.length * 0.6);
    await expectDecodesTo(gzipFromPieces([deflatePiece(first, 6), following]), Buffer.concat([first, second]));
    // After other bytes than those it follows, it decodes to something else (or not at all): never use it so.
    const other = Buffer.from('x'.repeat(first.length));
    let decoded: Buffer | undefined;
    try {
      decoded = gunzipSync(gzipFromPieces([deflatePiece(other, 6), following]));
    } catch {
      decoded = undefined;
    }
    expect(decoded?.equals(Buffer.concat([other, second]))).not.toBe(true);
  });

  it('compresses texts in one chain whose pieces decode after exactly the texts before them', async () => {
    const texts = [ascii, utf8, empty, big, ascii, utf8];
    const chain = deflateChain(texts, 6);
    expect(chain).toHaveLength(texts.length);
    expect(chain.map((piece) => piece.length)).toEqual(texts.map((text) => text.length));
    await expectDecodesTo(gzipFromPieces(chain), Buffer.concat(texts));
    // A prefix of the chain, closed early, is a whole answer too.
    await expectDecodesTo(gzipFromPieces(chain.slice(0, 3)), Buffer.concat(texts.slice(0, 3)));

    // A piece refers back into the one before: random bytes repeated cost almost nothing the second time...
    const noise = binary.subarray(0, 10_000);
    const [, again] = deflateChain([noise, noise], 6);
    expect(again!.deflated.length).toBeLessThan(200);
    await expectDecodesTo(gzipFromPieces([deflatePiece(noise, 1), again!]), Buffer.concat([noise, noise]));
    // ...so after other bytes it does not decode to its text: a chain piece only follows its own predecessors.
    const other = binary.subarray(10_000, 20_000);
    let decoded: Buffer | undefined;
    try {
      decoded = gunzipSync(gzipFromPieces([deflatePiece(other, 6), again!]));
    } catch {
      decoded = undefined;
    }
    expect(decoded?.equals(Buffer.concat([other, noise]))).not.toBe(true);
  });

  it('refers back only as far as asked, so a text further back may change under a chain piece', async () => {
    // Three 3,000-byte texts of noise, then one repeating a part of each. With 4,000 bytes of reach, the last
    // piece refers into the two texts before it only, and compresses the first one's part anew.
    const part = (from: number, length = 3_000) => binary.subarray(from, from + length);
    const texts = [
      part(0),
      part(3_000),
      part(6_000),
      Buffer.concat([part(0, 1_000), part(3_000, 1_000), part(6_000, 1_000)]),
    ];
    expect(reachedBack(texts, 3, 4_000)).toBe(1);
    expect(reachedBack(texts, 3, 32 * 1024)).toBe(0);
    expect(reachedBack(texts, 0, 4_000)).toBe(0);
    const near = deflateChain(texts, 6, 4_000);
    const whole = deflateChain(texts, 6);
    expect(near[3]!.deflated.length).toBeGreaterThan(1_000);
    expect(whole[3]!.deflated.length).toBeLessThan(200);
    await expectDecodesTo(gzipFromPieces(near), Buffer.concat(texts));
    await expectDecodesTo(gzipFromPieces(whole), Buffer.concat(texts));
    // The first text, beyond the reach of the near chain's last two pieces, is replaced: they still decode
    const replaced = [part(20_000), ...texts.slice(1)];
    const first = deflatePiece(replaced[0]!, 6);
    // (the second text's piece, which may refer into it, made again alone)...
    await expectDecodesTo(
      gzipFromPieces([first, deflatePiece(texts[1]!, 6), near[2]!, near[3]!]),
      Buffer.concat(replaced),
    );
    // ...and the whole window's last piece, which refers into it, does not.
    let decoded: Buffer | undefined;
    try {
      decoded = gunzipSync(gzipFromPieces([first, ...whole.slice(1)]));
    } catch {
      decoded = undefined;
    }
    expect(decoded?.equals(Buffer.concat(replaced))).not.toBe(true);
  });

  it('writes the length modulo 2^32 once the pieces add up past 4 GiB', () => {
    const zeros = deflatePiece(Buffer.alloc(1 << 16), 6);
    const pieces = Array.from({ length: (1 << 16) + 3 }, () => zeros);
    const gzip = gzipFromPieces(pieces);
    expect(gzip.readUInt32LE(gzip.length - 4)).toBe(3 << 16);
  });

  it('is refused by the decoders when the trailer is corrupted', async () => {
    const gzip = gzipFromPieces([deflatePiece(ascii, 6), deflatePiece(binary, 1)]);
    const badCrc = Buffer.from(gzip);
    badCrc[badCrc.length - 8]! ^= 0x01;
    const badLength = Buffer.from(gzip);
    badLength[badLength.length - 4]! ^= 0x01;

    expect(gunzipSync(gzip).length).toBe(ascii.length + binary.length);
    expect(() => gunzipSync(badCrc)).toThrow(/incorrect data check/);
    expect(() => gunzipSync(badLength)).toThrow(/incorrect length check/);
    await expect(decompressLikeBrowser(badCrc)).rejects.toThrow();
  });

  it('still computes CRCs when zlib.crc32 is missing (Node before 20.15)', async () => {
    vi.resetModules();
    vi.doMock('node:zlib', async (importOriginal) => ({
      ...(await importOriginal<typeof import('node:zlib')>()),
      crc32: undefined,
    }));
    try {
      const splice = await import('../../src/web/gzip-splice.js');
      const piece = splice.deflatePiece(binary, 4);
      expect(piece.crc).toBe(crc32(binary));
      const parts = [utf8, binary, empty, ascii];
      expect(gunzipSync(splice.gzipFromPieces(parts.map((part) => splice.deflatePiece(part, 6))))).toEqual(
        Buffer.concat(parts),
      );
    } finally {
      vi.doUnmock('node:zlib');
      vi.resetModules();
    }
  });
});

describe('combining CRC-32s', () => {
  it('agrees with the CRC of the concatenation for random splits', () => {
    const data = randomBytes(5000);
    const splits = [0, 1, 4999, 5000, ...Array.from({ length: 200 }, () => Math.floor(Math.random() * 5001))];
    for (const at of splits) {
      const [first, second] = [data.subarray(0, at), data.subarray(at)];
      expect(crc32Combine(crc32(first), crc32(second), second.length), `split at ${at}`).toBe(crc32(data));
    }
  });

  it('returns the first CRC when the second data is empty', () => {
    for (const crc of [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, crc32(utf8)]) {
      expect(crc32Combine(crc, 0, 0)).toBe(crc);
    }
  });

  it('agrees with the CRC of data longer than 512 MiB, where x^(2^n) mod p wraps', () => {
    const head = randomBytes(1000);
    const chunk = Buffer.alloc(1 << 20, 0x5a);
    const chunks = 520; // 8 bits per byte: past 2^32 bits, so the table is used beyond its 32 entries
    let tail = 0;
    let expected = crc32(head);
    for (let i = 0; i < chunks; i++) {
      tail = crc32(chunk, tail);
      expected = crc32(chunk, expected);
    }
    expect(crc32Combine(crc32(head), tail, chunks * chunk.length)).toBe(expected);
  });

  it('handles lengths past 2^32 bytes, where the factor x^(8·len) repeats every 2^32 − 1 bytes', () => {
    // x^(2^32 − 1) = 1 mod p, so lengths that differ by a multiple of 2^32 − 1 shift a CRC alike.
    const period = 2 ** 32 - 1;
    const [first, second] = [randomBytes(300), randomBytes(700)];
    const whole = crc32(Buffer.concat([first, second]));
    for (const multiple of [1, 2, 257, 2 ** 20 + 3]) {
      const length = second.length + multiple * period;
      expect(crc32Combine(crc32(first), crc32(second), length), `length ${length}`).toBe(whole);
    }
  });
});
