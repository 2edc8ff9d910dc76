import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { CSRF_COOKIE, resolveSession, SESSION_COOKIE } from '../accounts/sessions.js';
import { AppError } from '../errors.js';
import type { AppEnv, Deps } from './context.js';
import { SECURITY_HEADERS } from './security-headers.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** True when the browser reached us over https (directly, or through a trusted proxy). */
export function isHttps(c: Context<AppEnv>): boolean {
  if (c.var.deps.config.trustProxy) {
    const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim();
    if (proto) return proto === 'https';
  }
  return new URL(c.req.url).protocol === 'https:';
}

/** The client's address: the socket's, or the proxy's X-Forwarded-For when TRUST_PROXY=1. */
export function clientIp(c: Context<AppEnv>): string {
  if (c.var.deps.config.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

export function cookieOptions(c: Context<AppEnv>, expires?: Date) {
  return { path: '/', httpOnly: true, sameSite: 'Lax' as const, secure: isHttps(c), ...(expires ? { expires } : {}) };
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

/** Request id on every response and one structured log line per request (never cookies or bodies). */
export const requestLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const requestId = randomBytes(8).toString('hex');
  const log = c.var.deps.logger.child({ reqId: requestId });
  c.set('requestId', requestId);
  c.set('log', log);
  const started = performance.now();
  await next();
  c.header('X-Request-Id', requestId);
  log.info(
    { method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
    'request',
  );
};

export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value);
};

/** Loads the logged-in user, if any, renewing the session cookie when its expiry slides forward. */
export const session: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('user', null);
  const token = getCookie(c, SESSION_COOKIE);
  if (token && token.length <= 100) {
    const found = await resolveSession(c.var.deps.db, token, c.var.deps.caches?.sessions);
    if (found) {
      c.set('user', found.user);
      if (found.renewedUntil) setCookie(c, SESSION_COOKIE, token, cookieOptions(c, found.renewedUntil));
    }
  }
  await next();
};

/** Logged-out GET requests only read: send them to the read replica when it is fresh enough. */
export const readReplica: MiddlewareHandler<AppEnv> = async (c, next) => {
  const replicas = c.var.deps.replicas;
  if (replicas && !c.var.user && c.req.method === 'GET') c.set('deps', { ...c.var.deps, db: await replicas.reader() });
  await next();
};

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class CsrfError extends AppError {
  constructor(message: string) {
    super(403, message);
  }
}

/**
 * CSRF: every state-changing request must come from our own pages (Origin / Sec-Fetch-Site) and echo the
 * token from its cookie in a form field or header.
 */
export const csrf: MiddlewareHandler<AppEnv> = async (c, next) => {
  let token = getCookie(c, CSRF_COOKIE);
  if (!token || token.length > 100) {
    token = randomBytes(32).toString('base64url');
    setCookie(c, CSRF_COOKIE, token, cookieOptions(c));
  }
  c.set('csrfToken', token);
  if (SAFE_METHODS.has(c.req.method)) return next();

  const origin = c.req.header('origin');
  if (origin) {
    const host = c.req.header('host');
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = '';
    }
    if (originHost !== host && origin !== new URL(c.var.deps.config.baseUrl).origin) {
      throw new CsrfError('This request came from another site, so we refused it.');
    }
  } else if (c.req.header('sec-fetch-site') === 'cross-site') {
    throw new CsrfError('This request came from another site, so we refused it.');
  }

  let sent = c.req.header(CSRF_HEADER);
  if (!sent) {
    const type = c.req.header('content-type') ?? '';
    if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
      let body: Record<string, unknown>;
      try {
        body = await c.req.parseBody();
      } catch {
        throw new AppError(400, 'The form data could not be read (malformed body).');
      }
      const value = body[CSRF_FIELD];
      if (typeof value === 'string') sent = value;
    }
  }
  if (!sent || !getCookie(c, CSRF_COOKIE) || !sameToken(sent, token)) {
    throw new CsrfError('This form has expired (its security token is missing or stale). Please submit it again.');
  }
  return next();
};
