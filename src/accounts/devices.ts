import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The "known device" cookie (OWASP's device cookie): set when a browser logs in, it lets that browser skip the
 * per-account slowdown that a guesser spread over many addresses triggers, so the owner still gets in during
 * such an attack. It is sent only to /login.
 */
export const DEVICE_COOKIE = 'lyceum_device';
export const DEVICE_COOKIE_PATH = '/login';
/** Browsers keep a cookie at most 400 days. */
export const DEVICE_COOKIE_DAYS = 400;

interface Account {
  id: string;
  passwordHash: string;
}

// The signature names the account and is keyed by its password hash: a secret only the server holds, so no
// configured key is needed across processes, and a password change voids every device cookie.
function signature(account: Account, nonce: string): string {
  return createHmac('sha256', account.passwordHash).update(`lyceum device ${account.id} ${nonce}`).digest('base64url');
}

/** A new device cookie value for this account. */
export function deviceToken(account: Account): string {
  const nonce = randomBytes(16).toString('base64url');
  return `${nonce}.${signature(account, nonce)}`;
}

/** Whether `token` (the cookie's value) was issued to a browser that logged in to this account. */
export function isKnownDevice(token: string | undefined, account: Account): boolean {
  if (!token || token.length > 100) return false;
  const [nonce, sent] = token.split('.');
  if (!nonce || !sent) return false;
  const expected = Buffer.from(signature(account, nonce));
  const actual = Buffer.from(sent);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
