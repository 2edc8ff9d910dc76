import { SITE_NAME } from './build.js';
import { frontpageFeedPaths, postCommentsFeedPaths, sequenceFeedPaths, tagFeedPaths, userFeedPaths } from './paths.js';
import type { FeedFormat } from './xml.js';

/** A feed a page can advertise: its title and its address in each format (site-relative paths). */
export interface FeedRef {
  /** Its own title; FeedLinks adds the site's name (an admin setting). */
  title: string;
  paths: Record<FeedFormat, string>;
}

export const userFeedRef = (user: { username: string; displayName: string }): FeedRef => ({
  title: user.displayName,
  paths: userFeedPaths(user.username),
});

export const postCommentsFeedRef = (post: { id: string; slug: string; title: string }): FeedRef => ({
  title: `Comments on “${post.title}”`,
  paths: postCommentsFeedPaths(post),
});

export const sequenceFeedRef = (sequence: { id: string; title: string }): FeedRef => ({
  title: sequence.title,
  paths: sequenceFeedPaths(sequence.id),
});

export const tagFeedRef = (tag: { slug: string; name: string }): FeedRef => ({
  title: tag.name,
  paths: tagFeedPaths(tag),
});

/**
 * `<link rel="alternate">` feed discovery for a page's <head>: the page's own feeds first (readers and browser
 * extensions offer the first one by default), then the site's; each in RSS, then Atom. Relative hrefs resolve
 * against the page.
 */
export function FeedLinks({
  feeds = [],
  siteName = SITE_NAME,
}: {
  feeds?: FeedRef[] | undefined;
  siteName?: string | undefined;
}) {
  const titled = [
    ...feeds.map((feed) => ({ ...feed, title: `${feed.title} · ${siteName}` })),
    { title: siteName, paths: frontpageFeedPaths() },
  ];
  return (
    <>
      {titled.map((feed) => (
        <>
          <link rel="alternate" type="application/rss+xml" title={feed.title} href={feed.paths.rss} />
          <link rel="alternate" type="application/atom+xml" title={`${feed.title} (Atom)`} href={feed.paths.atom} />
        </>
      ))}
    </>
  );
}
