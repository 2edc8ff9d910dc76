import { transliterate } from 'transliteration';

export interface SlugOptions {
  /** Most characters kept (whole characters; trailing hyphens are trimmed after the cut). */
  maxLength: number;
  /** ASCII only (URLs): other scripts are transliterated first ("Σύνοψη" → "synopsi"). Otherwise letters and
   * digits of every script are kept (heading anchors read well in any language). */
  ascii: boolean;
  /** What to use when nothing is left (a title of only punctuation or emoji). */
  fallback: string;
}

/**
 * The one way Lyceum turns text into a slug: lower case, letters and digits kept, everything else folded into
 * single hyphens, trimmed and cut to length. Post URLs use the ASCII form, heading anchors the Unicode one.
 */
export function slugify(text: string, options: SlugOptions): string {
  const normalized = text.normalize('NFKC');
  const source = options.ascii ? transliterate(normalized) : normalized;
  const letters = options.ascii ? /[^a-z0-9]+/g : /[^\p{L}\p{N}\p{M}]+/gu;
  const slug = source
    .toLowerCase()
    .replace(letters, '-')
    .replace(/^-+|-+$/g, '');
  const cut = Array.from(slug).slice(0, options.maxLength).join('').replace(/-+$/, '');
  return cut || options.fallback;
}
