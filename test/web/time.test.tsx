import { describe, expect, it } from 'vitest';
import { exactTime, Time } from '../../src/web/time.js';

describe('times on pages', () => {
  it('writes the exact time as Intl’s English long date and short time would, in UTC', () => {
    const intl = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
    // Midnight and noon, the turn of a year, a leap day, and random moments over two centuries.
    const dates = ['2026-01-01T00:00:00Z', '2026-12-31T12:00:00Z', '2024-02-29T23:59:59Z', '1999-03-09T11:05:00Z'].map(
      (iso) => new Date(iso),
    );
    let seed = 11;
    for (let i = 0; i < 2_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      dates.push(new Date(Date.UTC(1950, 0, 1) + (seed / 2 ** 31) * 200 * 365 * 86_400_000));
    }
    for (const date of dates) {
      // Newer ICU puts a narrow no-break space before AM/PM; ours is a plain space on every Node.
      expect(exactTime(date)).toBe(intl.format(date).replace(/\u202f/g, ' '));
    }
  });

  it('shows relative times, with the exact time on hover', () => {
    const now = Date.now();
    const shown = (ms: number) => (<Time date={new Date(now - ms)} />).toString();
    expect(shown(3 * 86_400_000 + 5_000)).toContain('>3 days ago</time>');
    expect(shown(86_400_000 + 5_000)).toContain('>yesterday</time>');
    expect(shown(2 * 3_600_000 + 5_000)).toContain('>2 hours ago</time>');
    expect(shown(10_000)).toContain('>just now</time>');
    expect(shown(-2 * 86_400_000 - 5_000)).toContain('>in 2 days</time>');
    // The same phrase again, from what was kept.
    expect(shown(3 * 86_400_000 + 9_000)).toContain('>3 days ago</time>');
    const date = new Date('2026-07-04T15:07:00Z');
    expect((<Time date={date} />).toString()).toContain(
      'datetime="2026-07-04T15:07:00.000Z" title="July 4, 2026 at 3:07 PM UTC"',
    );
  });
});
