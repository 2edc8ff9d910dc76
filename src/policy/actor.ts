/**
 * Who is acting: the one shape every permission question takes (src/policy/policy.ts answers them). A logged-in
 * reader's session carries it (accounts/queries.ts SessionUser extends it); a command or a test builds one.
 */
export type Role = 'admin' | 'moderator' | 'member';

export const ROLES: readonly Role[] = ['admin', 'moderator', 'member'];

export interface Actor {
  id: string;
  role: Role;
  karma: number;
  /** Until when every write is refused (a ban for a period); `null` when not banned for a period. */
  bannedUntil: Date | null;
  /** Banned for good (stored as banned_until = 'infinity'; select it with ACTOR_BAN_COLUMNS). */
  bannedForever: boolean;
  banReason: string;
}

/** An actor with no ban, for commands, the demo loader and tests: a member with 0 karma unless told otherwise. */
export function actorFor(id: string, fields: Partial<Omit<Actor, 'id'>> = {}): Actor {
  return { id, role: 'member', karma: 0, bannedUntil: null, bannedForever: false, banReason: '', ...fields };
}

/** Moderators and admins: they moderate content, users and tags. */
export function isStaff(actor: Pick<Actor, 'role'> | null | undefined): boolean {
  return actor?.role === 'moderator' || actor?.role === 'admin';
}

export function isAdmin(actor: Pick<Actor, 'role'> | null | undefined): boolean {
  return actor?.role === 'admin';
}

/**
 * The ban columns of an Actor, from `users` aliased `u`. The drivers read 'infinity' differently (a number, an
 * invalid Date), so a ban for good travels as its own flag.
 */
export const ACTOR_BAN_COLUMNS = `CASE WHEN isfinite(u.banned_until) THEN u.banned_until END AS "bannedUntil",
  COALESCE(NOT isfinite(u.banned_until), false) AS "bannedForever", u.ban_reason AS "banReason"`;

/** The ban in force now, if any. */
export function activeBan(
  actor: Pick<Actor, 'bannedUntil' | 'bannedForever' | 'banReason'> | null | undefined,
  now = Date.now(),
): { forever: boolean; until: Date | null; reason: string } | null {
  if (!actor) return null;
  if (actor.bannedForever) return { forever: true, until: null, reason: actor.banReason };
  const until = actor.bannedUntil;
  if (!until || until.getTime() <= now) return null;
  return { forever: false, until, reason: actor.banReason };
}

/** What a banned user is told when they try to write. */
export function banMessage(ban: { forever: boolean; until: Date | null; reason: string }): string {
  const when =
    ban.forever || !ban.until ? 'for good' : `until ${ban.until.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const why = ban.reason.trim() ? ` Reason: ${ban.reason.trim()}` : '';
  return `Your account is banned from writing ${when}.${why}`;
}
