import { type HtmlEscapedString, html } from './html.js';

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const dateOnly = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' });
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

// Every comment shows two times, and Intl's formatters took about 4 µs of the 25 µs a comment takes to render:
// the few relative phrases there are ("3 days ago") are kept once made, and the exact time is written out here.
const phrases = new Map<string, string>();

export function relativeTime(date: Date, now = new Date()): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) < size) continue;
    const count = Math.trunc(seconds / size);
    const key = `${count} ${unit}`;
    let phrase = phrases.get(key);
    if (phrase === undefined) {
      phrase = relative.format(count, unit);
      // Years are unbounded (a date far off); the rest are a few hundred phrases in all.
      if (phrases.size < 1_000) phrases.set(key, phrase);
    }
    return phrase;
  }
  return 'just now';
}

/** "December 6, 2026 at 9:48 PM", in UTC: English's long date and short time, as Intl writes them. */
export function exactTime(date: Date): string {
  const hours = date.getUTCHours();
  const minutes = String(date.getUTCMinutes()).padStart(2, '0');
  const day = `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
  return `${day} at ${hours % 12 || 12}:${minutes} ${hours < 12 ? 'AM' : 'PM'}`;
}

function formatDate(date: Date): string {
  return dateOnly.format(date);
}

/** A <time> showing "3 days ago" (or the date), with the exact UTC time on hover. */
export function timeHtml(date: Date, style: 'relative' | 'date' = 'relative'): HtmlEscapedString {
  const shown = style === 'date' ? formatDate(date) : relativeTime(date);
  return html`<time datetime="${date.toISOString()}" title="${exactTime(date)} UTC">${shown}</time>`;
}

export function Time({ date, style = 'relative' }: { date: Date; style?: 'relative' | 'date' }) {
  return timeHtml(date, style);
}
