import { insertComment } from '../comments/service.js';
import type { Queryable } from '../db/database.js';
import { AppError, Forbidden, NotFound } from '../errors.js';
import { recordModeration } from '../moderation/log.js';
import { notifyPost } from '../notifications/fanout.js';
import { type Actor, canReview } from '../policy/policy.js';
import { linkedPostIds } from '../sequences/links.js';
import { refreshPostMagicScore } from '../votes/ranking.js';

/**
 * Approving and rejecting what new members wrote (the review queue, review/rules.ts). Each decision is one
 * transaction that locks the item first, so two moderators deciding at once act once: the second waits for the
 * first, then finds the item no longer waiting (409). Each writes a moderation log row.
 */

const NOT_WAITING_POST = 'This post is not waiting for review: it was approved, rejected or withdrawn already.';
const NOT_WAITING_COMMENT = 'This comment is not waiting for review: it was approved or rejected already.';

function requireReviewer(actor: Actor): void {
  if (!canReview(actor)) throw new Forbidden('Only moderators and admins review new members’ posts and comments.');
}

interface LockedPendingPost {
  title: string;
  status: string;
  deleted: boolean;
}

async function lockPendingPost(tx: Queryable, postId: string): Promise<LockedPendingPost> {
  const [post] = await tx.query<LockedPendingPost>(
    `SELECT title, status, deleted_at IS NOT NULL AS deleted FROM posts WHERE id = $1 FOR UPDATE`,
    [postId],
  );
  if (!post) throw new NotFound('There is no such post.');
  if (post.status !== 'pending' || post.deleted) throw new AppError(409, NOT_WAITING_POST);
  return post;
}

/**
 * Publishes a held post as of its submission (published_at = submitted_at), so it takes its place in the lists
 * by the time its author published it; its frontpage score is computed for that time.
 */
export async function approvePost(db: Queryable, actor: Actor, postId: string): Promise<void> {
  requireReviewer(actor);
  await db.transaction(async (tx) => {
    const post = await lockPendingPost(tx, postId);
    await tx.query(
      `UPDATE posts SET status = 'published', published_at = coalesce(published_at, submitted_at),
                        last_activity_at = greatest(last_activity_at, coalesce(published_at, submitted_at))
        WHERE id = $1`,
      [postId],
    );
    await refreshPostMagicScore(tx, postId);
    await notifyPost(tx, { id: postId, publication: true });
    await recordModeration(tx, {
      moderatorId: actor.id,
      action: 'approve-post',
      targetType: 'post',
      targetId: postId,
      targetLabel: post.title,
      reason: '',
    });
  });
}

/** Sends a held post back to its author's drafts with the reason, shown to them there; they may submit again. */
export async function rejectPost(db: Queryable, actor: Actor, postId: string, reason: string): Promise<void> {
  requireReviewer(actor);
  await db.transaction(async (tx) => {
    const post = await lockPendingPost(tx, postId);
    await tx.query(`UPDATE posts SET status = 'draft', submitted_at = NULL, review_rejection = $2 WHERE id = $1`, [
      postId,
      reason,
    ]);
    await recordModeration(tx, {
      moderatorId: actor.id,
      action: 'reject-post',
      targetType: 'post',
      targetId: postId,
      targetLabel: post.title,
      reason,
    });
  });
}

interface LockedPendingComment {
  id: string;
  postId: string;
  parentId: string | null;
  authorId: string;
  bodyMarkdown: string;
  bodyHtml: string;
  excerpt: string;
  excerptHtml: string;
  createdAt: Date;
  rejected: boolean;
  postTitle: string;
}

async function lockPendingComment(tx: Queryable, id: string): Promise<LockedPendingComment> {
  const [comment] = await tx.query<LockedPendingComment>(
    `SELECT pc.id, pc.post_id AS "postId", pc.parent_id AS "parentId", pc.author_id AS "authorId",
            pc.body_markdown AS "bodyMarkdown", pc.body_html AS "bodyHtml", pc.excerpt, pc.excerpt_html AS "excerptHtml",
            pc.created_at AS "createdAt", pc.rejected_at IS NOT NULL AS rejected, p.title AS "postTitle"
       FROM pending_comments pc JOIN posts p ON p.id = pc.post_id
      WHERE pc.id = $1 FOR UPDATE OF pc`,
    [id],
  );
  if (!comment) {
    // Approved already (it is a comment now), or never held.
    const [approved] = await tx.query('SELECT 1 FROM comments WHERE id = $1', [id]);
    if (approved) throw new AppError(409, NOT_WAITING_COMMENT);
    throw new NotFound('There is no such comment waiting for review.');
  }
  if (comment.rejected) throw new AppError(409, NOT_WAITING_COMMENT);
  return comment;
}

/**
 * Adds a held comment to its post as addComment would have (lyceum_add_comment: the post's comment count and
 * last activity, the author's own upvote, its links to posts), with its original id and time, and takes it out
 * of the queue. A post that is gone or a parent deleted meanwhile refuses (409): reject it instead.
 */
export async function approveComment(db: Queryable, actor: Actor, id: string, baseUrl?: string): Promise<void> {
  requireReviewer(actor);
  await db.transaction(async (tx) => {
    const comment = await lockPendingComment(tx, id);
    try {
      await insertComment(tx, {
        id: comment.id,
        postId: comment.postId,
        parentId: comment.parentId,
        authorId: comment.authorId,
        markdown: comment.bodyMarkdown,
        html: comment.bodyHtml,
        excerpt: comment.excerpt,
        excerptHtml: comment.excerptHtml,
        at: comment.createdAt,
        linked: linkedPostIds(comment.bodyHtml, baseUrl),
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      throw new AppError(409, `This comment cannot be approved: ${error.message} Reject it instead.`);
    }
    await tx.query('DELETE FROM pending_comments WHERE id = $1', [id]);
    await tx.query('UPDATE users SET pending_comment_count = greatest(pending_comment_count - 1, 0) WHERE id = $1', [
      comment.authorId,
    ]);
    await recordModeration(tx, {
      moderatorId: actor.id,
      action: 'approve-comment',
      targetType: 'comment',
      targetId: id,
      targetLabel: `comment on ${comment.postTitle}`,
      reason: '',
    });
  });
}

/**
 * Rejects a held comment: it never joins the discussion and leaves the queue, but stays in pending_comments
 * with the reason, so its author still sees their text on the post page, marked "Not approved" with the reason.
 */
export async function rejectComment(db: Queryable, actor: Actor, id: string, reason: string): Promise<void> {
  requireReviewer(actor);
  await db.transaction(async (tx) => {
    const comment = await lockPendingComment(tx, id);
    await tx.query(
      'UPDATE pending_comments SET rejected_at = now(), rejected_by = $2, rejection_reason = $3 WHERE id = $1',
      [id, actor.id, reason],
    );
    await recordModeration(tx, {
      moderatorId: actor.id,
      action: 'reject-comment',
      targetType: 'comment',
      targetId: id,
      targetLabel: `comment on ${comment.postTitle}`,
      reason,
    });
  });
}
