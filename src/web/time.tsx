const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
const dateOnly = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' });

function relativeTime(date: Date, now = new Date()): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.trunc(seconds / size), unit);
  }
  return 'just now';
}

function formatDate(date: Date): string {
  return dateOnly.format(date);
}

/** A <time> showing "3 days ago", with the exact UTC time on hover. */
export function Time({ date, style = 'relative' }: { date: Date; style?: 'relative' | 'date' }) {
  return (
    <time datetime={date.toISOString()} title={`${absolute.format(date)} UTC`}>
      {style === 'date' ? formatDate(date) : relativeTime(date)}
    </time>
  );
}
