import { Hono } from 'hono';
import { cacheAs, cachedFragment } from '../cache/middleware.js';
import { ALL_POSTS_TAG } from '../cache/tagged-cache.js';
import { diffHunks } from '../content/diff-hunks.js';
import { renderPool } from '../content/pool.js';
import { NotFound } from '../errors.js';
import { postPageSlots } from '../sequences/slots.js';
import type { AppEnv } from '../web/context.js';
import { pageContext } from '../web/page.js';
import { HistoryPage, RevisionPage } from './history.js';
import { visiblePost } from './lookup.js';
import { showPostPage } from './page.js';
import { postPath } from './paths.js';
import { revisionsOfPost, revisionWithPrevious } from './revisions.js';

export const postRoutes = new Hono<AppEnv>()
  .get('/posts/:postId/:slug?', async (c) => {
    const post = await visiblePost(c);
    // Titles change; links made with an old or missing slug still arrive, at the one canonical address.
    if (c.req.param('slug') !== post.slug) return c.redirect(postPath(post), 301);
    // Kept until any post changes (a backlink shows the linking post's title) or a sequence does.
    const slots = await cachedFragment(c, `post-slots:${post.id}`, [ALL_POSTS_TAG, 'sequences'], () =>
      postPageSlots(c.var.deps.db, post.id),
    );
    return showPostPage(c, post, slots);
  })
  .get('/posts/:postId/:slug/history', async (c) => {
    const post = await visiblePost(c);
    if (c.req.param('slug') !== post.slug) return c.redirect(`${postPath(post)}/history`, 301);
    cacheAs(c, [`post:${post.id}`]);
    const revisions = await revisionsOfPost(c.var.deps.db, post.id);
    return c.html(<HistoryPage ctx={pageContext(c)} post={post} revisions={revisions} />);
  })
  .get('/posts/:postId/:slug/history/:number', async (c) => {
    const post = await visiblePost(c);
    const raw = c.req.param('number');
    const number = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
    if (c.req.param('slug') !== post.slug && Number.isInteger(number)) {
      return c.redirect(`${postPath(post)}/history/${number}`, 301);
    }
    const found = Number.isInteger(number) ? await revisionWithPrevious(c.var.deps.db, post.id, number) : undefined;
    if (!found) throw new NotFound(`This post has no revision ${raw.slice(0, 20)}.`);
    const { revision, previous } = found;
    cacheAs(c, [`post:${post.id}`]);
    // Diffs are stored when a revision is saved; one saved before that is diffed in the pool when viewed and
    // kept in memory (a GET does not write).
    const diff =
      revision.diff ??
      (previous
        ? await cachedFragment(c, `revision-diff:${post.id}:${revision.number}`, [`post:${post.id}`], () =>
            renderPool().diffRevisions(
              { title: previous.title, body: previous.bodyMarkdown },
              { title: revision.title, body: revision.bodyMarkdown },
            ),
          )
        : undefined);
    return c.html(
      <RevisionPage
        ctx={pageContext(c)}
        post={post}
        revision={revision}
        previous={previous}
        // Grouped into hunks when shown (one pass over the parts): the stored diff stays the plain word diff, so
        // the grouping can change without rewriting stored rows.
        diff={diff && { title: diff.title, body: diffHunks(diff.body) }}
        latest={post.revisionCount}
      />,
    );
  });
