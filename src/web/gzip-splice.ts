// One gzip response spliced from raw DEFLATE pieces compressed at different times: some once and cached (shared by
// every reader), some per request. Raw DEFLATE streams concatenate when each piece ends with a sync flush
// (byte-aligned, not final) and refers back only into bytes that really come before it in the answer: none, or
// those it was compressed to follow (deflatePiece's `follows`); the splice then closes the stream with one final
// empty block. The gzip trailer needs the CRC-32 and length of the whole
// uncompressed data, so each piece carries its own and they are combined without the data.
//
// Measured (Node 20.20, a busy 2-core machine; a one-off script, not a test): crc32Combine takes 0.3 µs for a
// 7 KB piece and 0.5 µs for 1 GB. gzipFromPieces of 60 cached pieces (a 520 KB page of 2 to 15 KB comments,
// 139 KB deflated) takes 30 to 40 µs, about 20 µs of it combining CRCs, against 4.6 ms to gzip the page whole at
// level 4. The price is size: on that page (commonmark spec text) pieces compressed alone came out 30 % larger
// than the page gzipped whole at level 6; compressed to follow the pieces before them, a comment section is
// within about a tenth (each piece still has its own Huffman codes).
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { outputRoom } from './compression.js';

/** A raw DEFLATE piece that can be followed by others, with the CRC-32 and length of its uncompressed bytes. */
export interface DeflatedPiece {
  readonly deflated: Buffer;
  readonly crc: number;
  readonly length: number;
}

/** The most a piece can refer back: DEFLATE's window. */
export const DEFLATE_WINDOW = 32 * 1024;

/**
 * Compresses bytes as a raw DEFLATE piece that can be followed by others (ends with a sync flush, not final).
 * With `follows`, the piece may refer back into those bytes: it must then come straight after a piece of exactly
 * those bytes (their last DEFLATE_WINDOW bytes are what the decoder will have just written).
 */
export function deflatePiece(bytes: Uint8Array, level: number, follows?: Uint8Array): DeflatedPiece {
  // An empty piece needs no block at all; zlib would spend five bytes on an empty stored one.
  const deflated =
    bytes.byteLength === 0
      ? Buffer.alloc(0)
      : zlib.deflateRawSync(bytes, {
          level,
          finishFlush: zlib.constants.Z_SYNC_FLUSH,
          ...(follows && follows.byteLength > 0
            ? { dictionary: follows.subarray(Math.max(0, follows.byteLength - DEFLATE_WINDOW)) }
            : {}),
        });
  return { deflated, crc: crc32(bytes), length: bytes.byteLength };
}

/** The most a stored DEFLATE block holds (its length is 16 bits). */
const STORED_BLOCK_MAX = 0xffff;

/**
 * Bytes as a piece of stored (uncompressed) DEFLATE blocks, without zlib: for a few short bytes between pieces
 * compressed once (a reader's name, a token), where a compressor's set-up costs more than it saves. Each block
 * is a byte of header (not final, type 00, padded: a piece starts byte-aligned), the length and its complement.
 */
export function storedPiece(bytes: Uint8Array): DeflatedPiece {
  const blocks = Math.ceil(bytes.byteLength / STORED_BLOCK_MAX);
  const deflated = Buffer.allocUnsafe(bytes.byteLength + blocks * 5);
  let at = 0;
  for (let from = 0; from < bytes.byteLength; from += STORED_BLOCK_MAX) {
    const length = Math.min(STORED_BLOCK_MAX, bytes.byteLength - from);
    deflated[at] = 0;
    deflated.writeUInt16LE(length, at + 1);
    deflated.writeUInt16LE(~length & 0xffff, at + 3);
    at += 5 + Buffer.from(bytes.buffer, bytes.byteOffset + from, length).copy(deflated, at + 5);
  }
  return { deflated, crc: crc32(bytes), length: bytes.byteLength };
}

const deflateRaw = promisify(zlib.deflateRaw);

/** deflatePiece without `follows`, on libuv's threads: for a long text, off the event loop. */
export async function deflatePieceAsync(bytes: Uint8Array, level: number): Promise<DeflatedPiece> {
  const deflated =
    bytes.byteLength === 0
      ? Buffer.alloc(0)
      : await deflateRaw(bytes, { level, finishFlush: zlib.constants.Z_SYNC_FLUSH, chunkSize: outputRoom(bytes) });
  return { deflated, crc: crc32(bytes), length: bytes.byteLength };
}

/**
 * Compresses texts one after another, as pieces: piece i refers back into the texts before it that `reach`
 * bytes back touch (reachedBack), so it must come straight after them, as deflatePiece with `follows` makes it.
 * Synchronous: comments/segments.ts runs a long one in a render worker (content/pool.ts).
 */
export function deflateChain(texts: readonly Uint8Array[], level: number, reach = DEFLATE_WINDOW): DeflatedPiece[] {
  return texts.map((text, i) => deflatePiece(text, level, Buffer.concat(texts.slice(reachedBack(texts, i, reach), i))));
}

/**
 * Where the texts a piece at `end` may refer back into begin: the last texts before `end` whose bytes make up
 * `reach` (whole texts; deflatePiece keeps at most DEFLATE_WINDOW of them). Fewer bytes back make a piece
 * cheaper to compress and valid after more changes, at some cost in size.
 */
export function reachedBack(texts: readonly { byteLength: number }[], end: number, reach: number): number {
  let bytes = 0;
  let from = end;
  while (from > 0 && bytes < reach) bytes += texts[--from]!.byteLength;
  return from;
}

/**
 * Magic 1f 8b, method 8 (deflate), no flags, mtime 0 (so the same pieces always splice into the same bytes),
 * no extra flags, OS 255 (unknown).
 */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff]);
/**
 * A final (BFINAL = 1), fixed-Huffman (BTYPE = 01) block holding only end-of-block (seven zero bits): it ends the
 * stream after byte-aligned pieces, so every piece, the last one included, can be made alike.
 */
const FINAL_EMPTY_BLOCK = [0x03, 0x00];
const ISIZE_MODULUS = 2 ** 32;

/** The whole gzip member: header, the pieces in order, a final empty block, CRC-32 and length (mod 2^32). */
export function gzipFromPieces(pieces: readonly DeflatedPiece[]): Buffer {
  let crc = 0; // the CRC-32 of no bytes
  let length = 0;
  let size = GZIP_HEADER.length + FINAL_EMPTY_BLOCK.length + 8;
  for (const piece of pieces) {
    crc = crc32Combine(crc, piece.crc, piece.length);
    length += piece.length;
    size += piece.deflated.length;
  }
  const gzip = Buffer.allocUnsafe(size);
  let at = GZIP_HEADER.copy(gzip, 0);
  for (const piece of pieces) at += piece.deflated.copy(gzip, at);
  for (const byte of FINAL_EMPTY_BLOCK) gzip[at++] = byte;
  at = gzip.writeUInt32LE(crc, at);
  gzip.writeUInt32LE(length % ISIZE_MODULUS, at);
  return gzip;
}

// CRC-32 arithmetic is over polynomials with coefficients mod 2, reduced modulo the CRC polynomial p, in zlib's
// reflected bit order: bit 31 holds the coefficient of x^0 and bit 0 that of x^31. Inside, values stay signed
// 32-bit integers, which V8 passes and returns without boxing; only crc32Combine's result is made unsigned.
const POLY = 0xedb88320 | 0;
const ONE = 0x80000000 | 0;

/** a·b mod p. */
function multiplyModP(a: number, b: number): number {
  let product = 0;
  // Walks a's terms from x^0 upward (its sign bit, then each one shifted in) while b becomes b·x, b·x², …, until a
  // has no terms left. Masks instead of branches: the bits are random, and mispredicted branches made it 4× slower.
  for (let rest = a | 0; rest !== 0; rest <<= 1) {
    product ^= b & (rest >> 31);
    b = (b >>> 1) ^ (POLY & -(b & 1));
  }
  return product;
}

/** X_POW_2N[n] = x^(2^n) mod p, each the square of the one before. */
const X_POW_2N: number[] = [ONE >>> 1];
for (let n = 1; n < 32; n++) X_POW_2N.push(multiplyModP(X_POW_2N[n - 1]!, X_POW_2N[n - 1]!));

/** x^(8·bytes) mod p: the factor that shifts a CRC past `bytes` bytes. */
function shiftPastBytes(bytes: number): number {
  let factor = ONE;
  // 8·bytes = Σ 2^k over the set bits of bytes shifted up by 3. Since x^(2^32) = x mod p, the table repeats with
  // period 32, so lengths past 512 MiB need no more entries. Halving by division keeps lengths above 2^32 exact.
  // The factor goes first: multiplyModP walks its first argument's terms, and ONE has a single one.
  for (let rest = bytes, k = 3; rest >= 1; rest = Math.floor(rest / 2), k++) {
    if (rest % 2 === 1) factor = multiplyModP(factor, X_POW_2N[k % 32]!);
  }
  return factor;
}

/**
 * CRC-32 (zlib's) of crc1's data followed by data of length len2 whose CRC is crc2, without the data. Costs one
 * small multiplication per set bit of len2 (zlib ≥ 1.2.12's method).
 */
export function crc32Combine(crc1: number, crc2: number, len2: number): number {
  // Running on from the register after crc1's data, rather than from the initial all-ones, differs by exactly
  // crc1 (the register then is crc1 before its final inversion), and len2 bytes shift that difference by x^(8·len2).
  return (multiplyModP(shiftFor(len2), crc1) ^ crc2) >>> 0;
}

/**
 * shiftPastBytes by length, kept: a page's pieces are mostly kept ones (its comment segments, its frame), whose
 * lengths come again on every view. Working each factor out again was most of splicing a long page (hot thread,
 * CPU profile: 2 % of the server's time).
 */
const shiftsByLength = new Map<number, number>();
/** Lengths whose factor is kept (a few MB at most); past that the memo starts again. */
const SHIFTS_KEPT = 50_000;

function shiftFor(bytes: number): number {
  let factor = shiftsByLength.get(bytes);
  if (factor === undefined) {
    factor = shiftPastBytes(bytes);
    if (shiftsByLength.size >= SHIFTS_KEPT) shiftsByLength.clear();
    shiftsByLength.set(bytes, factor);
  }
  return factor;
}

// zlib.crc32 arrived in Node 20.15; read through the namespace, because a named import of a missing export of a
// built-in module fails when the module loads.
const nativeCrc32 = typeof zlib.crc32 === 'function' ? zlib.crc32 : undefined;
let crcTable: Uint32Array | undefined;

/** The CRC-32 of a text's UTF-8: a fingerprint of a long text kept beside something made from it. */
export function crcOf(text: string): number {
  return crc32(Buffer.from(text));
}

function crc32(bytes: Uint8Array): number {
  if (nativeCrc32) return nativeCrc32(bytes);
  crcTable ??= makeCrcTable();
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** For the byte-at-a-time loop: what each byte value, shifted out of the register, leaves in it. */
function makeCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLY : crc >>> 1;
    table[byte] = crc;
  }
  return table;
}
