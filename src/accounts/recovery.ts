import { z } from 'zod';
import type { Queryable } from '../db/database.js';
import { AppError, Invalid } from '../errors.js';
import { throttledAddress } from '../limits/address.js';
import { reserveAttempt } from '../limits/counters.js';
import { ACCOUNT_MAIL_LIMIT, RESET_REQUEST_LIMIT } from '../limits/limits.js';
import { mailAccountLink } from './account-mail.js';
import { hashPassword } from './passwords.js';
import { checkCurrentPassword } from './settings.js';
import { BadLink, redeemAccountToken } from './tokens.js';
import { signupInput } from './validation.js';

/** Email verification, changing one's address and password reset: each a one-time link sent by email. */

const UNIQUE_VIOLATION = '23505';

export const forgotPasswordInput = z.object({ email: signupInput.shape.email });
export const resetPasswordInput = z.object({
  token: z.string().max(200, 'This link is not valid.'),
  password: signupInput.shape.password,
});
export const emailChangeInput = z.object({
  email: signupInput.shape.email,
  emailPassword: z
    .string()
    .min(1, 'Enter your current password.')
    .max(1024, 'Password must be at most 1,024 characters.'),
});
export type EmailChange = z.infer<typeof emailChangeInput>;

/** Counts an email to `email` against ACCOUNT_MAIL_LIMIT (keyed by the address typed, existing or not). */
async function countMailTo(db: Queryable, email: string, more: { key: string; limit: typeof RESET_REQUEST_LIMIT }[]) {
  await reserveAttempt(db, [{ key: `mail-to:${email.toLowerCase()}`, limit: ACCOUNT_MAIL_LIMIT }, ...more]);
}

/**
 * "Forgot password?": sends a reset link if an account uses the address. The caller answers the same either way
 * (nothing here tells whether it exists); the limits count the address typed and the client's address.
 */
export async function requestPasswordReset(
  db: Queryable,
  email: string,
  from: { address: string; baseUrl: string },
): Promise<void> {
  await countMailTo(db, email, [{ key: `reset-from:${throttledAddress(from.address)}`, limit: RESET_REQUEST_LIMIT }]);
  const [user] = await db.query<{ id: string; username: string; email: string }>(
    'SELECT id, username, email FROM users WHERE lower(email) = lower($1)',
    [email],
  );
  if (!user) return;
  await mailAccountLink(
    db,
    { userId: user.id, username: user.username, email: user.email, purpose: 'reset-password' },
    from.baseUrl,
  );
}

/**
 * Sets a new password with a reset link: the link is used up, every session of the account ends (whoever had the
 * old password is out) and, since the link proved the member reads mail at that address, it counts as verified.
 */
export async function resetPassword(db: Queryable, token: string, password: string): Promise<{ userId: string }> {
  const hash = await hashPassword(password);
  return redeemAccountToken(db, 'reset-password', token, async (tx, found) => {
    await tx.query(
      `UPDATE users SET password_hash = $2,
              email_verified_at = CASE WHEN lower(email) = lower($3) THEN coalesce(email_verified_at, now()) ELSE email_verified_at END
        WHERE id = $1`,
      [found.userId, hash, found.email],
    );
    await tx.query('DELETE FROM sessions WHERE user_id = $1', [found.userId]);
    return { userId: found.userId };
  });
}

/** Sends (again) the link that verifies the member's current address. */
export async function sendVerification(db: Queryable, userId: string, baseUrl: string): Promise<void> {
  const [user] = await db.query<{ username: string; email: string; verified: boolean }>(
    'SELECT username, email, email_verified_at IS NOT NULL AS verified FROM users WHERE id = $1',
    [userId],
  );
  if (!user) return;
  if (user.verified) throw new AppError(409, 'Your email address is verified already.');
  await countMailTo(db, user.email, []);
  await mailAccountLink(db, { userId, username: user.username, email: user.email, purpose: 'verify-email' }, baseUrl);
}

/** Marks the address verified, if the account still uses the address the link was sent to. */
export async function verifyEmail(db: Queryable, token: string): Promise<void> {
  await redeemAccountToken(db, 'verify-email', token, async (tx, found) => {
    const rows = await tx.query(
      `UPDATE users SET email_verified_at = coalesce(email_verified_at, now())
        WHERE id = $1 AND lower(email) = lower($2) RETURNING 1`,
      [found.userId, found.email],
    );
    if (rows.length === 0) {
      throw new BadLink('This verification link is for an address your account no longer uses.');
    }
  });
}

/**
 * Starts a change of address: with the current password, to an address no account uses, a confirmation link
 * goes to the new address. The account keeps its address until the link is followed (confirmEmailChange).
 */
export async function requestEmailChange(
  db: Queryable,
  userId: string,
  input: EmailChange,
  from: { address: string; baseUrl: string },
): Promise<void> {
  const [user] = await db.query<{ username: string; email: string }>(
    'SELECT username, email FROM users WHERE id = $1',
    [userId],
  );
  if (!user) throw new Invalid('Your account is gone.');
  if (user.email.toLowerCase() === input.email.toLowerCase()) {
    throw new Invalid('Please correct the marked fields.', { email: 'This is your address already.' });
  }
  try {
    await checkCurrentPassword(db, userId, input.emailPassword, from.address);
  } catch (error) {
    // The same check as the password form's, reported on this form's field.
    if (error instanceof Invalid && error.fields.current) {
      throw new Invalid(error.message, { emailPassword: error.fields.current });
    }
    throw error;
  }
  await refuseTakenAddress(db, input.email);
  await countMailTo(db, input.email, []);
  await mailAccountLink(
    db,
    { userId, username: user.username, email: input.email, purpose: 'change-email' },
    from.baseUrl,
  );
}

async function refuseTakenAddress(db: Queryable, email: string) {
  const taken = await db.query('SELECT 1 FROM users WHERE lower(email) = lower($1)', [email]);
  if (taken.length > 0) {
    throw new Invalid('Please correct the marked fields.', { email: 'An account with that email already exists.' });
  }
}

/** Follows a change-of-address link: the account takes the new address, verified by this very link. */
export async function confirmEmailChange(db: Queryable, token: string): Promise<{ email: string }> {
  try {
    return await redeemAccountToken(db, 'change-email', token, async (tx, found) => {
      await tx.query('UPDATE users SET email = $2, email_verified_at = now() WHERE id = $1', [
        found.userId,
        found.email,
      ]);
      // Links sent to the old address (a reset, a verification) stop working: it may be why the member moved.
      await tx.query(
        `UPDATE account_tokens SET expires_at = least(expires_at, now()) WHERE user_id = $1 AND used_at IS NULL`,
        [found.userId],
      );
      return { email: found.email };
    });
  } catch (error) {
    // The address was taken by another account since the link was sent: the unique index decides.
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
      throw new AppError(409, 'Another account uses that address now, so your address stays as it was.');
    }
    throw error;
  }
}

/** The member's address as /settings shows it, and a change waiting for confirmation, if any. */
export async function accountEmail(
  db: Queryable,
  userId: string,
): Promise<{ email: string; verified: boolean; pending: string | undefined }> {
  const [row] = await db.query<{ email: string; verified: boolean; pending: string | null }>(
    `SELECT u.email, u.email_verified_at IS NOT NULL AS verified,
            (SELECT t.email FROM account_tokens t
              WHERE t.user_id = u.id AND t.purpose = 'change-email' AND t.used_at IS NULL AND t.expires_at > now()
              ORDER BY t.created_at DESC LIMIT 1) AS pending
       FROM users u WHERE u.id = $1`,
    [userId],
  );
  return { email: row?.email ?? '', verified: row?.verified ?? false, pending: row?.pending ?? undefined };
}
