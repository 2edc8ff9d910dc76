import type { Context } from 'hono';
import type { AppEnv } from './context.js';
import type { PageContext } from './layout.js';

export function pageContext(c: Context<AppEnv>): PageContext {
  return {
    user: c.var.user ?? null,
    csrfToken: c.var.csrfToken ?? '',
    assets: c.var.deps.assets.urls,
    path: c.req.path,
  };
}

/** A same-site path to return to after logging in; anything else falls back to the frontpage. */
export function safeNext(next: string | undefined | null): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next.slice(0, 2000);
}

/** Requests from our client script and API callers want JSON errors; browsers navigating want pages. */
export function wantsJson(c: Context<AppEnv>): boolean {
  return c.req.path.startsWith('/api/') || (c.req.header('accept') ?? '').startsWith('application/json');
}
