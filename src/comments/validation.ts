import { z } from 'zod';

const MAX_COMMENT_CHARS = 50_000;

export const commentBody = z
  .string({ message: 'Write a comment first.' })
  .max(MAX_COMMENT_CHARS, `A comment must be at most ${MAX_COMMENT_CHARS.toLocaleString('en')} characters.`)
  .refine((s) => s.trim() !== '', 'Write a comment first.');

export const newCommentInput = z.object({
  body: commentBody,
  parentId: z
    .string()
    .regex(/^[0-9A-Za-z]{17}$/, 'That is not a comment id.')
    .optional()
    .or(z.literal('').transform(() => undefined)),
});

export const commentIntent = z.enum(['preview', 'submit'], { message: 'Choose Preview or Submit.' }).default('submit');

/** Retracting strikes a comment through (still readable); un-retracting undoes it. */
export const retractInput = z.object({
  retracted: z.enum(['true', 'false'], {
    message: 'retracted must be true (retract) or false (un-retract).',
  }),
});
