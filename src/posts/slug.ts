const MAX_SLUG_LENGTH = 80;

/** URL slug from a title: lowercase ASCII words joined by "-" ("Gödel's Proof" → "godel-s-proof"). */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/, '');
  return slug || 'post';
}
