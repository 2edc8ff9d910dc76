import { z } from 'zod';

export const MAX_REJECTION_REASON_CHARS = 1000;

/** Why a moderator rejects a held post or comment: required, since its author reads it. */
export const rejectInput = z.object({
  reason: z
    .string({ message: 'reason is missing.' })
    .trim()
    .min(1, 'Give a reason for rejecting it (its author reads it).')
    .max(
      MAX_REJECTION_REASON_CHARS,
      `The reason must be at most ${MAX_REJECTION_REASON_CHARS.toLocaleString('en')} characters.`,
    ),
});
