import { z } from 'zod';

export const MAX_REPORT_REASON_CHARS = 1000;
export const MAX_RESOLUTION_NOTE_CHARS = 1000;

/** Why a reader reports a post or comment: required, so the moderators know what to look at. */
export const reportInput = z.object({
  reason: z
    .string({ message: 'reason is missing.' })
    .trim()
    .min(1, 'Say why you are reporting this (the reason is required).')
    .max(
      MAX_REPORT_REASON_CHARS,
      `The reason must be at most ${MAX_REPORT_REASON_CHARS.toLocaleString('en')} characters.`,
    ),
});

/** A moderator's note on resolving a report, which the reporter reads (optional). */
export const resolveInput = z.object({
  note: z
    .string()
    .trim()
    .max(
      MAX_RESOLUTION_NOTE_CHARS,
      `The note must be at most ${MAX_RESOLUTION_NOTE_CHARS.toLocaleString('en')} characters.`,
    )
    .default(''),
});
