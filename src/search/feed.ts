import { createHash } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { AppError } from '../errors.js';
import { type FeedSite, frontpageFeed } from '../feeds/build.js';
import { FEED_EXTENSIONS } from '../feeds/paths.js';
import { feedSite } from '../feeds/routes.js';
import { CONTENT_TYPES, type Feed, type FeedFormat, renderFeed } from '../feeds/xml.js';
import { respondConditionally, weakEtag } from '../web/conditional.js';
import type { AppEnv } from '../web/context.js';
import { newestMatchingPosts } from './queries.js';
import { compileQuery, MAX_QUERY_CHARS } from './query.js';

/** Entries in a search's feed: its newest matching posts. */
const FEED_SIZE = 30;
const FORMATS: FeedFormat[] = ['rss', 'atom'];

export function searchFeedPaths(q: string): Record<FeedFormat, string> {
  const query = `?q=${encodeURIComponent(q)}`;
  return {
    rss: `/search/feed.${FEED_EXTENSIONS.rss}${query}`,
    atom: `/search/feed.${FEED_EXTENSIONS.atom}${query}`,
  };
}

/** The feed of a search: the newest posts matching it, entries as in every post feed (MathML-only math). */
function searchFeed(site: FeedSite, q: string, posts: Awaited<ReturnType<typeof newestMatchingPosts>>): Feed {
  const { baseUrl } = site;
  const paths = searchFeedPaths(q);
  const front = frontpageFeed(site, posts);
  const hash = createHash('sha256').update(q).digest('base64url').slice(0, 22);
  return {
    ...front,
    id: `${front.id.replace(/feed:frontpage$/, '')}feed:search:${hash}`,
    title: `Search “${q}” · ${site.name}`,
    description: `The newest posts on ${site.name} matching “${q}”.`,
    pageUrl: `${baseUrl}/search?q=${encodeURIComponent(q)}`,
    rssUrl: baseUrl + paths.rss,
    atomUrl: baseUrl + paths.atom,
  };
}

export const searchFeedRoutes = new Hono<AppEnv>();

/**
 * Not cached in memory (each query its own feed, most polled by one reader); a poll that finds nothing new
 * gets an empty 304 from the ETag of the body.
 */
async function sendSearchFeed(c: Context<AppEnv>, format: FeedFormat) {
  const { db } = c.get('deps');
  const q = (c.req.query('q') ?? '').trim();
  if (!q) throw new AppError(422, 'A search feed needs a search: add ?q= and what to look for.', { q: 'Missing.' });
  if (q.length > MAX_QUERY_CHARS) {
    throw new AppError(422, `The search is ${q.length} characters long; the limit is ${MAX_QUERY_CHARS}.`, {
      q: 'Too long.',
    });
  }
  const compiled = await compileQuery(db, q);
  if (!compiled.indexable) {
    throw new AppError(422, 'That search has no word to look for (only common words, operators or exclusions).', {
      q: 'Nothing to search for.',
    });
  }
  const feed = searchFeed(feedSite(c), q, await newestMatchingPosts(db, compiled.tsquery, FEED_SIZE));
  const body = renderFeed(feed, format);
  return respondConditionally(c, { etag: weakEtag(body), lastModified: feed.updated, cacheControl: 'no-cache' }, () =>
    c.body(body, 200, { 'Content-Type': CONTENT_TYPES[format] }),
  );
}

for (const format of FORMATS) {
  searchFeedRoutes.get(`/search/feed.${FEED_EXTENSIONS[format]}`, (c) => sendSearchFeed(c, format));
}
