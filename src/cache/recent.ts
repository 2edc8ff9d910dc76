/**
 * Remembers `key` in `map` as its most recent (a Map's order is the order keys were set), and forgets the oldest
 * past `limit`: the small bounded memos beside the caches (busy posts, filled segments, actions' shapes).
 */
export function keepRecent<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value!);
}
