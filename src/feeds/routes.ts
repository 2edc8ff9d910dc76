import { type Context, Hono } from 'hono';
import { USERNAME_PATTERN } from '../accounts/validation.js';
import { cacheAs } from '../cache/middleware.js';
import { ALL_POSTS_TAG } from '../cache/page-cache.js';
import { isId } from '../db/ids.js';
import { NotFound } from '../errors.js';
import { canViewPost } from '../policy/policy.js';
import { postById } from '../posts/queries.js';
import { sequenceById } from '../sequences/queries.js';
import { tagAtAddress } from '../tags/lookup.js';
import { profileByUsername } from '../users/queries.js';
import { respondConditionally, weakEtag } from '../web/conditional.js';
import type { AppEnv } from '../web/context.js';
import { siteSettings } from '../web/page.js';
import { type FeedSite, frontpageFeed, postCommentsFeed, sequenceFeed, tagFeed, userFeed } from './build.js';
import { FEED_EXTENSIONS, postCommentsFeedPaths, tagFeedPaths, userFeedPaths } from './paths.js';
import {
  newestCommentsOfPost,
  newestPosts,
  newestPostsOfSequence,
  newestPostsOfTag,
  newestPostsOfUser,
} from './queries.js';
import { CONTENT_TYPES, type Feed, type FeedFormat, renderFeed } from './xml.js';

/** Entries per feed: enough for a reader polling daily, small enough to render quickly. */
const FEED_SIZE = 30;
const MAX_USERNAME_LENGTH = 32;
/**
 * Readers and caches may keep a copy but revalidate each time, as for every page a logged-out reader gets
 * (cache/middleware.ts): a new post shows at the next poll, and an unchanged feed costs an empty 304.
 */
const FEED_CACHE_CONTROL = 'no-cache';
const FORMATS: FeedFormat[] = ['rss', 'atom'];

/** BASE_URL and the site's name as this process holds it (no query: settings/store.ts). */
export function feedSite(c: Context<AppEnv>): FeedSite {
  return { baseUrl: c.get('deps').config.baseUrl, name: siteSettings(c).site.name };
}

/** Serves a feed in one format, or a 304 when the reader's copy is current. */
function sendFeed(c: Context<AppEnv>, feed: Feed, format: FeedFormat) {
  const body = renderFeed(feed, format);
  // The ETag hashes the body itself: it changes exactly when anything shown changes (a deletion, a renamed
  // author, a retitled post), which no single column of ours tracks.
  return respondConditionally(
    c,
    { etag: weakEtag(body), lastModified: feed.updated, cacheControl: FEED_CACHE_CONTROL },
    () => c.body(body, 200, { 'Content-Type': CONTENT_TYPES[format] }),
  );
}

export const feedRoutes = new Hono<AppEnv>();

for (const format of FORMATS) {
  const extension = FEED_EXTENSIONS[format];

  feedRoutes.get(`/feed.${extension}`, async (c) => {
    const { db } = c.get('deps');
    cacheAs(c, [ALL_POSTS_TAG], { forEveryone: true });
    return sendFeed(c, frontpageFeed(feedSite(c), await newestPosts(db, FEED_SIZE)), format);
  });

  feedRoutes.get(`/users/:username/feed.${extension}`, async (c) => {
    const { db } = c.get('deps');
    const username = c.req.param('username');
    const valid = username.length <= MAX_USERNAME_LENGTH && USERNAME_PATTERN.test(username);
    const user = valid ? await profileByUsername(db, username) : undefined;
    if (!user) throw new NotFound('There is no user with that name, so there is no feed of their posts.');
    if (user.username !== username) return c.redirect(userFeedPaths(user.username)[format], 301);
    cacheAs(c, [ALL_POSTS_TAG, `user:${user.id}`], { forEveryone: true });
    const posts = await newestPostsOfUser(db, user.id, FEED_SIZE);
    return sendFeed(c, userFeed(feedSite(c), user, posts), format);
  });

  feedRoutes.get(`/posts/:postId/:slug/comments.${extension}`, async (c) => {
    const { db } = c.get('deps');
    const postId = c.req.param('postId');
    const post = isId(postId) ? await postById(db, postId) : undefined;
    // A feed is public: only what a logged-out reader may see has one (no drafts, nothing deleted).
    if (!post || !canViewPost(null, post)) {
      throw new NotFound('There is no post at this address, so there is no feed of its comments.');
    }
    if (c.req.param('slug') !== post.slug) return c.redirect(postCommentsFeedPaths(post)[format], 301);
    cacheAs(c, [`post:${post.id}`, `comments:${post.id}`], { forEveryone: true });
    const comments = await newestCommentsOfPost(db, post.id, FEED_SIZE);
    return sendFeed(c, postCommentsFeed(feedSite(c), post, comments), format);
  });

  feedRoutes.get(`/s/:sequenceId/feed.${extension}`, async (c) => {
    const { db } = c.get('deps');
    const sequenceId = c.req.param('sequenceId');
    const sequence = isId(sequenceId) ? await sequenceById(db, sequenceId) : undefined;
    if (!sequence) throw new NotFound('There is no sequence at this address, so there is no feed of its posts.');
    // Adding, moving or removing a post announces "post:<id>" (which drops every list) and the sequence's own
    // row announces "sequence:<id>" (migration 0005).
    cacheAs(c, [`sequence:${sequence.id}`, ALL_POSTS_TAG], { forEveryone: true });
    const posts = await newestPostsOfSequence(db, sequence.id, FEED_SIZE);
    return sendFeed(c, sequenceFeed(feedSite(c), sequence, posts), format);
  });

  feedRoutes.get(`/tags/:slug/feed.${extension}`, async (c) => {
    const { db } = c.get('deps');
    // An old slug or a merged tag leads to the feed of the tag it now names; a deleted tag has none.
    const { tag, redirectTo } = await tagAtAddress(db, c.req.param('slug'));
    if (!tag) return c.redirect(tagFeedPaths({ slug: redirectTo })[format], 301);
    // The tag's row and its links announce "tag:<id>" (migrations 0015, 0018); the posts shown, "front".
    cacheAs(c, [`tag:${tag.id}`, ALL_POSTS_TAG], { forEveryone: true });
    const posts = await newestPostsOfTag(db, tag.id, FEED_SIZE);
    return sendFeed(c, tagFeed(feedSite(c), tag, posts), format);
  });
}
