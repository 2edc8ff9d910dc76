import { postPath } from '../posts/paths.js';
import { sequencePath } from '../sequences/paths.js';
import { tagPath } from '../tags/paths.js';
import type { FeedFormat } from './xml.js';

/** The file extension each format is served under: `.xml` is RSS 2.0, `.atom` is Atom 1.0. */
export const FEED_EXTENSIONS: Record<FeedFormat, string> = { rss: 'xml', atom: 'atom' };

/** Both addresses of one feed, given the address without its extension. */
function both(stem: string): Record<FeedFormat, string> {
  return { rss: `${stem}.${FEED_EXTENSIONS.rss}`, atom: `${stem}.${FEED_EXTENSIONS.atom}` };
}

export function frontpageFeedPaths(): Record<FeedFormat, string> {
  return both('/feed');
}

export function userFeedPaths(username: string): Record<FeedFormat, string> {
  return both(`/users/${encodeURIComponent(username)}/feed`);
}

export function postCommentsFeedPaths(post: { id: string; slug: string }): Record<FeedFormat, string> {
  return both(`${postPath(post)}/comments`);
}

export function sequenceFeedPaths(sequenceId: string): Record<FeedFormat, string> {
  return both(`${sequencePath(sequenceId)}/feed`);
}

export function tagFeedPaths(tag: { slug: string }): Record<FeedFormat, string> {
  return both(`${tagPath(tag)}/feed`);
}
