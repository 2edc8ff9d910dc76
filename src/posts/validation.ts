import { z } from 'zod';
import { MAX_MARKDOWN_CHARS } from '../content/render.js';
import { isId } from '../db/ids.js';

const MAX_TITLE_CHARS = 300;
const MAX_NOTE_CHARS = 200;

export const postInput = z.object({
  title: z
    .string()
    .trim()
    .min(1, 'Give your post a title.')
    .max(MAX_TITLE_CHARS, `Title must be at most ${MAX_TITLE_CHARS} characters.`),
  body: z
    .string()
    .max(MAX_MARKDOWN_CHARS, `Body must be at most ${MAX_MARKDOWN_CHARS.toLocaleString('en')} characters.`)
    .default(''),
  note: z
    .string()
    .trim()
    .max(MAX_NOTE_CHARS, `The change note must be at most ${MAX_NOTE_CHARS} characters.`)
    .default(''),
});
export type PostInput = z.infer<typeof postInput>;

/** What the editor's buttons ask for. */
export const editorIntent = z.enum(['preview', 'draft', 'publish', 'save', 'unpublish', 'restore'], {
  message: 'Choose one of the editor buttons.',
});
export type EditorIntent = z.infer<typeof editorIntent>;

/** Most tags the editor takes for one post (a few dozen topics is already more than a reader scans). */
export const MAX_TAGS_PER_POST = 40;

/**
 * The editor's chosen tags: the `tags` field repeated (the multiple select) or comma-separated (as carried across
 * a login), each a tag id; duplicates count once.
 */
export const postTagsInput = z.object({
  tags: z
    .union([z.string(), z.array(z.string())], { error: 'tags must be tag ids.' })
    .default([])
    .transform((value) =>
      (Array.isArray(value) ? value : [value])
        .flatMap((part) => part.split(','))
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    )
    .pipe(
      z
        .array(z.string().max(40).refine(isId, 'tags must be tag ids; one of them is not.'))
        .max(MAX_TAGS_PER_POST * 4, `Choose at most ${MAX_TAGS_PER_POST} tags.`),
    )
    .transform((ids) => [...new Set(ids)])
    .refine((ids) => ids.length <= MAX_TAGS_PER_POST, `Choose at most ${MAX_TAGS_PER_POST} tags.`),
});
