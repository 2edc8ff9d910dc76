import { z } from 'zod';
import { MAX_MARKDOWN_CHARS } from '../content/render.js';

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
