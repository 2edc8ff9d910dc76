import { raw } from 'hono/html';
import { Time } from '../web/time.js';
import type { PendingComment } from './queries.js';

/**
 * A comment of the reader's held for review, as they alone see it on the post page: apart from the comment
 * tree, which is rendered once for every reader and must never hold it (comments/views.tsx).
 */
export function PendingCommentItem({ comment }: { comment: PendingComment }) {
  const rejected = !!comment.rejectedAt;
  return (
    <article class="comment comment-pending" id={`comment-${comment.id}`} aria-label="Your comment awaiting review">
      <header class="comment-header">
        <span class="comment-author">{comment.authorDisplayName}</span> <Time date={comment.createdAt} />{' '}
        {rejected ? (
          <strong class="draft-badge">Not approved by the moderators</strong>
        ) : (
          <strong class="draft-badge">Awaiting review</strong>
        )}
      </header>
      <div class="comment-body content">{raw(comment.bodyHtml)}</div>
      <p class="pending-note">
        {rejected
          ? `Only you can see this comment. The moderators’ reason: ${comment.rejectionReason}`
          : 'Only you (and the moderators) can see this comment until a moderator approves it; then it takes its place in the discussion, dated from when you wrote it.'}
      </p>
    </article>
  );
}

/** The reader's own held comments on a post, above the discussion (see PendingCommentItem). */
export function PendingComments({ comments }: { comments: PendingComment[] }) {
  if (comments.length === 0) return null;
  return (
    <section class="pending-comments" aria-label="Your comments awaiting review">
      {comments.map((comment) => (
        <PendingCommentItem comment={comment} />
      ))}
    </section>
  );
}
