import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Settings } from '../settings/settings.js';
import { DEFAULT_SETTINGS } from '../settings/store.js';
import { rememberBody } from './answer-body.js';
import type { AppEnv } from './context.js';
import { type DeflatedPiece, deflatePiece, gzipFromPieces } from './gzip-splice.js';
import type { PageContext } from './layout.js';

export function pageContext(c: Context<AppEnv>): PageContext {
  return {
    site: siteSettings(c).site,
    user: c.get('user') ?? null,
    csrfToken: c.get('csrfToken') ?? '',
    assets: c.get('deps').assets.urls,
    path: c.req.path,
    url: pathAndQuery(c.req.url),
  };
}

/** The site's settings as this process holds them (no query; settings/store.ts keeps them fresh). */
export function siteSettings(c: Context<AppEnv>): Settings {
  return c.get('deps').settings?.current ?? DEFAULT_SETTINGS;
}

/** The path and query of a request URL (after the host), as requested. */
export function pathAndQuery(url: string): string {
  return url.slice(url.indexOf('/', url.indexOf('//') + 2));
}

/** Longest redirect target accepted; our own paths are far shorter. */
const MAX_TARGET_LENGTH = 2000;

/**
 * C0 controls and DEL: the URL parser drops tabs and newlines ("/\t/evil" would become "//evil", another site),
 * and a header cannot carry them; no link of ours contains one.
 */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * A user-supplied redirect target as a path on `origin`, or undefined: resolved with the URL parser (as a
 * browser would resolve the Location header), kept only when it stays on our origin, and returned as the
 * parser's normalized path, query and fragment, so "//evil", "/\\evil", "/.//evil", "javascript:" and
 * userinfo tricks cannot lead elsewhere.
 */
export function sameOriginPath(target: string, origin: string): string | undefined {
  if (target.length === 0 || target.length > MAX_TARGET_LENGTH || hasControlCharacter(target)) return undefined;
  let url: URL;
  try {
    url = new URL(target, origin);
  } catch {
    return undefined;
  }
  // Dot segments can normalize to a path starting "//" ("/.//evil"), which a browser reads as another host.
  if (url.origin !== new URL(origin).origin || url.pathname.startsWith('//')) return undefined;
  return url.pathname + url.search + url.hash;
}

/** Where to send the reader after a login or a vote (`next`, `returnTo`): a path on this site, else the frontpage. */
export function safeNext(c: Context<AppEnv>, next: string | undefined | null): string {
  return (next && sameOriginPath(next, c.get('deps').config.baseUrl)) || '/';
}

/** Requests from our client script and API callers want JSON errors; browsers navigating want pages. */
export function wantsJson(c: Context<AppEnv>): boolean {
  return c.req.path.startsWith('/api/') || (c.req.header('accept') ?? '').startsWith('application/json');
}

/** An HTML answer made from bytes, which the middleware reading it back takes as they are (answer-body.ts). */
function htmlAnswer(c: Context<AppEnv>, body: Uint8Array, status: ContentfulStatusCode): Response {
  return rememberBody(
    c.body(body as Uint8Array<ArrayBuffer>, status, { 'Content-Type': 'text/html; charset=UTF-8' }),
    body,
  );
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
  return htmlAnswer(c, Buffer.from(html), status);
}

/** Where sendSplicedHtml's pieces go in the page (NUL appears nowhere else in a page, see slots.ts). */
export const SPLICE_MARK = '\0splice\0';
/** Where a post's body goes in a page made from its frame (posts/frame.tsx), spliced in compressed apart. */
export const BODY_MARK = '\0body\0';

/**
 * Sends a page with `middle` (UTF-8 made apart, such as a comment section filled into bytes) at SPLICE_MARK: the
 * long part is not joined into the page's string to be encoded again.
 */
export async function sendHtmlAround(
  c: Context<AppEnv>,
  page: { toString(): string | Promise<string> },
  middle: Buffer,
): Promise<Response> {
  const [before, after] = splitAtMark(await renderToString(page));
  return htmlAnswer(c, Buffer.concat([Buffer.from(before), middle, Buffer.from(after)]), 200);
}

function splitAtMark(html: string): [string, string] {
  const at = html.indexOf(SPLICE_MARK);
  if (at < 0) throw new Error('The page has no SPLICE_MARK.');
  return [html.slice(0, at), html.slice(at + SPLICE_MARK.length)];
}

/** Compression of the page around the spliced pieces, made per request. */
export const AROUND_LEVEL = 1;

/**
 * Sends a page as gzip made of its own text compressed now and, at SPLICE_MARK, pieces compressed before
 * (gzip-splice.ts): most of a long comment section is compressed once for every reader. Only for clients that
 * take gzip (acceptsGzip); the compression middleware leaves an encoded answer alone.
 */
export async function sendSplicedHtml(
  c: Context<AppEnv>,
  page: { toString(): string | Promise<string> },
  pieces: readonly DeflatedPiece[],
): Promise<Response> {
  const [before, after] = splitAtMark(await renderToString(page));
  return sendGzipPieces(c, [
    deflatePiece(Buffer.from(before), AROUND_LEVEL),
    ...pieces,
    deflatePiece(Buffer.from(after), AROUND_LEVEL),
  ]);
}

/** Sends a page made of DEFLATE pieces (gzip-splice.ts) as one gzip answer. */
export function sendGzipPieces(c: Context<AppEnv>, pieces: readonly DeflatedPiece[]): Response {
  const body = gzipFromPieces(pieces);
  return c.body(body as Uint8Array<ArrayBuffer>, 200, {
    'Content-Type': 'text/html; charset=UTF-8',
    'Content-Encoding': 'gzip',
    Vary: 'Accept-Encoding',
  });
}

/** A rendered piece of JSX as a plain string, for keeping in a cache. */
export async function renderToString(node: { toString(): string | Promise<string> }): Promise<string> {
  return String(await node.toString());
}
