import { Hono } from 'hono';
import { cacheAs, cachedFragment } from '../cache/middleware.js';
import { POST_TITLES_TAG } from '../cache/tagged-cache.js';
import { NotFound } from '../errors.js';
import { PostRemoved, showRemovedPost } from '../moderation/removed.js';
import { postPageSlots } from '../sequences/slots.js';
import type { AppEnv } from '../web/context.js';
import { pageContext } from '../web/page.js';
import { HistoryPage, RevisionPage, revisionDiffShown } from './history.js';
import { visiblePost } from './lookup.js';
import { showPostPage } from './page.js';
import { postPath } from './paths.js';
import { revisionsOfPost, revisionWithPrevious } from './revisions.js';

export const postRoutes = new Hono<AppEnv>()
  .get('/posts/:postId/:slug?', async (c) => {
    const post = await visiblePost(c).catch((error: unknown) => {
      if (error instanceof PostRemoved) return error;
      throw error;
    });
    if (post instanceof PostRemoved) return showRemovedPost(c, post);
    // Titles change; links made with an old or missing slug still arrive, at the one canonical address.
    if (c.req.param('slug') !== post.slug) return c.redirect(postPath(post), 301);
    // Kept until any post's content changes (a backlink shows the linking post's title) or a sequence does; not
    // dropped with the lists when only scores and counts change.
    const slots = await cachedFragment(c, `post-slots:${post.id}`, [POST_TITLES_TAG, 'sequences'], () =>
      postPageSlots(c.get('deps').db, post.id),
    );
    return showPostPage(c, post, slots);
  })
  .get('/posts/:postId/:slug/history', async (c) => {
    const post = await visiblePost(c);
    if (c.req.param('slug') !== post.slug) return c.redirect(`${postPath(post)}/history`, 301);
    cacheAs(c, [`post:${post.id}`]);
    const revisions = await revisionsOfPost(c.get('deps').db, post.id);
    return c.html(<HistoryPage ctx={pageContext(c)} post={post} revisions={revisions} />);
  })
  .get('/posts/:postId/:slug/history/:number', async (c) => {
    const post = await visiblePost(c);
    const raw = c.req.param('number');
    const number = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
    if (c.req.param('slug') !== post.slug && Number.isInteger(number)) {
      return c.redirect(`${postPath(post)}/history/${number}`, 301);
    }
    const found = Number.isInteger(number) ? await revisionWithPrevious(c.get('deps').db, post.id, number) : undefined;
    if (!found) throw new NotFound(`This post has no revision ${raw.slice(0, 20)}.`);
    const { revision, previous } = found;
    cacheAs(c, [`post:${post.id}`]);
    // A revision saved without a stored diff is diffed when viewed, kept in memory under its post.
    const diff = await revisionDiffShown(c, `revision-diff:${post.id}:${revision.number}`, [`post:${post.id}`], found);
    return c.html(
      <RevisionPage
        ctx={pageContext(c)}
        post={post}
        revision={revision}
        previous={previous}
        diff={diff}
        latest={post.revisionCount}
      />,
    );
  });
