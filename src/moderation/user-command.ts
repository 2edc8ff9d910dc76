import { randomBytes } from 'node:crypto';
import { hashPassword } from '../accounts/passwords.js';
import { signupInput } from '../accounts/validation.js';
import type { Queryable } from '../db/database.js';
import type { Role } from '../policy/actor.js';
import { setRole } from './users.js';

/** A command line that cannot be carried out: its message is for the operator, and the exit code is 1. */
export class UserCommandError extends Error {}

const ROLE_COMMANDS: Record<string, Role> = {
  'make-admin': 'admin',
  'make-moderator': 'moderator',
  'make-member': 'member',
};

export const USER_COMMAND_USAGE = `Usage: npm run user -- make-admin|make-moderator|make-member <username>
       npm run user -- set-password <username>   (the new password on standard input, or one is made and printed)`;

/**
 * Runs `npm run user -- <command> <username>` and says what it did. `password` is what set-password reads from
 * standard input (empty: make one).
 */
export async function runUserCommand(
  db: Queryable,
  args: readonly string[],
  password: () => Promise<string> = async () => '',
): Promise<string> {
  const [command, username, ...rest] = args;
  const role = command ? ROLE_COMMANDS[command] : undefined;
  if ((!role && command !== 'set-password') || !username || rest.length > 0) {
    throw new UserCommandError(USER_COMMAND_USAGE);
  }
  const rows = await db.query<{ id: string; username: string }>(
    'SELECT id, username FROM users WHERE lower(username) = lower($1)',
    [username],
  );
  const user = rows[0];
  if (!user) throw new UserCommandError(`There is no user named "${username}". Check the spelling, or sign up first.`);
  if (!role) return setPassword(db, user, await password());
  const { before } = await setRole(db, null, user.id, role, '');
  return before === role
    ? `${user.username} is already ${article(role)} ${role}; nothing changed.`
    : `${user.username} is now ${article(role)} ${role} (was ${before}).`;
}

function article(role: Role): string {
  return role === 'admin' ? 'an' : 'a';
}

/**
 * Sets a password from the shell (a member locked out, or a forum imported without password hashes) and ends the
 * user's sessions. A password given must pass sign-up's rules; without one, a random one is made and printed.
 */
async function setPassword(db: Queryable, user: { id: string; username: string }, given: string): Promise<string> {
  const chosen = given.replace(/\r?\n$/, '');
  const password = chosen || randomBytes(12).toString('base64url');
  const checked = signupInput.shape.password.safeParse(password);
  if (!checked.success) throw new UserCommandError(checked.error.issues[0]!.message);
  const hash = await hashPassword(password);
  await db.transaction(async (tx) => {
    await tx.query('UPDATE users SET password_hash = $2 WHERE id = $1', [user.id, hash]);
    await tx.query('DELETE FROM sessions WHERE user_id = $1', [user.id]);
  });
  return chosen
    ? `${user.username}'s password is set; their sessions were ended.`
    : `${user.username}'s new password: ${password}\n(their sessions were ended; they can change it once logged in).`;
}
