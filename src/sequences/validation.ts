import { z } from 'zod';

const MAX_SEQUENCE_TITLE_CHARS = 300;
const MAX_DESCRIPTION_CHARS = 20_000;
const MAX_CHAPTER_TITLE_CHARS = 200;
export const MAX_POSTS_PER_SEQUENCE = 200;
export const MAX_CHAPTERS_PER_SEQUENCE = 50;

export const sequenceInput = z.object({
  title: z
    .string()
    .trim()
    .min(1, 'Give your sequence a title.')
    .max(MAX_SEQUENCE_TITLE_CHARS, `Title must be at most ${MAX_SEQUENCE_TITLE_CHARS} characters.`),
  description: z
    .string()
    .max(MAX_DESCRIPTION_CHARS, `Description must be at most ${MAX_DESCRIPTION_CHARS.toLocaleString('en')} characters.`)
    .default(''),
});
export type SequenceInput = z.infer<typeof sequenceInput>;

export const chapterTitle = z
  .string()
  .trim()
  .max(MAX_CHAPTER_TITLE_CHARS, `A chapter title must be at most ${MAX_CHAPTER_TITLE_CHARS} characters.`);

export const newChapterInput = z.object({
  title: chapterTitle.pipe(z.string().min(1, 'Give the chapter a title.')),
});

export const direction = z.enum(['up', 'down']);
