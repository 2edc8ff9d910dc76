import { z } from 'zod';
import { ROLES } from '../policy/actor.js';

/** Longest reason kept in the log and shown in place of removed content. */
export const MAX_REASON_CHARS = 500;
/** A ban for a period lasts at least a day and at most ten years; longer is "for good". */
export const MAX_BAN_DAYS = 3650;

const reason = z
  .string({ error: 'reason is missing.' })
  .trim()
  .min(1, { error: 'Write a reason: it is shown publicly in the moderation log.' })
  .max(MAX_REASON_CHARS, { error: `The reason is too long (at most ${MAX_REASON_CHARS} characters).` });

/** Removing, restoring, locking, moving: each says why. */
export const actionInput = z.object({ reason });

/** A ban: "forever", or a whole number of days from 1 to MAX_BAN_DAYS. */
export const banInput = z.object({
  duration: z
    .string({ error: 'duration is missing: give a number of days or "forever".' })
    .trim()
    .refine(
      (text) => text === 'forever' || (/^\d{1,5}$/.test(text) && Number(text) >= 1 && Number(text) <= MAX_BAN_DAYS),
      {
        error: `The duration must be a whole number of days from 1 to ${MAX_BAN_DAYS}, or "forever".`,
      },
    )
    .transform((text) => (text === 'forever' ? ('forever' as const) : Number(text))),
  reason,
});

export const unbanInput = z.object({ reason });

export const roleInput = z.object({
  role: z.enum(ROLES, { error: 'role must be admin, moderator or member.' }),
  reason: z
    .string()
    .trim()
    .max(MAX_REASON_CHARS, { error: `The reason is too long (at most ${MAX_REASON_CHARS} characters).` })
    .default(''),
});
