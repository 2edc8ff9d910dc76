import { raw } from 'hono/html';
import type { SessionUser } from '../accounts/queries.js';
import { commentPath, postPath } from '../posts/paths.js';
import type { VoteKind } from '../votes/kinds.js';
import { VoteButtons } from '../votes/views.js';
import { CsrfField } from '../web/layout.js';
import { Time } from '../web/time.js';
import { canDeleteComment, canEditComment, canRetractComment } from './permissions.js';
import type { CommentRow } from './queries.js';
import type { CommentNode } from './tree.js';

/** Indentation stops growing past this depth; deeper replies name whom they answer instead. */
export const MAX_INDENT_DEPTH = 8;

/** What every comment on a page needs to know about the page and the reader. */
export interface ThreadContext {
  post: { id: string; slug: string };
  user: SessionUser | null;
  csrfToken: string;
  /** Comments by others newer than this are marked "new". */
  newSince?: Date | undefined;
  /** The comment a permalink points at. */
  focusId?: string | undefined;
  /** The reader's current votes on this page's comments (userVotesOn). */
  votes?: Map<string, { karma: VoteKind | null; agreement: VoteKind | null }> | undefined;
}

export function isNewComment(comment: CommentRow, ctx: ThreadContext): boolean {
  return !!ctx.newSince && !comment.deleted && comment.authorId !== ctx.user?.id && comment.createdAt > ctx.newSince;
}

function CommentActions({ comment, ctx }: { comment: CommentRow; ctx: ThreadContext }) {
  const permalink = commentPath(ctx.post, comment.id);
  const returnTo = `${postPath(ctx.post)}#comment-${comment.id}`;
  const mine = ctx.user?.id === comment.authorId;
  const current = ctx.votes?.get(comment.id);
  return (
    <div class="comment-actions">
      <VoteButtons
        targetType="comment"
        targetId={comment.id}
        axis="karma"
        score={comment.baseScore}
        current={current?.karma ?? null}
        returnTo={returnTo}
        csrfToken={ctx.csrfToken}
        loggedIn={!!ctx.user}
        disabled={mine}
      />
      <VoteButtons
        targetType="comment"
        targetId={comment.id}
        axis="agreement"
        score={comment.agreementScore}
        current={current?.agreement ?? null}
        returnTo={returnTo}
        csrfToken={ctx.csrfToken}
        loggedIn={!!ctx.user}
        disabled={mine}
      />
      {ctx.user ? (
        <a href={`${permalink}/reply`} data-reply={comment.id}>
          Reply
        </a>
      ) : null}
      <a href={permalink}>Permalink</a>
      {comment.parentId ? <a href={`${postPath(ctx.post)}#comment-${comment.parentId}`}>Parent</a> : null}
      {canEditComment(ctx.user, comment) ? <a href={`/comments/${comment.id}/edit`}>Edit</a> : null}
      {canRetractComment(ctx.user, comment) ? (
        <form method="post" action={`/comments/${comment.id}/retract`} class="inline-form">
          <CsrfField token={ctx.csrfToken} />
          <input type="hidden" name="retracted" value={comment.retracted ? 'false' : 'true'} />
          <button type="submit" class="link-button">
            {comment.retracted ? 'Unretract' : 'Retract'}
          </button>
        </form>
      ) : null}
      {canDeleteComment(ctx.user, comment) ? (
        <details class="confirm-delete">
          <summary>Delete…</summary>
          <form method="post" action={`/comments/${comment.id}/delete`} class="inline-form">
            <CsrfField token={ctx.csrfToken} />
            <button type="submit" class="link-button danger-link">
              Yes, delete this comment
            </button>
          </form>
        </details>
      ) : null}
    </div>
  );
}

export function CommentItem(props: { node: CommentNode; depth: number; ctx: ThreadContext; parentAuthor?: string }) {
  const { node, depth, ctx } = props;
  const c = node.comment;
  const fresh = isNewComment(c, ctx);
  const classes = ['comment'];
  if (depth >= MAX_INDENT_DEPTH) classes.push('comment-flat');
  if (c.retracted) classes.push('comment-retracted');
  if (fresh) classes.push('comment-new');
  if (ctx.focusId === c.id) classes.push('comment-focus');
  return (
    <article
      class={classes.join(' ')}
      id={`comment-${c.id}`}
      aria-label={`Comment by ${c.deleted ? '[deleted]' : c.authorDisplayName}`}
    >
      <header class="comment-header">
        {c.deleted ? (
          <span class="comment-author">[deleted]</span>
        ) : (
          <a class="comment-author" href={`/users/${c.authorUsername}`}>
            {c.authorDisplayName}
          </a>
        )}{' '}
        <a href={`${postPath(ctx.post)}#comment-${c.id}`} class="comment-time">
          <Time date={c.createdAt} />
        </a>
        {c.editedAt ? (
          <span class="comment-edited" title={`Edited ${c.editedAt.toISOString()}`}>
            {' '}
            (edited)
          </span>
        ) : null}
        {c.retracted ? <span class="retracted-mark"> (retracted)</span> : null}
        {fresh ? <span class="new-mark"> new</span> : null}
        {depth >= MAX_INDENT_DEPTH && props.parentAuthor ? (
          <span class="reply-to"> ↪ replying to {props.parentAuthor}</span>
        ) : null}
      </header>
      <details open>
        {/* The toggle holds no links (a summary is itself a control); the header above stays visible. */}
        <summary class="thread-toggle">
          <span class="visually-hidden">Collapse or expand this thread</span>
          <span class="collapsed-count">
            {node.descendantCount > 0
              ? `[+${node.descendantCount} ${node.descendantCount === 1 ? 'reply' : 'replies'} hidden]`
              : '[comment hidden]'}
          </span>
        </summary>
        {c.deleted ? (
          <p class="deleted-note">[deleted]</p>
        ) : (
          <>
            <div class="comment-body content">{raw(c.bodyHtml)}</div>
            <CommentActions comment={c} ctx={ctx} />
          </>
        )}
        {node.replies.length > 0 ? (
          <div class="comment-replies" data-replies-of={c.id}>
            {node.replies.map((reply) => (
              <CommentItem
                node={reply}
                depth={depth + 1}
                ctx={ctx}
                parentAuthor={c.deleted ? '[deleted]' : c.authorDisplayName}
              />
            ))}
          </div>
        ) : null}
      </details>
    </article>
  );
}

export function CommentList({ nodes, ctx, depth = 0 }: { nodes: CommentNode[]; ctx: ThreadContext; depth?: number }) {
  return (
    <div class="comment-tree" data-replies-of="">
      {nodes.map((node) => (
        <CommentItem node={node} depth={depth} ctx={ctx} />
      ))}
    </div>
  );
}
