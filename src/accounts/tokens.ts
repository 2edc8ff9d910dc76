import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.js';
import { AppError } from '../errors.js';
import { hashToken } from './sessions.js';

/**
 * One-time links sent by email (account_tokens, migration 0023). The link carries a 256-bit token; only its hash
 * is stored (hashToken, as for sessions), so a copy of the database opens no account.
 */
export type TokenPurpose = 'verify-email' | 'change-email' | 'reset-password';

const HOUR_MS = 3_600_000;
/** How long each kind of link works: a reset link briefly, since it is as good as a password. */
export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  'reset-password': HOUR_MS,
  'change-email': 24 * HOUR_MS,
  'verify-email': 7 * 24 * HOUR_MS,
};

/** The longest token text accepted (ours are 43 characters). */
const MAX_TOKEN_LENGTH = 100;

export interface AccountToken {
  userId: string;
  purpose: TokenPurpose;
  email: string;
}

/** A link that does not work: forged or mistyped, expired, or used. Nothing was changed. */
export class BadLink extends AppError {
  constructor(message: string) {
    super(400, message);
  }
}

const WHAT: Record<TokenPurpose, { noun: string; again: string }> = {
  'reset-password': { noun: 'password reset link', again: 'Ask for a new one from “Forgot password?”.' },
  'verify-email': { noun: 'verification link', again: 'Send a new one from your settings.' },
  'change-email': { noun: 'confirmation link', again: 'Change your email again from your settings.' },
};

/**
 * Makes a link's token for the user and purpose, sent to `email`. Earlier unused tokens of the same purpose stop
 * working: only the newest link sent is good.
 */
export async function issueAccountToken(
  db: Queryable,
  target: AccountToken,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + TOKEN_LIFETIME_MS[target.purpose]);
  await db.transaction(async (tx) => {
    await tx.query(
      `UPDATE account_tokens SET expires_at = least(expires_at, now())
        WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`,
      [target.userId, target.purpose],
    );
    await tx.query(
      `INSERT INTO account_tokens (token_hash, user_id, purpose, email, expires_at) VALUES ($1, $2, $3, $4, $5)`,
      [hashToken(token), target.userId, target.purpose, target.email, expiresAt],
    );
  });
  return { token, expiresAt };
}

interface TokenRow extends AccountToken {
  used: boolean;
  expired: boolean;
}

async function findToken(db: Queryable, purpose: TokenPurpose, token: string, lock: boolean): Promise<AccountToken> {
  const what = WHAT[purpose];
  const rows =
    token.length === 0 || token.length > MAX_TOKEN_LENGTH
      ? []
      : await db.query<TokenRow>(
          `SELECT user_id AS "userId", purpose, email, used_at IS NOT NULL AS used, expires_at <= now() AS expired
             FROM account_tokens WHERE token_hash = $1 AND purpose = $2 ${lock ? 'FOR UPDATE' : ''}`,
          [hashToken(token), purpose],
        );
  const row = rows[0];
  if (!row) throw new BadLink(`This ${what.noun} is not valid: check that you copied all of it. ${what.again}`);
  if (row.used) throw new BadLink(`This ${what.noun} has been used already. ${what.again}`);
  if (row.expired) throw new BadLink(`This ${what.noun} has expired. ${what.again}`);
  return { userId: row.userId, purpose: row.purpose, email: row.email };
}

/** What a token is for, if it still works (a GET showing the form or the confirm button; nothing changes). */
export function peekAccountToken(db: Queryable, purpose: TokenPurpose, token: string): Promise<AccountToken> {
  return findToken(db, purpose, token, false);
}

/**
 * Uses a token up and runs `apply` with it, in one transaction: the row is locked first, so of two requests with
 * the same link one applies it and the other finds it used. Throws BadLink (and changes nothing) for a forged,
 * expired or used one.
 */
export async function redeemAccountToken<T>(
  db: Queryable,
  purpose: TokenPurpose,
  token: string,
  apply: (tx: Queryable, found: AccountToken) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    const found = await findToken(tx, purpose, token, true);
    await tx.query('UPDATE account_tokens SET used_at = now() WHERE token_hash = $1', [hashToken(token)]);
    return apply(tx, found);
  });
}

/** Forgets tokens a day past their end (the periodic maintenance). */
export async function deleteOldAccountTokens(db: Queryable): Promise<number> {
  const rows = await db.query(`DELETE FROM account_tokens WHERE expires_at < now() - interval '1 day' RETURNING 1`);
  return rows.length;
}
