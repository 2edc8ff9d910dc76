import { raw } from 'hono/html';
import { commentPath, postPath } from '../posts/paths.js';
import { Layout, type PageContext } from '../web/layout.js';
import { Time } from '../web/time.js';
import { CommentForm, type CommentFormState } from './form.js';
import { CommentPager } from './pager.js';
import type { ShownNode } from './paging.js';
import type { CommentRow } from './queries.js';
import { CommentItem, type ThreadContext } from './views.js';

interface PostRef {
  id: string;
  slug: string;
  title: string;
}

function ParentQuote({ comment }: { comment: CommentRow }) {
  return (
    <blockquote class="parent-comment" id={`parent-${comment.id}`}>
      <p class="comment-header">
        {comment.deleted ? '[deleted]' : comment.authorDisplayName} · <Time date={comment.createdAt} />
      </p>
      {comment.deleted ? <p>[deleted]</p> : <div class="content">{raw(comment.bodyHtml)}</div>}
    </blockquote>
  );
}

/** Writing a comment or reply on its own page: without JavaScript, after a preview, or after an error. */
export function ReplyPage(props: {
  ctx: PageContext;
  post: PostRef;
  parent?: CommentRow | undefined;
  state: CommentFormState;
  status?: number;
}) {
  const { post, parent } = props;
  return (
    <Layout ctx={props.ctx} title={parent ? `Reply to ${parent.authorDisplayName}` : `Comment on ${post.title}`}>
      <section class="narrow">
        <p class="breadcrumb">
          <a href={postPath(post)}>← {post.title}</a>
        </p>
        <h1>{parent ? `Reply to ${parent.deleted ? '[deleted]' : parent.authorDisplayName}` : 'Comment'}</h1>
        {parent ? <ParentQuote comment={parent} /> : null}
        <CommentForm
          action={`/posts/${post.id}/comments`}
          csrfToken={props.ctx.csrfToken}
          state={props.state}
          parentId={parent?.id}
          submitLabel={parent ? 'Reply' : 'Comment'}
        />
      </section>
    </Layout>
  );
}

export function EditCommentPage(props: {
  ctx: PageContext;
  post: PostRef;
  commentId: string;
  state: CommentFormState;
}) {
  return (
    <Layout ctx={props.ctx} title="Edit comment">
      <section class="narrow">
        <p class="breadcrumb">
          <a href={`${postPath(props.post)}#comment-${props.commentId}`}>← {props.post.title}</a>
        </p>
        <h1>Edit comment</h1>
        <CommentForm
          action={`/comments/${props.commentId}/edit`}
          csrfToken={props.ctx.csrfToken}
          state={props.state}
          submitLabel="Save"
          edit
        />
      </section>
    </Layout>
  );
}

/** A comment with the chain of comments it answers and everything below it. */
export function PermalinkPage(props: {
  ctx: PageContext;
  post: PostRef;
  /** The comments this one answers, nearest last; `omitted` earlier ones are not quoted. */
  ancestors: { shown: CommentRow[]; omitted: number };
  /** The comment, with one page of its replies. */
  node: ShownNode;
  thread: ThreadContext;
  canonicalUrl: string;
  replyPages: { page: number; pageCount: number; href: (page: number) => string };
}) {
  const { post, node } = props;
  return (
    <Layout
      ctx={props.ctx}
      title={`${node.comment.deleted ? 'Comment' : `${node.comment.authorDisplayName}'s comment`} on ${post.title}`}
      canonical={props.canonicalUrl}
      votes
    >
      <section class="comments permalink">
        {/* The page's title for assistive technology; the breadcrumb shows the post to sighted readers. */}
        <h1 class="visually-hidden">
          {node.comment.deleted ? 'A deleted comment' : `${node.comment.authorDisplayName}’s comment`} on “{post.title}”
        </h1>
        <p class="breadcrumb">
          <a href={postPath(post)}>← {post.title}</a> ·{' '}
          <a href={`${postPath(post)}#comment-${node.comment.id}`}>See in the full discussion</a>
        </p>
        {props.ancestors.omitted > 0 ? (
          <p class="ancestors-omitted">
            {props.ancestors.omitted} earlier {props.ancestors.omitted === 1 ? 'comment' : 'comments'} in this thread —
            follow the first quote's permalink to read up.
          </p>
        ) : null}
        {props.ancestors.shown.length > 0 ? (
          <ol class="ancestor-chain" aria-label="Comments this one replies to">
            {props.ancestors.shown.map((a) => (
              <li>
                <ParentQuote comment={a} />
                <a href={commentPath(post, a.id)} class="ancestor-link">
                  Permalink
                </a>
              </li>
            ))}
          </ol>
        ) : null}
        {props.replyPages.page > 1 ? <CommentPager {...props.replyPages} noun="replies" /> : null}
        <CommentItem node={node} depth={0} ctx={props.thread} />
        <CommentPager {...props.replyPages} noun="replies" />
      </section>
    </Layout>
  );
}
