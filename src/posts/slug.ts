import { slugify } from '../content/slug.js';

const MAX_SLUG_LENGTH = 80;

/** URL slug from a title: lowercase ASCII words joined by "-" ("Gödel's Proof" → "godel-s-proof", "Σύνοψη" → "synopsi"). */
export function postSlug(title: string): string {
  return slugify(title, { ascii: true, maxLength: MAX_SLUG_LENGTH, fallback: 'post' });
}
