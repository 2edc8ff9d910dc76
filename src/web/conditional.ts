import { createHash } from 'node:crypto';
import type { Context } from 'hono';

/**
 * What a response is validated by. `etag` must change whenever the body would: the simplest correct choice is
 * `weakEtag(body)`; a cheaper one hashes the data the body is made from (ids, updated_at, counts) — but then
 * also anything else the body shows (names, titles, the code's version).
 */
export interface Validators {
  etag: string;
  /** When the content last changed; sent as Last-Modified (whole seconds). */
  lastModified?: Date | undefined;
  /** Sent on both the 200 and the 304, as RFC 9110 asks. */
  cacheControl?: string | undefined;
}

/**
 * A weak entity tag (`W/"…"`) over the given parts. Weak, because compression re-encodes our bodies: the
 * tag names the content, not its bytes (Hono's compress would weaken a strong tag anyway).
 */
export function weakEtag(...parts: Array<string | number | Date | null | undefined>): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(part instanceof Date ? part.toISOString() : String(part ?? ''));
    hash.update('\u0000');
  }
  return `W/"${hash.digest('base64url').slice(0, 27)}"`;
}

/** The opaque part of an entity tag, for the weak comparison If-None-Match uses (W/"a" matches "a"). */
function opaque(tag: string): string {
  return tag.trim().replace(/^W\//, '');
}

function matchesAny(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  const ours = opaque(etag);
  return (ifNoneMatch.match(/(?:W\/)?"[^"]*"/g) ?? []).some((tag) => opaque(tag) === ours);
}

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * True when the client's cached copy is current (RFC 9110 §13.2.2): If-None-Match decides when sent; otherwise
 * If-Modified-Since must name exactly our Last-Modified second. Exact rather than "at or after" (a 200 is
 * always allowed instead of a 304): a list's date is its newest item's, which moves back when that item is
 * deleted, and a reader echoing the old, later date must then get the new list, not a 304 keeping the item.
 */
export function isNotModified(c: Context, validators: Validators): boolean {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return false;
  return clientHasCurrent(c.req.header('if-none-match'), c.req.header('if-modified-since'), validators);
}

/**
 * The same test on the raw header values, for callers without a framework context (the page cache answers
 * hits straight from node:http).
 */
export function clientHasCurrent(
  ifNoneMatch: string | undefined,
  ifModifiedSince: string | undefined,
  validators: Pick<Validators, 'etag' | 'lastModified'>,
): boolean {
  if (ifNoneMatch !== undefined) return matchesAny(ifNoneMatch, validators.etag);
  if (ifModifiedSince === undefined || !validators.lastModified) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && seconds(new Date(since)) === seconds(validators.lastModified);
}

/**
 * Sets ETag / Last-Modified / Cache-Control, then answers 304 with no body when the client's copy is current,
 * or calls `render` (which should build its response with `c.body`/`c.html`, so the headers set here apply).
 * Pass a data-derived etag to skip rendering entirely on a 304.
 */
export async function respondConditionally(
  c: Context,
  validators: Validators,
  render: () => Response | Promise<Response>,
): Promise<Response> {
  c.header('ETag', validators.etag);
  if (validators.lastModified) c.header('Last-Modified', validators.lastModified.toUTCString());
  if (validators.cacheControl) c.header('Cache-Control', validators.cacheControl);
  if (isNotModified(c, validators)) return c.body(null, 304);
  return render();
}
