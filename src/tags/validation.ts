import { z } from 'zod';

export const MAX_TAG_NAME_CHARS = 60;
export const MAX_TAG_DESCRIPTION_CHARS = 20_000;
const MAX_NOTE_CHARS = 200;

/**
 * What a tag's name may hold: letters and digits of any script (with their combining marks), single spaces, and
 * the punctuation names of topics use ("Bayes' theorem", "C++", "AI safety & alignment", "Löb's theorem (logic)",
 * "Ethics/metaethics", "2-player games"). It starts with a letter or digit. So no markup (`<`, `>`, `"`, `` ` ``),
 * no control or invisible characters, nothing that reads as Markdown or a URL.
 */
const NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} '’.,:&+/()#-]*$/u;

/**
 * A name as stored: Unicode NFC (so "é" typed two ways is one name), trimmed, every run of whitespace one
 * space. Control characters are not whitespace here: they stay and the pattern refuses them.
 */
export function normalizeTagName(name: string): string {
  return name
    .normalize('NFC')
    .replace(/[ \t\n\r\u00a0\u2000-\u200a\u3000]+/g, ' ')
    .trim();
}

export const tagName = z
  .string()
  .transform(normalizeTagName)
  .pipe(
    z
      .string()
      .min(1, 'Give the tag a name.')
      .max(MAX_TAG_NAME_CHARS, `A tag's name must be at most ${MAX_TAG_NAME_CHARS} characters.`)
      .regex(
        NAME_PATTERN,
        "A tag's name may use letters, digits, spaces and ' . , : & + / ( ) # - and must start with a letter or digit.",
      ),
  );

const description = z
  .string()
  .max(
    MAX_TAG_DESCRIPTION_CHARS,
    `The description must be at most ${MAX_TAG_DESCRIPTION_CHARS.toLocaleString('en')} characters.`,
  )
  .default('');

export const newTagInput = z.object({ name: tagName, description });
export type NewTagInput = z.infer<typeof newTagInput>;

export const tagEditInput = z.object({
  name: tagName,
  description,
  note: z
    .string()
    .trim()
    .max(MAX_NOTE_CHARS, `The change note must be at most ${MAX_NOTE_CHARS} characters.`)
    .default(''),
});
export type TagEditInput = z.infer<typeof tagEditInput>;

/** The orders of /tags. */
export const TAG_LIST_SORTS = ['posts', 'name'] as const;
export type TagListSort = (typeof TAG_LIST_SORTS)[number];

/** The orders of a tag's posts. */
export const TAG_POST_SORTS = ['relevance', 'new', 'top'] as const;
export type TagPostSort = (typeof TAG_POST_SORTS)[number];
