import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { cacheAs } from '../cache/middleware.js';
import { isId } from '../db/ids.js';
import { AppError, Forbidden, Invalid, NotFound } from '../errors.js';
import { canEditComment } from '../policy/policy.js';
import { visiblePost } from '../posts/lookup.js';
import { commentPath, postPath } from '../posts/paths.js';
import { keepRetryAfter, renderPreview } from '../posts/preview.js';
import type { PostRow } from '../posts/queries.js';
import { pendingCommentsOfReader } from '../review/queries.js';
import { heldForReview } from '../review/rules.js';
import { PendingCommentItem } from '../review/views.js';
import type { AppEnv } from '../web/context.js';
import { formStrings, parseInput, parseNamingFields } from '../web/forms.js';
import { pageContext, wantsJson } from '../web/page.js';
import { readDiscussion, readPageBodies } from './discussion.js';
import { commentPageParameter, nearestAncestors, requireCommentPage } from './pager.js';
import { EditCommentPage, PermalinkPage, ReplyPage } from './pages.js';
import { paginateThreads } from './paging.js';
import { commentById, commentRow } from './queries.js';
import { addComment, deleteComment, editComment, setRetracted } from './service.js';
import { commentComparator, DEFAULT_COMMENT_SORT, isCommentSort } from './sort.js';
import { ancestorsOf, buildCommentTree } from './tree.js';
import { commentBody, commentIntent, newCommentInput, retractInput } from './validation.js';
import { CommentItem, type ThreadContext } from './views.js';

const NO_COMMENT = 'That comment does not exist or has been deleted.';

function firstMessage(error: AppError): string {
  return Object.values(error.fields)[0] ?? error.message;
}

/** The thread around one comment, from the post's discussion (readDiscussion: outlines, and text if it fits). */
async function threadOf(c: Context<AppEnv>, post: PostRow, commentId: string) {
  const read = await readDiscussion(c, post.id);
  const asked = c.req.query('sort');
  const sort = isCommentSort(asked) ? asked : (c.get('user')?.commentSort ?? DEFAULT_COMMENT_SORT);
  const tree = buildCommentTree(read.rows, commentComparator(sort));
  const node = tree.byId.get(commentId);
  if (!node) throw new NotFound(NO_COMMENT);
  return { tree, node, read };
}

export const commentRoutes = new Hono<AppEnv>()
  .post('/posts/:postId/comments', async (c) => {
    const user = c.get('user');
    if (!user) throw new Forbidden('Log in to comment.');
    const post = await visiblePost(c);
    const form = formStrings(await c.req.parseBody());
    const db = c.get('deps').db;
    const found = form.parentId && isId(form.parentId) ? await commentRow(db, form.parentId) : undefined;
    const parent = found?.postId === post.id ? found : undefined;
    const show = (state: { body: string; error?: string; previewHtml?: string }, status: ContentfulStatusCode) =>
      c.html(<ReplyPage ctx={pageContext(c)} post={post} parent={parent} state={state} />, status);
    try {
      const intent = commentIntent.safeParse(form.intent || undefined);
      if (!intent.success) throw new Invalid('Choose Preview or Submit.');
      const input = parseInput(newCommentInput, { body: form.body, parentId: form.parentId });
      if (intent.data === 'preview') {
        return show({ body: input.body, previewHtml: await renderPreview(c, user.id, input.body) }, 200);
      }
      const { id, pending } = await addComment(db, {
        postId: post.id,
        parentId: input.parentId,
        authorId: user.id,
        markdown: input.body,
        baseUrl: c.get('deps').config.baseUrl,
        hold: await heldForReview(db, user),
      });
      if (pending && wantsJson(c)) {
        // Held for review: the author sees it in place, marked as waiting (review/views.tsx).
        const held = (await pendingCommentsOfReader(db, user.id, post.id)).find((one) => one.id === id)!;
        const html = (<PendingCommentItem comment={held} />).toString();
        return c.json({ id, parentId: input.parentId ?? null, html, pending: true }, 201);
      }
      if (wantsJson(c)) {
        const row = (await commentRow(db, id))!;
        const thread: ThreadContext = { post, user, csrfToken: c.get('csrfToken') };
        const html = (
          <CommentItem node={{ comment: row, replies: [], descendantCount: 0 }} depth={0} ctx={thread} />
        ).toString();
        return c.json({ id, parentId: input.parentId ?? null, html }, 201);
      }
      return c.redirect(`${postPath(post)}#comment-${id}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || wantsJson(c) || error.status === 403) throw error;
      keepRetryAfter(c, error);
      return show({ body: form.body ?? '', error: firstMessage(error) }, error.status);
    }
  })
  .get('/posts/:postId/:slug/comment/:commentId', async (c) => {
    const post = await visiblePost(c);
    const commentId = c.req.param('commentId');
    if (!isId(commentId)) throw new NotFound(NO_COMMENT);
    if (c.req.param('slug') !== post.slug) return c.redirect(commentPath(post, commentId), 301);
    const page = commentPageParameter(c.req.query('page'));
    const { tree, node, read } = await threadOf(c, post, commentId);
    // The comment's replies are paged like a post's threads, so a permalink page stays bounded too.
    const replies = paginateThreads(node.replies, page);
    requireCommentPage(page, replies.pageCount);
    const quoted = nearestAncestors(ancestorsOf(tree, commentId));
    // The text of what the page shows, in one query: the comment, its replies on this page, the quotes above.
    const focus = { comment: node.comment, replies: replies.nodes };
    const quotes = quoted.shown.map((comment) => ({ comment, replies: [] }));
    await readPageBodies(c, post.id, read, [focus, ...quotes]);
    cacheAs(c, [`post:${post.id}`, `comments:${post.id}`, `comment-scores:${post.id}`]);
    const thread: ThreadContext = { post, user: c.get('user'), csrfToken: c.get('csrfToken'), focusId: commentId };
    const path = commentPath(post, commentId);
    const sort = c.req.query('sort');
    return c.html(
      <PermalinkPage
        ctx={pageContext(c)}
        post={post}
        ancestors={{ shown: quotes.map((quote) => quote.comment), omitted: quoted.omitted }}
        node={{ ...node, comment: focus.comment, replies: focus.replies }}
        thread={thread}
        canonicalUrl={c.get('deps').config.baseUrl + path}
        replyPages={{
          page: replies.page,
          pageCount: replies.pageCount,
          href: (n) => `${path}?${isCommentSort(sort) ? `sort=${sort}&` : ''}page=${n}`,
        }}
      />,
    );
  })
  .get('/posts/:postId/:slug/comment/:commentId/reply', async (c) => {
    const post = await visiblePost(c);
    const commentId = c.req.param('commentId');
    if (!c.get('user')) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`);
    if (!isId(commentId)) throw new NotFound(NO_COMMENT);
    const { node, read } = await threadOf(c, post, commentId);
    if (node.comment.deleted) throw new NotFound('That comment has been deleted; it cannot be replied to.');
    const parent = { comment: node.comment, replies: [] };
    await readPageBodies(c, post.id, read, [parent]);
    return c.html(<ReplyPage ctx={pageContext(c)} post={post} parent={parent.comment} state={{ body: '' }} />);
  })
  .get('/comments/:commentId/edit', async (c) => {
    const { comment, post } = await editableComment(c);
    return c.html(
      <EditCommentPage
        ctx={pageContext(c)}
        post={post}
        commentId={comment.id}
        state={{ body: comment.bodyMarkdown }}
      />,
    );
  })
  .post('/comments/:commentId/edit', async (c) => {
    const { comment, post } = await editableComment(c);
    const form = formStrings(await c.req.parseBody());
    const show = (state: { body: string; error?: string; previewHtml?: string }, status: ContentfulStatusCode) =>
      c.html(<EditCommentPage ctx={pageContext(c)} post={post} commentId={comment.id} state={state} />, status);
    const body = commentBody.safeParse(form.body);
    if (!body.success) return show({ body: form.body ?? '', error: body.error.issues[0]?.message }, 422);
    const user = c.get('user')!;
    try {
      if (form.intent === 'preview') {
        return show({ body: body.data, previewHtml: await renderPreview(c, user.id, body.data) }, 200);
      }
      await editComment(c.get('deps').db, user, comment.id, body.data, c.get('deps').config.baseUrl);
    } catch (error) {
      // A text that cannot be rendered now (too slow, a busy server, too many previews) is shown again.
      if (!(error instanceof AppError) || ![422, 429, 503].includes(error.status)) throw error;
      keepRetryAfter(c, error);
      return show({ body: body.data, error: firstMessage(error) }, error.status);
    }
    // A script asking for JSON gets JSON, not the page a browser is sent to.
    if (wantsJson(c)) return c.json({ id: comment.id, url: `${postPath(post)}#comment-${comment.id}` });
    return c.redirect(`${postPath(post)}#comment-${comment.id}`, 303);
  })
  .post('/comments/:commentId/retract', async (c) => {
    const user = c.get('user');
    if (!user) throw new Forbidden('Log in to retract a comment.');
    const commentId = c.req.param('commentId');
    if (!isId(commentId)) throw new NotFound(NO_COMMENT);
    const { retracted } = parseNamingFields(retractInput, formStrings(await c.req.parseBody()));
    await setRetracted(c.get('deps').db, user, commentId, retracted === 'true');
    return backToComment(c, commentId);
  })
  .post('/comments/:commentId/delete', async (c) => {
    const user = c.get('user');
    if (!user) throw new Forbidden('Log in to delete a comment.');
    const commentId = c.req.param('commentId');
    if (!isId(commentId)) throw new NotFound(NO_COMMENT);
    const { postId } = await deleteComment(c.get('deps').db, user, commentId);
    const comment = await commentById(c.get('deps').db, commentId);
    return c.redirect(`${postPath({ id: postId, slug: comment?.postSlug ?? 'post' })}#comments`, 303);
  });

async function editableComment(c: Context<AppEnv>) {
  const user = c.get('user');
  if (!user) throw new Forbidden('Log in to edit your comment.');
  const commentId = c.req.param('commentId') ?? '';
  const comment = isId(commentId) ? await commentById(c.get('deps').db, commentId) : undefined;
  if (!comment || comment.deleted) throw new NotFound(NO_COMMENT);
  // The post as its page shows it to this reader: an unpublished or deleted post is not there (404, before
  // anything else is said about its comments), and the title shown is the current one.
  const post = await visiblePost(c, comment.postId);
  if (!canEditComment(user, comment)) throw new Forbidden('Only the author can edit this comment.');
  return { comment, post };
}

async function backToComment(c: Context<AppEnv>, commentId: string) {
  const comment = await commentById(c.get('deps').db, commentId);
  if (!comment) throw new NotFound(NO_COMMENT);
  return c.redirect(`${postPath({ id: comment.postId, slug: comment.postSlug })}#comment-${commentId}`, 303);
}
