import { z } from 'zod';

export const USERNAME_PATTERN = /^[A-Za-z0-9_-]+$/;

/** The sign-up form's honeypot field (accounts/views.tsx): people leave it empty, bots that fill every field do not. */
export const HONEYPOT_FIELD = 'website';
export const HONEYPOT_MESSAGE = 'Leave the field labelled “Leave this field empty” empty; no account was made.';

export const signupInput = z.object({
  [HONEYPOT_FIELD]: z.string().max(0, HONEYPOT_MESSAGE).optional(),
  username: z
    .string()
    .trim()
    .min(3, 'Username must be at least 3 characters.')
    .max(32, 'Username must be at most 32 characters.')
    .regex(USERNAME_PATTERN, 'Username may contain only letters, digits, "_" and "-".'),
  displayName: z
    .string()
    .trim()
    .max(50, 'Display name must be at most 50 characters.')
    .optional()
    .transform((name) => name || undefined),
  email: z
    .string()
    .trim()
    .max(254, 'Email address is too long (at most 254 characters).')
    .email('Enter an email address like name@example.org.'),
  password: z
    .string()
    .min(10, 'Password must be at least 10 characters.')
    .max(1024, 'Password must be at most 1,024 characters.'),
});
export type SignupInput = z.infer<typeof signupInput>;

export const loginInput = z.object({
  login: z
    .string()
    .trim()
    .min(1, 'Enter your username or email.')
    .max(254, 'That is too long for a username or email.'),
  password: z.string().min(1, 'Enter your password.').max(1024, 'Password must be at most 1,024 characters.'),
});
export type LoginInput = z.infer<typeof loginInput>;
