import { makeExcerpt } from '../content/excerpt.js';
import { EXCERPT_CHARS } from '../content/render.js';
import { commentPath, postPath } from '../posts/paths.js';
import { sequencePath } from '../sequences/paths.js';
import { tagPath } from '../tags/paths.js';
import { absoluteLinks } from './absolute-links.js';
import { mathmlOnly } from './mathml-only.js';
import { frontpageFeedPaths, postCommentsFeedPaths, sequenceFeedPaths, tagFeedPaths, userFeedPaths } from './paths.js';
import type { FeedComment, FeedPost, FeedSequencePost } from './queries.js';
import type { Feed, FeedFormat, FeedItem } from './xml.js';

/** The site's name when no settings are at hand (FeedLinks' default); pages and feeds use the admin setting. */
export const SITE_NAME = 'Lyceum';

/** Where a feed is served from and what the site is called (BASE_URL and the site's name setting). */
export interface FeedSite {
  baseUrl: string;
  name: string;
}
/** The language of the site's own words (its pages' `lang`, its feeds' language). */
export const SITE_LANGUAGE = 'en';
/**
 * The date part of our tag: URIs (RFC 4151). Ids must never change, so this is a constant, not the current
 * year; together with BASE_URL's host and a post's or comment's random id it names each entry for good.
 */
const TAG_DATE = '2025';

/** A permanent id: `tag:<host>,2025:<what>`, e.g. tag:lyceum.example,2025:post:AbC… (titles never enter it). */
function tagUri(baseUrl: string, specific: string): string {
  return `tag:${new URL(baseUrl).hostname},${TAG_DATE}:${specific}`;
}

/** The newest of the dates, or the fallback when there are none. */
function latest(dates: Date[], fallback: Date): Date {
  return dates.length === 0 ? fallback : new Date(Math.max(...dates.map((date) => date.getTime())));
}

function absolutePaths(baseUrl: string, paths: Record<FeedFormat, string>) {
  return { rssUrl: baseUrl + paths.rss, atomUrl: baseUrl + paths.atom };
}

const userUrl = (baseUrl: string, username: string) => `${baseUrl}/users/${encodeURIComponent(username)}`;

function postItem(baseUrl: string, post: FeedPost): FeedItem {
  const url = baseUrl + postPath(post);
  return {
    id: tagUri(baseUrl, `post:${post.id}`),
    title: post.title,
    url,
    author: { name: post.authorDisplayName, url: userUrl(baseUrl, post.authorUsername) },
    published: post.publishedAt,
    updated: latest([post.updatedAt, post.publishedAt], post.publishedAt),
    html: mathmlOnly(absoluteLinks(post.bodyHtml, baseUrl, url)),
    summary: post.excerpt,
  };
}

/** The frontpage feed: the site's newest posts. */
export function frontpageFeed(site: FeedSite, posts: FeedPost[]): Feed {
  const baseUrl = site.baseUrl;
  const items = posts.map((post) => postItem(baseUrl, post));
  return {
    id: tagUri(baseUrl, 'feed:frontpage'),
    title: site.name,
    description: `The newest posts on ${site.name}.`,
    pageUrl: `${baseUrl}/`,
    ...absolutePaths(baseUrl, frontpageFeedPaths()),
    // An empty site has no date of its own; the epoch is stable, so the feed's ETag and dates stay put.
    updated: latest(
      items.map((item) => item.updated),
      new Date(0),
    ),
    author: { name: site.name },
    items,
  };
}

export interface FeedUser {
  id: string;
  username: string;
  displayName: string;
  createdAt: Date;
}

/** One author's feed: their newest posts. */
export function userFeed(site: FeedSite, user: FeedUser, posts: FeedPost[]): Feed {
  const baseUrl = site.baseUrl;
  const items = posts.map((post) => postItem(baseUrl, post));
  return {
    id: tagUri(baseUrl, `feed:user:${user.id}`),
    title: `${user.displayName} · ${site.name}`,
    description: `The newest posts by ${user.displayName} on ${site.name}.`,
    pageUrl: userUrl(baseUrl, user.username),
    ...absolutePaths(baseUrl, userFeedPaths(user.username)),
    updated: latest(
      items.map((item) => item.updated),
      user.createdAt,
    ),
    author: { name: user.displayName, url: userUrl(baseUrl, user.username) },
    items,
  };
}

export interface FeedPostHeader {
  id: string;
  slug: string;
  title: string;
  publishedAt: Date | null;
  updatedAt: Date;
}

/** One post's discussion: its newest comments. */
export function postCommentsFeed(site: FeedSite, post: FeedPostHeader, comments: FeedComment[]): Feed {
  const baseUrl = site.baseUrl;
  const items = comments.map((comment): FeedItem => {
    const url = baseUrl + commentPath(post, comment.id);
    return {
      id: tagUri(baseUrl, `comment:${comment.id}`),
      title: `${comment.retracted ? '[Retracted] ' : ''}Comment by ${comment.authorDisplayName} on “${post.title}”`,
      url,
      author: { name: comment.authorDisplayName, url: userUrl(baseUrl, comment.authorUsername) },
      published: comment.createdAt,
      updated: comment.editedAt ?? comment.createdAt,
      html: mathmlOnly(absoluteLinks(comment.bodyHtml, baseUrl, url)),
      summary: comment.excerpt,
    };
  });
  return {
    id: tagUri(baseUrl, `feed:post-comments:${post.id}`),
    title: `Comments on “${post.title}” · ${site.name}`,
    description: `The newest comments on “${post.title}”.`,
    pageUrl: baseUrl + postPath(post),
    ...absolutePaths(baseUrl, postCommentsFeedPaths(post)),
    // Every entry's title names the post, so a retitled post dates the feed too.
    updated: latest([...items.map((item) => item.updated), post.updatedAt], post.updatedAt),
    author: { name: site.name },
    items,
  };
}

export interface FeedSequence {
  id: string;
  title: string;
  descriptionHtml: string;
  authorUsername: string;
  authorDisplayName: string;
  updatedAt: Date;
}

/** A sequence's feed: its posts, newest additions first, each linking to the post's own page. */
export function sequenceFeed(site: FeedSite, sequence: FeedSequence, posts: FeedSequencePost[]): Feed {
  const baseUrl = site.baseUrl;
  const items = posts.map((post) => postItem(baseUrl, post));
  const description = makeExcerpt(sequence.descriptionHtml, EXCERPT_CHARS);
  return {
    id: tagUri(baseUrl, `feed:sequence:${sequence.id}`),
    title: `${sequence.title} · ${site.name}`,
    description: description || `A sequence by ${sequence.authorDisplayName} on ${site.name}.`,
    pageUrl: baseUrl + sequencePath(sequence.id),
    ...absolutePaths(baseUrl, sequenceFeedPaths(sequence.id)),
    // Adding an older post changes the feed without any post changing: the addition dates it.
    updated: latest(
      [...items.map((item) => item.updated), ...posts.map((post) => post.addedAt), sequence.updatedAt],
      sequence.updatedAt,
    ),
    author: { name: sequence.authorDisplayName, url: userUrl(baseUrl, sequence.authorUsername) },
    items,
  };
}

export interface FeedTag {
  id: string;
  name: string;
  slug: string;
  descriptionExcerpt: string;
  updatedAt: Date;
}

/** A tag's feed: its newest posts (links hidden from the tag page are left out here too). */
export function tagFeed(site: FeedSite, tag: FeedTag, posts: FeedPost[]): Feed {
  const baseUrl = site.baseUrl;
  const items = posts.map((post) => postItem(baseUrl, post));
  return {
    id: tagUri(baseUrl, `feed:tag:${tag.id}`),
    title: `${tag.name} · ${site.name}`,
    description: tag.descriptionExcerpt || `The newest posts tagged “${tag.name}” on ${site.name}.`,
    pageUrl: baseUrl + tagPath(tag),
    ...absolutePaths(baseUrl, tagFeedPaths(tag)),
    // A renamed tag or a new description dates the feed too (its title and description show them).
    updated: latest([...items.map((item) => item.updated), tag.updatedAt], tag.updatedAt),
    author: { name: site.name },
    items,
  };
}
