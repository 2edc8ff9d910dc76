import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import { CSRF_COOKIE, csrfTokenOf, hashToken, resolveSession, SESSION_COOKIE } from '../accounts/sessions.js';
import { AppError, Forbidden } from '../errors.js';
import { readUnsubscribeToken, UNSUBSCRIBE_PATH } from '../mail/unsubscribe.js';
import { activeBan, banMessage } from '../policy/actor.js';
import type { AppEnv, Deps } from './context.js';
import { SECURITY_HEADERS } from './security-headers.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_FIELD = '_csrf';
const CSRF_HEADER = 'x-csrf-token';
// Longer than any IPv6 address with a zone; a proxy would not write more.
const MAX_ADDRESS_LENGTH = 100;

/** True when the browser reached us over https (directly, or through a trusted proxy). */
function isHttps(c: Context<AppEnv>): boolean {
  if (c.get('deps').config.trustProxy) {
    const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim();
    if (proto) return proto === 'https';
  }
  return new URL(c.req.url).protocol === 'https:';
}

/**
 * The client's address. Behind TRUST_PROXY=N proxies, each appends the address it got the request from to
 * X-Forwarded-For, so the client is the Nth entry from the right: what the outermost trusted proxy saw. Entries
 * further left were written by the client and prove nothing.
 */
export function clientIp(c: Context<AppEnv>): string {
  const hops = c.get('deps').config.trustProxy;
  if (hops > 0) {
    const entries = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    // Fewer entries than proxies: the request skipped some; the leftmost is still the closest to the client.
    const seen = entries[Math.max(0, entries.length - hops)];
    if (seen) return seen.slice(0, MAX_ADDRESS_LENGTH);
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

export function cookieOptions(c: Context<AppEnv>, expires?: Date) {
  return { path: '/', httpOnly: true, sameSite: 'Lax' as const, secure: isHttps(c), ...(expires ? { expires } : {}) };
}

/**
 * Sets a cookie on this response and marks the request as one whose answer carries it: a page served from a
 * cache (cache/middleware.ts) would leave it behind, so such a request is rendered instead.
 */
export function sendCookie(c: Context<AppEnv>, name: string, value: string, options: CookieOptions): void {
  setCookie(c, name, value, options);
  c.set('setsCookie', true);
}

export function withDeps(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('deps', deps);
    await next();
  };
}

/** PostgreSQL text cannot hold NUL; an address carrying one is refused before any route reads it. */
export const refuseNul: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (/%00/i.test(c.req.url)) throw new AppError(400, 'The address contains a NUL character (%00).');
  await next();
};

/**
 * Request ids: this process's random prefix and a count (16 hex digits), unique without drawing random bytes per request (which
 * was 0.7 % of the hot thread benchmark's event loop). An id names a request in the logs and is no secret.
 */
const REQUEST_ID_PREFIX = randomBytes(4).toString('hex');
let requestCount = 0;

/** Request id on every response and one structured log line per request (never cookies or bodies). */
export const requestLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  requestCount = (requestCount + 1) >>> 0;
  const requestId = `${REQUEST_ID_PREFIX}${requestCount.toString(16).padStart(8, '0')}`;
  const log = c.get('deps').logger.child({ reqId: requestId });
  c.set('requestId', requestId);
  c.set('log', log);
  const started = performance.now();
  await next();
  setAnswerHeaders(c, [['X-Request-Id', requestId]]);
  log.info(
    { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
    'request',
  );
};

const SECURITY_HEADER_LIST = Object.entries(SECURITY_HEADERS);

export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  setAnswerHeaders(c, SECURITY_HEADER_LIST);
};

/**
 * Sets headers on the answer already made, on its own headers. hono's c.header then makes a web Response of the
 * answer and a copy of it for each header set (hono 4.13 on @hono/node-server): with the security headers, nine
 * Responses a request, a tenth of a busy thread's server time (CPU profile). An answer whose headers cannot
 * change (as one from fetch()) takes them through c.header.
 */
export function setAnswerHeaders(c: Context<AppEnv>, headers: readonly (readonly [string, string])[]): void {
  try {
    const answer = c.res.headers;
    for (const [name, value] of headers) answer.set(name, value);
  } catch {
    for (const [name, value] of headers) c.header(name, value);
  }
}

/** Loads the logged-in user, if any, renewing the session cookie when its expiry slides forward. */
export const session: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('user', null);
  const token = getCookie(c, SESSION_COOKIE);
  if (token && token.length <= 100) {
    const caches = c.get('deps').caches;
    const sessionHash = hashToken(token);
    const uncached = caches?.writerPending(sessionHash) ?? false;
    const found = await resolveSession(c.get('deps').db, sessionHash, uncached ? undefined : caches?.sessions);
    if (found) {
      c.set('user', found.user);
      c.set('sessionHash', sessionHash);
      if (uncached) c.set('uncached', true);
      if (found.renewedUntil) sendCookie(c, SESSION_COOKIE, token, cookieOptions(c, found.renewedUntil));
    }
  }
  await next();
};

/** Logged-out GET requests only read: send them to the read replica when it is fresh enough. */
export const readReplica: MiddlewareHandler<AppEnv> = async (c, next) => {
  const replicas = c.get('deps').replicas;
  if (replicas && !c.get('user') && c.req.method === 'GET')
    c.set('deps', { ...c.get('deps'), db: await replicas.reader() });
  await next();
};

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Why a state-changing request was refused: it came from another site (never offer to resubmit it, never set a
 * cookie in answer), or its token was missing or stale (an old page; the user's text is offered back).
 */
export class CsrfError extends AppError {
  constructor(
    readonly reason: 'cross-site' | 'expired',
    message = reason === 'cross-site'
      ? 'This request came from another site, so we refused it.'
      : 'This form has expired (its security token is missing or stale). Please submit it again.',
  ) {
    super(403, message);
  }
}

function readCookie(c: Context<AppEnv>, name: string): string | undefined {
  const value = getCookie(c, name);
  return value && value.length <= 100 ? value : undefined;
}

/**
 * Where a request says it comes from: the Origin header (compared with our Host and BASE_URL), else
 * Sec-Fetch-Site; "unknown" when it says neither (old browsers, scripts).
 */
export function requestSite(c: Context<AppEnv>): 'same-origin' | 'cross-site' | 'unknown' {
  const origin = c.req.header('origin');
  if (origin) {
    let originHost = '';
    try {
      originHost = new URL(origin).host;
    } catch {
      // "null" and other non-URLs: an opaque origin, not ours.
    }
    const ours = originHost === c.req.header('host') || origin === new URL(c.get('deps').config.baseUrl).origin;
    return ours ? 'same-origin' : 'cross-site';
  }
  const fetchSite = c.req.header('sec-fetch-site');
  if (fetchSite === 'same-origin') return 'same-origin';
  return fetchSite === 'cross-site' ? 'cross-site' : 'unknown';
}

/**
 * The token this browser's forms must echo. For a logged-in reader it is derived from their session token, so a
 * token is good for one session only and changes at login; logged out, it is the double-submit cookie's value.
 */
function expectedToken(c: Context<AppEnv>): string | undefined {
  const session = c.get('user') ? readCookie(c, SESSION_COOKIE) : undefined;
  return session ? csrfTokenOf(session) : readCookie(c, CSRF_COOKIE);
}

/**
 * Puts the browser's token in its forms (c.get('csrfToken')) and its cookie, minting one for a logged-out browser
 * without any. The cookie mirrors a logged-in reader's token too, so a page cached for them (keyed by session
 * and this cookie, cache/answer.ts) always carries the token the session expects.
 */
export function issueCsrfToken(c: Context<AppEnv>): string {
  const token = expectedToken(c) ?? randomBytes(32).toString('base64url');
  if (readCookie(c, CSRF_COOKIE) !== token) sendCookie(c, CSRF_COOKIE, token, cookieOptions(c));
  c.set('csrfToken', token);
  return token;
}

/** After a login or logout: the new session's token (or a fresh logged-out one) in the cookie and in forms. */
export function rotateCsrfToken(c: Context<AppEnv>, sessionToken: string | null): void {
  const token = sessionToken ? csrfTokenOf(sessionToken) : randomBytes(32).toString('base64url');
  sendCookie(c, CSRF_COOKIE, token, cookieOptions(c));
  c.set('csrfToken', token);
}

/**
 * A mail client's one-click unsubscribe (RFC 8058: POST to the List-Unsubscribe URL) comes from no page of ours
 * and carries no CSRF token, by design. It is let through only when the link's signed token is valid
 * (mail/unsubscribe.ts): the signature, which only our mail carries, is the proof a CSRF token would give, and
 * all such a request can do is stop one kind of email to the member the link was sent to.
 */
async function isOneClickUnsubscribe(c: Context<AppEnv>): Promise<boolean> {
  if (c.req.method !== 'POST' || c.req.path !== UNSUBSCRIBE_PATH) return false;
  return (await readUnsubscribeToken(c.get('deps').db, c.req.query('token') ?? '')) !== undefined;
}

/**
 * CSRF: every state-changing request must come from our own pages (Origin / Sec-Fetch-Site) and echo the
 * browser's token (see expectedToken) in a form field or header. A refused request sets no cookie; the error
 * page (web/errors.tsx) decides whether to offer the form again.
 */
export const csrf: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (SAFE_METHODS.has(c.req.method)) {
    issueCsrfToken(c);
    return next();
  }
  if (await isOneClickUnsubscribe(c)) {
    c.set('csrfToken', expectedToken(c) ?? '');
    return next();
  }
  if (requestSite(c) === 'cross-site') {
    // Its refusal page carries no token either.
    c.set('csrfToken', '');
    throw new CsrfError('cross-site');
  }
  const expected = expectedToken(c);
  // The refusal page's own forms (log out) keep working with the token the browser already has.
  c.set('csrfToken', expected ?? '');

  let sent = c.req.header(CSRF_HEADER);
  // The media type as Hono's parseBody reads it (case and spaces ignored), so no form body escapes this parse.
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
    // Parsed here even when the token came in a header: a malformed body is refused once, as a 400, and the
    // routes' own parseBody calls get this parse from the request's cache instead of throwing.
    let body: Record<string, unknown>;
    try {
      body = await c.req.parseBody();
    } catch {
      throw new AppError(400, 'The form data could not be read (malformed body).');
    }
    const value = body[CSRF_FIELD];
    if (!sent && typeof value === 'string') sent = value;
  }
  if (!sent || !expected || !sameToken(sent, expected)) throw new CsrfError('expired');
  issueCsrfToken(c);
  return next();
};

/** Writes a banned user may still make: ending their sessions and securing their account. */
const ALLOWED_WHILE_BANNED = new Set([
  '/logout',
  '/login',
  '/settings/password',
  '/settings/logout-everywhere',
  '/settings/email',
  '/settings/email/verify',
  '/forgot-password',
  '/reset-password',
  '/verify-email',
  '/confirm-email',
  UNSUBSCRIBE_PATH,
]);

/**
 * A banned user reads and logs in, but every write is refused here, in one place, with the ban's end and reason
 * (policy/actor.ts). Runs after csrf, so a forged request is refused as forged first.
 */
export const refuseBannedWrites: MiddlewareHandler<AppEnv> = async (c, next) => {
  const ban = SAFE_METHODS.has(c.req.method) || ALLOWED_WHILE_BANNED.has(c.req.path) ? null : activeBan(c.get('user'));
  if (ban) throw new Forbidden(banMessage(ban));
  return next();
};
