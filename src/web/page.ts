import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
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

/**
 * Sends a rendered page as bytes. `c.html(string)` would do, but the compression and page-cache middleware then
 * read the body back through a web Response, which re-validates the whole string as Unicode first: about 1 ms for
 * a 250 KB comment page, more than compressing it.
 */
export async function sendHtml(
  c: Context<AppEnv>,
  page: { toString(): string | Promise<string> },
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const html = await renderToString(page);
  return c.body(Buffer.from(html) as Uint8Array<ArrayBuffer>, status, { 'Content-Type': 'text/html; charset=UTF-8' });
}

/** A rendered piece of JSX as a plain string, for keeping in a cache. */
export async function renderToString(node: { toString(): string | Promise<string> }): Promise<string> {
  return String(await node.toString());
}
