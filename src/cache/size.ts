/** Bytes V8 spends on an object or array beyond its contents (header, hidden class, backing store slack). */
const OBJECT_OVERHEAD = 32;
/** Per property or element: the slot and, for maps, the hash table entry. */
const SLOT = 16;
/** Values nested deeper than this are counted as one slot (cached values are shallow rows and strings). */
const MAX_DEPTH = 8;

/**
 * About how many bytes a cached value keeps alive: strings at two bytes a character (V8 keeps non-Latin-1
 * strings that way, and it errs on the safe side), byte arrays at their length, containers by walking them.
 * An estimate for byte budgets, not an exact measure.
 */
export function approximateBytes(value: unknown, depth = 0): number {
  if (typeof value === 'string') return 16 + value.length * 2;
  if (value === null || typeof value !== 'object') return 8;
  if (ArrayBuffer.isView(value)) return OBJECT_OVERHEAD + value.byteLength;
  if (value instanceof Date) return OBJECT_OVERHEAD;
  if (depth >= MAX_DEPTH) return SLOT;
  let bytes = OBJECT_OVERHEAD;
  if (value instanceof Map) {
    for (const [key, item] of value)
      bytes += SLOT + approximateBytes(key, depth + 1) + approximateBytes(item, depth + 1);
    return bytes;
  }
  const items = Array.isArray(value) || value instanceof Set ? value : Object.values(value);
  for (const item of items) bytes += SLOT + approximateBytes(item, depth + 1);
  return bytes;
}

/**
 * A function that hands back, for each string, the first equal string it was given: for keeping each of the
 * strings a cached value repeats (an author's name on each of their comments) once in memory.
 */
export function keepingOnce(): (value: string) => string {
  const kept = new Map<string, string>();
  return (value) => {
    const first = kept.get(value);
    if (first !== undefined) return first;
    kept.set(value, value);
    return value;
  };
}
