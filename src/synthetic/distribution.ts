import type { Random } from './random.js';

/** Weights 1 / (rank + offset) ^ exponent for ranks 1..n: Zipf's law, flattened at the top by the offset. */
export function zipfWeights(n: number, exponent: number, offset: number): Float64Array {
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) weights[i] = (i + 1 + offset) ** -exponent;
  return weights;
}

/** The largest expected count the top item of a Zipf curve should get: a few posts with thousands of comments. */
export function topCommentCount(totalComments: number): number {
  return Math.min(MAX_TOP_COMMENTS, Math.max(1, Math.round(totalComments / TOTAL_PER_TOP)));
}
const MAX_TOP_COMMENTS = 3_000;
const TOTAL_PER_TOP = 500;

/**
 * Weights by popularity rank for `n` posts sharing `total` comments so that the most popular one expects about
 * `top`: 1 / (rank + r0), with r0 found by bisection (a larger offset flattens the head). When even equal
 * shares would exceed `top`, every post weighs the same.
 */
export function commentWeights(n: number, total: number, top: number): Float64Array {
  if (n === 0) return new Float64Array(0);
  const ratio = total / top;
  const spread = (r0: number) => {
    let sum = 0;
    for (let r = 1; r <= n; r++) sum += 1 / (r + r0);
    return (1 + r0) * sum;
  };
  if (ratio >= n * 0.999) return new Float64Array(n).fill(1);
  let lo = 0;
  let hi = 1;
  while (spread(hi) < ratio) hi *= 2;
  if (spread(lo) >= ratio) return zipfWeights(n, 1, 0);
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (spread(mid) < ratio) lo = mid;
    else hi = mid;
  }
  return zipfWeights(n, 1, (lo + hi) / 2);
}

/** Walker's alias method: draws an index with probability proportional to its weight in O(1). */
export class AliasTable {
  private readonly probability: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new Error('AliasTable needs at least one weight');
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i]!;
    if (!(total > 0)) throw new Error('AliasTable needs a positive total weight');
    this.probability = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small = new Int32Array(n);
    const large = new Int32Array(n);
    let s = 0;
    let l = 0;
    for (let i = 0; i < n; i++) {
      scaled[i] = (weights[i]! * n) / total;
      if (scaled[i]! < 1) small[s++] = i;
      else large[l++] = i;
    }
    while (s > 0 && l > 0) {
      const less = small[--s]!;
      const more = large[--l]!;
      this.probability[less] = scaled[less]!;
      this.alias[less] = more;
      scaled[more] = scaled[more]! + scaled[less]! - 1;
      if (scaled[more]! < 1) small[s++] = more;
      else large[l++] = more;
    }
    while (l > 0) this.probability[large[--l]!] = 1;
    while (s > 0) this.probability[small[--s]!] = 1;
  }

  get size(): number {
    return this.probability.length;
  }

  sample(random: Random): number {
    const i = random.int(this.probability.length);
    return random.float() < this.probability[i]! ? i : this.alias[i]!;
  }
}

/**
 * Spreads `total` draws over items by weight (a multinomial sample), no item receiving more than cap[i] (or
 * `cap` for all). A full item's draws go elsewhere; the caller checks beforehand that the caps leave room.
 */
export function allocate(total: number, table: AliasTable, random: Random, cap?: number | Int32Array): Int32Array {
  const counts = new Int32Array(table.size);
  const capOf = (i: number) => (cap === undefined ? Infinity : typeof cap === 'number' ? cap : cap[i]!);
  let room = 0;
  for (let i = 0; i < table.size; i++) room += Math.min(capOf(i), total);
  if (room < total) throw new Error(`Cannot place ${total} items: the caps leave room for ${room}`);
  let cursor = 0;
  for (let placed = 0; placed < total; placed++) {
    let i = table.sample(random);
    // A full item redirects the draw: a few more weighted tries, then the next item with room.
    for (let tries = 0; counts[i]! >= capOf(i) && tries < 20; tries++) i = table.sample(random);
    if (counts[i]! >= capOf(i)) {
      while (counts[cursor]! >= capOf(cursor)) cursor = (cursor + 1) % table.size;
      i = cursor;
    }
    counts[i] = counts[i]! + 1;
  }
  return counts;
}
