import { describe, expect, it } from 'vitest';
import { AliasTable, allocate, commentWeights, topCommentCount } from '../../src/synthetic/distribution.js';
import { chronologicalOrder, orderByKey, ranks } from '../../src/synthetic/order.js';
import { Random } from '../../src/synthetic/random.js';

function spread(posts: number, comments: number, seed = 1): Int32Array {
  const random = new Random(seed);
  return allocate(comments, new AliasTable(commentWeights(posts, comments, topCommentCount(comments))), random);
}

const nearest = (counts: Int32Array, target: number) =>
  counts.reduce((best, n) => (Math.abs(n - target) < Math.abs(best - target) ? n : best), -1);

describe('the comment distribution', () => {
  it('gives the benchmark size a few posts with thousands of comments, posts near 50 and 1,000, and most few', () => {
    const counts = spread(100_000, 2_000_000);
    const sorted = Int32Array.from(counts).sort();
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2_000_000);
    expect(sorted.at(-1)).toBeGreaterThan(1_500);
    expect(sorted.at(-1)).toBeLessThan(6_000);
    expect(Math.abs(nearest(counts, 1_000) - 1_000)).toBeLessThanOrEqual(20);
    expect(Math.abs(nearest(counts, 50) - 50)).toBeLessThanOrEqual(1);
    expect(sorted[sorted.length / 2]).toBeLessThan(12);
    // Zipf-like: the top 1% of posts hold a large share, far above their 1%.
    const top = sorted.subarray(sorted.length - 1_000).reduce((a, b) => a + b, 0);
    expect(top / 2_000_000).toBeGreaterThan(0.15);
    expect(sorted.filter((n) => n <= 2).length).toBeGreaterThan(5_000);
  });

  it('spreads evenly when there are few comments per post', () => {
    const counts = spread(1_000, 1_000);
    expect(Math.max(...counts)).toBeLessThan(20);
  });

  it('is the same for the same seed and different for another', () => {
    expect(spread(1_000, 20_000, 5)).toEqual(spread(1_000, 20_000, 5));
    expect(spread(1_000, 20_000, 5)).not.toEqual(spread(1_000, 20_000, 6));
  });
});

describe('weighted draws', () => {
  it('draws each item in proportion to its weight', () => {
    const random = new Random(3);
    const table = new AliasTable([1, 2, 0, 7]);
    const hits = [0, 0, 0, 0];
    for (let i = 0; i < 100_000; i++) hits[table.sample(random)]!++;
    expect(hits[2]).toBe(0);
    expect(hits[0]! / 100_000).toBeCloseTo(0.1, 1);
    expect(hits[3]! / 100_000).toBeCloseTo(0.7, 1);
  });

  it('never gives an item more than its cap, moving the rest elsewhere', () => {
    const counts = allocate(90, new AliasTable([100, 1, 1]), new Random(1), 40);
    expect([...counts]).toEqual([40, expect.any(Number), expect.any(Number)]);
    expect(counts[1]! + counts[2]!).toBe(50);
    expect(() => allocate(200, new AliasTable([1, 1]), new Random(1), 40)).toThrow(/room for 80/);
  });
});

describe('row orders', () => {
  it('sorts by key, ties in index order', () => {
    const keys = [3, 1, 3, 0, 1];
    expect([...orderByKey(keys.length, (i) => keys[i]!, 4)]).toEqual([3, 1, 4, 0, 2]);
  });

  it('sorts times, keeping equal times in index order', () => {
    const start = Date.UTC(2020, 0, 1);
    const times = Float64Array.from([start + 5_000, start, start + 5_000, start + 1]);
    expect([...chronologicalOrder(times, start, start + 10_000)]).toEqual([1, 3, 0, 2]);
  });

  it('ranks strings', () => {
    expect([...ranks(['b', 'a', 'c'])]).toEqual([1, 0, 2]);
  });
});
