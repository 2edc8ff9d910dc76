import type { Queryable } from '../db/database.js';
import { newId } from '../db/ids.js';
import { Invalid } from '../errors.js';
import { throttledAddress } from '../limits/address.js';
import { clearThrottle, releaseAttempt, reserveAttempt } from '../limits/counters.js';
import { LOGIN_RULES, SIGNUP_LIMIT } from '../limits/limits.js';
import { mailAccountLink } from './account-mail.js';
import { deviceToken, isKnownDevice } from './devices.js';
import { decoyHash, hashPassword, verifyPassword } from './passwords.js';
import { takenUserFields, type UserRow, userByLogin } from './queries.js';
import { createSession } from './sessions.js';
import type { LoginInput, SignupInput } from './validation.js';

const UNIQUE_VIOLATION = '23505';

export { forgetOldLoginFailures } from '../limits/counters.js';

export interface NewSession {
  userId: string;
  token: string;
  expiresAt: Date;
}

/**
 * Creates the account and its first session. Input is already validated by `signupInput` (the honeypot
 * included). Each account made counts against its address's sign-up limit (SIGNUP_LIMIT, by the address key
 * login throttling uses); a sign-up refused for a taken name gives its attempt back.
 */
export async function signUp(
  db: Queryable,
  input: SignupInput,
  from: { address: string; baseUrl: string },
): Promise<NewSession> {
  const taken = await takenUserFields(db, input.username, input.email);
  const fields: Record<string, string> = {};
  if (taken.username) fields.username = 'That username is taken.';
  if (taken.email) fields.email = 'An account with that email already exists.';
  if (Object.keys(fields).length > 0) throw new Invalid('Please choose another username or email.', fields);
  const reservation = await reserveAttempt(db, [
    { key: `signup:${throttledAddress(from.address)}`, limit: SIGNUP_LIMIT },
  ]);
  try {
    return await createAccount(db, input, from.baseUrl);
  } catch (error) {
    await releaseAttempt(db, reservation);
    throw error;
  }
}

async function createAccount(db: Queryable, input: SignupInput, baseUrl: string): Promise<NewSession> {
  const passwordHash = await hashPassword(input.password);
  const id = newId();
  try {
    return await db.transaction(async (tx) => {
      // Without a display name the username stands in (a display name is never empty).
      await tx.query(
        `INSERT INTO users (id, username, display_name, email, password_hash) VALUES ($1, $2, $3, $4, $5)`,
        [id, input.username, input.displayName || input.username, input.email, passwordHash],
      );
      // The verification link goes with the account: both commit, or neither.
      await mailAccountLink(
        tx,
        { userId: id, username: input.username, email: input.email, purpose: 'verify-email' },
        baseUrl,
      );
      return { userId: id, ...(await createSession(tx, id)) };
    });
  } catch (error) {
    // Two sign-ups racing for one name: the unique index decides, and the loser gets the same message.
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
      throw new Invalid('Please choose another username or email.', {
        username: 'That username or email is taken.',
      });
    }
    throw error;
  }
}

/** Where a login attempt comes from: the client's address and the browser's device cookie, if any. */
export interface LoginSource {
  address: string;
  deviceCookie?: string | undefined;
}

/**
 * Checks a password under the throttling rules (limits/limits.ts LOGIN_RULES): per account from one address and
 * per address, then, unless this browser has logged in to the account before, per account. A burst from one
 * address cannot lock the owner out from theirs; guessers spread over many addresses are slowed down.
 */
export async function logIn(
  db: Queryable,
  input: LoginInput,
  from: LoginSource,
): Promise<NewSession & { user: UserRow; deviceToken: string }> {
  const user = await userByLogin(db, input.login);
  // Failures count per account (its id), so trying the username and then the email does not double the budget.
  const account = user ? `user:${user.id}` : `login:${input.login.toLowerCase()}`;
  const address = throttledAddress(from.address);
  const pairKey = `pair:${account}|${address}`;
  const reserved = [
    await reserveAttempt(db, [
      { key: pairKey, limit: LOGIN_RULES.accountFromAddress },
      { key: `address:${address}`, limit: LOGIN_RULES.address },
    ]),
  ];
  const knownDevice = !!user && isKnownDevice(from.deviceCookie, user);
  if (!knownDevice) {
    try {
      reserved.push(await reserveAttempt(db, [{ key: `account:${account}`, limit: LOGIN_RULES.account }]));
    } catch (error) {
      await releaseAttempt(db, reserved[0]!);
      throw error;
    }
  }
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !ok) {
    // The reservations stay: they are this failure's count.
    // One message for both cases, so the form does not reveal which usernames exist.
    // Neither field is known to be the wrong one: the form says so once, above both.
    throw new Invalid('Wrong username, email or password.');
  }
  // A right password is no guess: give the attempt back, and forget this address's failures on this account.
  // The address's and the account's other failures stay, or a guesser could reset them with an account of
  // their own, or by waiting for the owner to log in.
  for (const reservation of reserved) await releaseAttempt(db, reservation);
  await clearThrottle(db, pairKey);
  return { user, userId: user.id, deviceToken: deviceToken(user), ...(await createSession(db, user.id)) };
}
