import { describe, expect, it } from 'vitest';
import { votePower } from '../../src/votes/power.js';
import { magicScore, SCORE_TIME_DECAY } from '../../src/votes/ranking.js';

// DESIGN.md's table, written out again so the constants are checked against the spec, not against themselves.
const STRONG: [karma: number, power: number][] = [
  [10, 2],
  [100, 3],
  [250, 4],
  [500, 5],
  [1_000, 6],
  [2_500, 7],
  [5_000, 8],
  [10_000, 9],
  [25_000, 10],
  [50_000, 11],
  [75_000, 12],
  [100_000, 13],
  [175_000, 14],
  [250_000, 15],
  [500_000, 16],
];

describe('vote power', () => {
  it('gives a normal vote 1 below 1,000 karma and 2 from 1,000', () => {
    expect(votePower(-50, 'normal')).toBe(1);
    expect(votePower(0, 'normal')).toBe(1);
    expect(votePower(999, 'normal')).toBe(1);
    expect(votePower(1_000, 'normal')).toBe(2);
    expect(votePower(10_000_000, 'normal')).toBe(2);
  });

  it('gives a strong vote 1 below 10 karma, even with negative karma', () => {
    expect(votePower(-1_000, 'strong')).toBe(1);
    expect(votePower(0, 'strong')).toBe(1);
    expect(votePower(9, 'strong')).toBe(1);
  });

  for (const [karma, power] of STRONG) {
    it(`gives a strong vote ${power - 1} just below ${karma.toLocaleString('en')} karma and ${power} at it`, () => {
      expect(votePower(karma - 1, 'strong')).toBe(power - 1);
      expect(votePower(karma, 'strong')).toBe(power);
    });
  }

  it('caps a strong vote at 16', () => {
    expect(votePower(100_000_000, 'strong')).toBe(16);
  });
});

describe('the magic ranking formula', () => {
  it('is (baseScore + bonus) / (ageHours + 2) ^ 1.15', () => {
    expect(SCORE_TIME_DECAY).toBe(1.15);
    expect(magicScore(10, 0, 0)).toBeCloseTo(10 / 2 ** 1.15, 12);
    expect(magicScore(10, 5, 98)).toBeCloseTo(15 / 100 ** 1.15, 12);
    expect(magicScore(0, 0, 5)).toBe(0);
    expect(magicScore(-4, 0, 2)).toBeCloseTo(-4 / 4 ** 1.15, 12);
  });

  it('decays with age and rewards score', () => {
    expect(magicScore(10, 0, 1)).toBeGreaterThan(magicScore(10, 0, 2));
    expect(magicScore(11, 0, 1)).toBeGreaterThan(magicScore(10, 0, 1));
    // A newer post with a tenth of the score can outrank an older one: the point of the time decay.
    expect(magicScore(5, 0, 1)).toBeGreaterThan(magicScore(50, 0, 48));
  });

  it('treats an age in the future (clock skew) as zero', () => {
    expect(magicScore(3, 0, -10)).toBe(magicScore(3, 0, 0));
  });
});
