import { z } from 'zod';

const MAX_BIO_CHARS = 10_000;

export const profileInput = z.object({
  displayName: z
    .string({ message: 'Enter a display name.' })
    .trim()
    .min(1, 'Enter a display name.')
    .max(50, 'Display name must be at most 50 characters.'),
  bio: z
    .string()
    .max(MAX_BIO_CHARS, `Bio must be at most ${MAX_BIO_CHARS.toLocaleString('en')} characters.`)
    .default(''),
});
