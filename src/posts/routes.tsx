import { Hono } from 'hono';
import { commentsOfPost, recordVisit } from '../comments/queries.js';
import { rememberCommentSort } from '../comments/service.js';
import { commentComparator, DEFAULT_COMMENT_SORT, isCommentSort } from '../comments/sort.js';
import { buildCommentTree, inReadingOrder } from '../comments/tree.js';
import { isNewComment, type ThreadContext } from '../comments/views.js';
import { NotFound } from '../errors.js';
import type { AppEnv } from '../web/context.js';
import { pageContext } from '../web/page.js';
import { HistoryPage, RevisionPage } from './history.js';
import { postPath } from './paths.js';
import { visiblePost } from './lookup.js';
import { canDeletePost, canEditPost } from './permissions.js';
import { revisionsOfPost, revisionWithPrevious, wordDiff } from './revisions.js';
import { PostPage } from './views.js';

export const postRoutes = new Hono<AppEnv>()
  .get('/posts/:postId/:slug?', async (c) => {
    const post = await visiblePost(c);
    // Titles change; links made with an old or missing slug still arrive, at the one canonical address.
    if (c.req.param('slug') !== post.slug) return c.redirect(postPath(post), 301);
    const db = c.var.deps.db;
    const user = c.var.user;
    const asked = c.req.query('sort');
    const sort = isCommentSort(asked) ? asked : (user?.commentSort ?? DEFAULT_COMMENT_SORT);
    if (user && isCommentSort(asked) && asked !== user.commentSort) await rememberCommentSort(db, user.id, asked);
    const [rows, lastVisit] = await Promise.all([
      commentsOfPost(db, post.id),
      user ? recordVisit(db, user.id, post.id) : Promise.resolve(undefined),
    ]);
    const tree = buildCommentTree(rows, commentComparator(sort));
    const thread: ThreadContext = { post, user, csrfToken: c.var.csrfToken, newSince: lastVisit };
    const fresh = lastVisit ? inReadingOrder(tree.roots).filter((comment) => isNewComment(comment, thread)) : [];
    return c.html(
      <PostPage
        ctx={pageContext(c)}
        post={post}
        comments={tree.roots}
        commentCount={post.commentCount}
        thread={thread}
        sort={sort}
        newCount={fresh.length}
        firstNewId={fresh[0]?.id}
        canonicalUrl={c.var.deps.config.baseUrl + postPath(post)}
        canEdit={canEditPost(user, post)}
        canDelete={canDeletePost(user, post)}
      />,
    );
  })
  .get('/posts/:postId/:slug/history', async (c) => {
    const post = await visiblePost(c);
    if (c.req.param('slug') !== post.slug) return c.redirect(`${postPath(post)}/history`, 301);
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
    return c.html(
      <RevisionPage
        ctx={pageContext(c)}
        post={post}
        revision={revision}
        previous={previous}
        titleDiff={previous ? wordDiff(previous.title, revision.title) : []}
        bodyDiff={previous ? wordDiff(previous.bodyMarkdown, revision.bodyMarkdown) : []}
        latest={post.revisionCount}
      />,
    );
  });
