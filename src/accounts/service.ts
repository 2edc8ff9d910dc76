import type { Queryable } from '../db/database.js';
import { newId } from '../db/ids.js';
import { Invalid, RateLimited } from '../errors.js';
import { decoyHash, hashPassword, verifyPassword } from './passwords.js';
import { takenUserFields, type UserRow, userByLogin } from './queries.js';
import { createSession } from './sessions.js';
import type { LoginInput, SignupInput } from './validation.js';

export const LOGIN_WINDOW_MINUTES = 15;
export const MAX_FAILURES_PER_ACCOUNT = 10;
export const MAX_FAILURES_PER_IP = 50;
const UNIQUE_VIOLATION = '23505';

export interface NewSession {
  userId: string;
  token: string;
  expiresAt: Date;
}

/** Creates the account and its first session. Input is already validated by `signupInput`. */
export async function signUp(db: Queryable, input: SignupInput): Promise<NewSession> {
  const taken = await takenUserFields(db, input.username, input.email);
  const fields: Record<string, string> = {};
  if (taken.username) fields.username = 'That username is taken.';
  if (taken.email) fields.email = 'An account with that email already exists.';
  if (Object.keys(fields).length > 0) throw new Invalid('Please choose another username or email.', fields);

  const passwordHash = await hashPassword(input.password);
  const id = newId();
  try {
    return await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO users (id, username, display_name, email, password_hash) VALUES ($1, $2, $2, $3, $4)`,
        [id, input.username, input.email, passwordHash],
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

/** Minutes until the oldest failure that keeps `key` over `limit` leaves the window, or 0 if not throttled. */
async function minutesLocked(db: Queryable, column: 'login' | 'ip', key: string, limit: number): Promise<number> {
  const rows = await db.query<{ until: Date }>(
    `SELECT failed_at + make_interval(mins => $3) AS until FROM login_failures
      WHERE ${column} = $1 AND failed_at > now() - make_interval(mins => $3)
      ORDER BY failed_at DESC OFFSET $2 LIMIT 1`,
    [key, limit - 1, LOGIN_WINDOW_MINUTES],
  );
  const until = rows[0]?.until;
  return until ? Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000)) : 0;
}

export async function logIn(db: Queryable, input: LoginInput, ip: string): Promise<NewSession & { user: UserRow }> {
  const user = await userByLogin(db, input.login);
  // Failures count per account (its id), so trying the username and then the email does not double the budget.
  const account = user ? `user:${user.id}` : `login:${input.login.toLowerCase()}`;
  const minutes = Math.max(
    await minutesLocked(db, 'login', account, MAX_FAILURES_PER_ACCOUNT),
    await minutesLocked(db, 'ip', ip, MAX_FAILURES_PER_IP),
  );
  if (minutes > 0) {
    throw new RateLimited(`Too many failed login attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
  }
  const ok = await verifyPassword(input.password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !ok) {
    await db.query('INSERT INTO login_failures (login, ip) VALUES ($1, $2)', [account, ip]);
    // One message for both cases, so the form does not reveal which usernames exist.
    throw new Invalid('Wrong username, email or password.', { login: 'Wrong username, email or password.' });
  }
  await db.query('DELETE FROM login_failures WHERE login = $1', [account]);
  return { user, userId: user.id, ...(await createSession(db, user.id)) };
}

/** Failures older than the throttling window no longer count; deleting them keeps the table small. */
export async function forgetOldLoginFailures(db: Queryable): Promise<void> {
  await db.query('DELETE FROM login_failures WHERE failed_at < now() - make_interval(mins => $1)', [
    LOGIN_WINDOW_MINUTES,
  ]);
}
