import { getQueryParam } from 'hono/utils/url';

/**
 * Query parameters that change what a cached page shows: the post lists' order, period and cursor, a post's
 * comment order and comment page, a profile's tab. A route that caches its page (cacheAs) may read only these.
 */
export const PAGE_QUERY_PARAMETERS = ['view', 'period', 'after', 'sort', 'tab', 'page'] as const;

/**
 * The cache key of a GET request's URL (path and query): the path as sent, and of the query only the
 * parameters pages read, each decoded by the same function the routes read them with (Hono's), so two URLs
 * share a key exactly when the routes see the same values. Anything else (`?utm_source=…`, `?fbclid=…`, a
 * cache-buster) is ignored: it leads to the same page, so to the same entry, instead of one more copy of a
 * large page per distinct query string.
 */
export function pageKey(url: string): string {
  const question = url.indexOf('?');
  if (question === -1) return url;
  // getQueryParam expects an absolute URL (it looks for the "?" past the scheme).
  const absolute = `http://k${url}`;
  let key = url.slice(0, question);
  let separator = '?';
  for (const name of PAGE_QUERY_PARAMETERS) {
    const value = getQueryParam(absolute, name);
    if (typeof value !== 'string') continue;
    key += `${separator}${name}=${encodeURIComponent(value)}`;
    separator = '&';
  }
  return key;
}
