import { z } from 'zod';
import type { Queryable } from '../db/database.js';
import { Invalid } from '../errors.js';
import { throttledAddress } from '../limits/address.js';
import { clearThrottle, releaseAttempt, reserveAttempt } from '../limits/counters.js';
import { LOGIN_RULES } from '../limits/limits.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { signupInput } from './validation.js';

export const passwordChangeInput = z.object({
  current: z.string().min(1, 'Enter your current password.').max(1024, 'Password must be at most 1,024 characters.'),
  password: signupInput.shape.password,
});
export type PasswordChange = z.infer<typeof passwordChangeInput>;

/**
 * Changes a member's password: the current one must be right, checked under the login throttle for this account
 * from this address (a stolen session cannot guess the password faster than the login form allows). The new
 * hash and the end of every other session are one transaction; the session making the change stays. Known
 * devices (accounts/devices.ts) are signed with the password hash, so they are forgotten too.
 */
export async function changePassword(
  db: Queryable,
  userId: string,
  input: PasswordChange,
  from: { address: string; keepSessionHash: string },
): Promise<void> {
  await checkCurrentPassword(db, userId, input.current, from.address);
  const hash = await hashPassword(input.password);
  await db.transaction(async (tx) => {
    await tx.query('UPDATE users SET password_hash = $2 WHERE id = $1', [userId, hash]);
    await tx.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2', [userId, from.keepSessionHash]);
  });
}

/**
 * Checks a member's current password (the `current` field) before a change to their account, under the login
 * throttle for this account from this address: a stolen session cannot guess it faster than the login form allows.
 */
export async function checkCurrentPassword(
  db: Queryable,
  userId: string,
  current: string,
  address: string,
): Promise<void> {
  const pairKey = `pair:user:${userId}|${throttledAddress(address)}`;
  const reservation = await reserveAttempt(db, [{ key: pairKey, limit: LOGIN_RULES.accountFromAddress }]);
  const [user] = await db.query<{ hash: string }>('SELECT password_hash AS hash FROM users WHERE id = $1', [userId]);
  if (!user || !(await verifyPassword(current, user.hash))) {
    // The reservation stays: it is this failure's count.
    throw new Invalid('Your current password is not right.', { current: 'This is not your current password.' });
  }
  await releaseAttempt(db, reservation);
  await clearThrottle(db, pairKey);
}

/** Ends every session of a member, this one included (a lost laptop, a shared computer). */
export async function logOutEverywhere(db: Queryable, userId: string): Promise<number> {
  const ended = await db.query('DELETE FROM sessions WHERE user_id = $1 RETURNING 1', [userId]);
  return ended.length;
}
