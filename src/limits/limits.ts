import { RateLimited } from '../errors.js';

/**
 * Every limit Lyceum puts on what one member or one address may do, in one place: its name, how it counts,
 * its message and when asking again makes sense (Retry-After). Two mechanisms count them:
 * - actions recorded in a sliding window (votes per hour, counted by lyceum_cast_vote; posts per week and comments
 *   per day by karma tier, by lyceum_admit_write, limits/writes.ts), each under the member's advisory lock inside
 *   the write's transaction, so concurrent requests are counted in turn;
 * - draining counters (failed logins, sign-ups from one address; limits/counters.ts), which forgive one attempt
 *   every `drainSeconds`.
 */

/** A draining counter: `capacity` attempts, then one more every `drainSeconds` (full → empty in their product). */
export interface DrainingLimit {
  name: string;
  capacity: number;
  drainSeconds: number;
  /** The refusal, given how long to wait ("40 seconds", "2 minutes"). */
  message: (wait: string) => string;
}

const TOO_MANY_LOGINS = (wait: string) => `Too many failed login attempts. Try again in ${wait}.`;

/** The login throttling rules (README, "Login throttling"), each counted per key by limits/counters.ts. */
export const LOGIN_RULES = {
  /** One address guessing one account's password: 10 failures, then one more every 90 s (10 per 15 minutes). */
  accountFromAddress: {
    name: 'failed logins to one account from one address',
    capacity: 10,
    drainSeconds: 90,
    message: TOO_MANY_LOGINS,
  },
  /** One address trying many accounts: 50 failures, then one more every 18 s (50 per 15 minutes). */
  address: { name: 'failed logins from one address', capacity: 50, drainSeconds: 18, message: TOO_MANY_LOGINS },
  /**
   * One account guessed from many addresses, counted only for browsers it has not logged in from before: 20
   * failures, then one more every 2 minutes. A slowdown, not a lock: the owner's known browser skips it.
   */
  account: {
    name: 'failed logins to one account',
    capacity: 20,
    drainSeconds: 120,
    message: (wait: string) =>
      `Too many failed login attempts on this account from elsewhere. Try again in ${wait}, or log in from a browser you have used here before.`,
  },
} satisfies Record<string, DrainingLimit>;

/**
 * Accounts made from one address (IPv4, or an IPv6 /64, as login throttling counts it): 5, then one more every
 * 12 minutes (5 an hour), so a household or a classroom can join at once and a script making accounts cannot.
 */
export const SIGNUP_LIMIT: DrainingLimit = {
  name: 'sign-ups from one address',
  capacity: 5,
  drainSeconds: 720,
  message: (wait) => `Too many accounts have been made from your network recently. Try again in ${wait}.`,
};

/**
 * Account emails (password reset, verification, confirming a new address) to one address: 3, then one more every
 * 20 minutes, counted for the address typed whether or not an account uses it (so the answer reveals nothing),
 * and so no one can flood a mailbox through our forms.
 */
export const ACCOUNT_MAIL_LIMIT: DrainingLimit = {
  name: 'account emails to one address',
  capacity: 3,
  drainSeconds: 1_200,
  message: (wait) => `We sent several emails to that address just now. Try again in ${wait}.`,
};

/** Password reset requests from one client address (any email): 10, then one more every 3 minutes. */
export const RESET_REQUEST_LIMIT: DrainingLimit = {
  name: 'password reset requests from one address',
  capacity: 10,
  drainSeconds: 180,
  message: (wait) => `Too many password reset requests from your network. Try again in ${wait}.`,
};

/**
 * Vote actions (casting, switching or cancelling a vote) one member may take per hour. lyceum_cast_vote
 * (migration 0012) takes it as an argument, counts the actions under the voter's advisory lock (namespace
 * 4_201_773) and records each action it takes.
 */
export const VOTES_PER_HOUR = 100;

/**
 * Members below this karma are new: their posts and comments may carry at most the site's `newMemberLinks`
 * links to other sites (rateLimits setting), the usual shape of spam.
 */
export const NEW_MEMBER_KARMA = 5;

/** The karma-tier write limits' windows (the tiers themselves are a site setting, settings/settings.ts). */
export const WRITE_WINDOWS = {
  post: { name: 'posts per week', seconds: 7 * 86_400, window: 'week', verb: 'post', noun: 'post' },
  comment: { name: 'comments per day', seconds: 86_400, window: 'day', verb: 'comment', noun: 'comment' },
} as const;
export type WriteKind = keyof typeof WRITE_WINDOWS;

/** A refusal by a draining counter that is `waitSeconds` over its capacity. */
export function refusal(limit: DrainingLimit, waitSeconds: number): RateLimited {
  return new RateLimited(limit.message(waitText(waitSeconds)), Math.ceil(waitSeconds));
}

/**
 * The refusal once a voter has acted `actions` times in the last hour; the quota frees up in `waitSeconds`,
 * when the VOTES_PER_HOUR-th most recent action leaves the one-hour window.
 */
export function voteRateLimited(actions: number, waitSeconds: number | null): RateLimited {
  const minutes = Math.max(1, Math.ceil((waitSeconds ?? 60) / 60));
  return new RateLimited(
    `You have voted ${actions} times in the last hour; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    minutes * 60,
  );
}

/**
 * The refusal of a post or comment past its karma tier's limit: how many were written in the window, why that is
 * the most, and when the next one fits (`freeAt`, when the oldest counted one leaves the window; none when the
 * tier allows nothing).
 */
export function writeRateLimited(
  kind: WriteKind,
  written: number,
  tier: { belowKarma: number },
  freeAt: Date | undefined,
  now: Date,
): RateLimited {
  const w = WRITE_WINDOWS[kind];
  const who = `members with less than ${tier.belowKarma} karma`;
  if (!freeAt || written === 0) {
    return new RateLimited(`For now, ${who} may not ${w.verb} here.`, w.seconds);
  }
  const waitSeconds = Math.max(1, (freeAt.getTime() - now.getTime()) / 1000);
  const things = `${written} ${w.noun}${written === 1 ? '' : 's'}`;
  return new RateLimited(
    `You have written ${things} in the last ${w.window}, the most ${who} may; you may ${w.verb} again ${clockText(freeAt, now)}, in ${durationText(waitSeconds)}.`,
    Math.ceil(waitSeconds),
  );
}

/** "40 seconds", "2 minutes": how long to wait, rounded up. */
export function waitText(seconds: number): string {
  if (seconds < 60) return plural(Math.max(1, Math.ceil(seconds)), 'second');
  return plural(Math.ceil(seconds / 60), 'minute');
}

/** "25 minutes", "3 hours", "5 days": a longer wait, in the unit a reader would use. */
export function durationText(seconds: number): string {
  if (seconds < 90 * 60) return plural(Math.max(1, Math.ceil(seconds / 60)), 'minute');
  if (seconds < 48 * 3600) return plural(Math.round(seconds / 3600), 'hour');
  return plural(Math.round(seconds / 86_400), 'day');
}

/** "at 14:05 UTC" within a day, else "on 9 December at 14:05 UTC" (rounded up to the minute). */
export function clockText(at: Date, now: Date): string {
  const minute = new Date(Math.ceil(at.getTime() / 60_000) * 60_000);
  const time = `${minute.toISOString().slice(11, 16)} UTC`;
  if (minute.getTime() - now.getTime() < 86_400_000) return `at ${time}`;
  const day = minute.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', timeZone: 'UTC' });
  return `on ${day} at ${time}`;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
