/**
 * Orders of millions of rows, computed by sorting one Float64Array of (key, index) pairs packed into exact
 * integers: much faster than sorting indices with a comparator. Ties keep index order.
 */
export function orderByKey(n: number, key: (i: number) => number, keys: number): Uint32Array {
  const indexBits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const scale = 2 ** indexBits;
  if (keys * scale > Number.MAX_SAFE_INTEGER) throw new Error(`orderByKey: ${keys} keys × ${n} rows exceed 53 bits`);
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) packed[i] = key(i) * scale + i;
  packed.sort();
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = packed[i]! - Math.floor(packed[i]! / scale) * scale;
  return order;
}

/** Indices of `times` (epoch ms within [start, end]) in time order, time quantized only as far as 53 bits need. */
export function chronologicalOrder(times: Float64Array, start: number, end: number): Uint32Array {
  const n = times.length;
  const indexBits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const timeBits = Math.ceil(Math.log2(end - start + 2));
  const quantum = 2 ** Math.max(0, timeBits + indexBits - 52);
  return orderByKey(n, (i) => Math.floor((times[i]! - start) / quantum), Math.ceil((end - start + 1) / quantum) + 1);
}

/** Each string's rank in sorted (code unit) order. */
export function ranks(strings: readonly string[]): Int32Array {
  const sorted = Array.from(strings.keys()).sort((a, b) =>
    strings[a]! < strings[b]! ? -1 : strings[a]! > strings[b]! ? 1 : 0,
  );
  const rank = new Int32Array(strings.length);
  for (const [r, i] of sorted.entries()) rank[i] = r;
  return rank;
}
