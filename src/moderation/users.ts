import type { Queryable } from '../db/database.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import type { Role } from '../policy/actor.js';
import { type Actor, banRefusal, canChangeRoles, canModerate } from '../policy/policy.js';
import { recordModeration } from './log.js';
import { Conflict } from './service.js';

/**
 * Bans and roles. A ban is enforced by one middleware (web/middleware.ts refuseBannedWrites) reading the
 * session's user; the users trigger (migration 0009) drops their cached sessions and profile when it changes.
 */

type Moderator = Actor;

interface LockedUser {
  id: string;
  username: string;
  role: Role;
  banned: boolean;
}

async function lockUser(tx: Queryable, userId: string): Promise<LockedUser> {
  const rows = await tx.query<LockedUser>(
    `SELECT id, username, role, coalesce(banned_until > now(), false) AS banned FROM users WHERE id = $1 FOR UPDATE`,
    [userId],
  );
  if (!rows[0]) throw new NotFound('There is no such user.');
  return rows[0];
}

const DAY_MS = 86_400_000;

/** Bans a user for `days` days or for good, replacing any ban in force. */
export async function banUser(
  db: Queryable,
  actor: Moderator,
  input: { userId: string; duration: number | 'forever'; reason: string },
  now = new Date(),
): Promise<void> {
  await db.transaction(async (tx) => {
    const target = await lockUser(tx, input.userId);
    // The policy's canBan, in words: which of its reasons refuses the ban.
    const refusal = banRefusal(actor, target);
    if (refusal) throw new Forbidden(refusal);
    const until = input.duration === 'forever' ? 'infinity' : new Date(now.getTime() + input.duration * DAY_MS);
    await tx.query('UPDATE users SET banned_until = $2, ban_reason = $3 WHERE id = $1', [
      target.id,
      until,
      input.reason,
    ]);
    await recordModeration(tx, {
      moderatorId: actor.id,
      action: 'ban-user',
      targetType: 'user',
      targetId: target.id,
      targetLabel: target.username,
      reason:
        input.duration === 'forever'
          ? `For good. ${input.reason}`
          : `For ${input.duration} ${input.duration === 1 ? 'day' : 'days'}. ${input.reason}`,
    });
  });
}

/** Lifts a ban in force; a user who is not banned is refused, so the log records only real unbans. */
export async function unbanUser(db: Queryable, actor: Moderator, userId: string, reason: string): Promise<void> {
  if (!canModerate(actor)) throw new Forbidden('Only moderators and admins can unban users.');
  await db.transaction(async (tx) => {
    const target = await lockUser(tx, userId);
    if (!target.banned) throw new Conflict(`${target.username} is not banned.`);
    await tx.query(`UPDATE users SET banned_until = NULL, ban_reason = '' WHERE id = $1`, [target.id]);
    await recordModeration(tx, {
      moderatorId: actor.id,
      action: 'unban-user',
      targetType: 'user',
      targetId: target.id,
      targetLabel: target.username,
      reason,
    });
  });
}

/**
 * Gives a user a role. From the site (an admin on a profile) it is logged. From the shell (`npm run user`),
 * `actor` is null: whoever holds the server's shell is above the site's roles (that is how the first admin is
 * made), no moderator did it, so nothing is logged; giving the role a user already has is then a no-op.
 */
export async function setRole(
  db: Queryable,
  actor: Moderator | null,
  userId: string,
  role: Role,
  reason: string,
): Promise<{ username: string; before: Role }> {
  if (actor && !canChangeRoles(actor)) throw new Forbidden('Only admins can change roles.');
  return db.transaction(async (tx) => {
    const target = await lockUser(tx, userId);
    if (actor && actor.id === target.id) {
      throw new Invalid('You cannot change your own role; ask another admin.', { role: 'Not your own role.' });
    }
    if (target.role === role) {
      if (actor) throw new Conflict(`${target.username} is already ${role === 'admin' ? 'an' : 'a'} ${role}.`);
      return { username: target.username, before: target.role };
    }
    await tx.query('UPDATE users SET role = $2 WHERE id = $1', [target.id, role]);
    if (!actor) return { username: target.username, before: target.role };
    await recordModeration(tx, {
      moderatorId: actor.id,
      action: 'change-role',
      targetType: 'user',
      targetId: target.id,
      targetLabel: target.username,
      reason: `${target.role} → ${role}.${reason ? ` ${reason}` : ''}`,
    });
    return { username: target.username, before: target.role };
  });
}
