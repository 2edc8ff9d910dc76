import type { Queryable } from '../db/database.js';

/** How many items of each kind the moderators' queue shows at once (oldest first; the rest after those). */
export const QUEUE_PAGE_SIZE = 50;

/** A new member's comment in pending_comments, as its author or a moderator sees it. */
export interface PendingComment {
  id: string;
  postId: string;
  parentId: string | null;
  authorId: string;
  authorUsername: string;
  authorDisplayName: string;
  bodyHtml: string;
  createdAt: Date;
  /** Set when a moderator rejected it, with their reason (shown to its author only). */
  rejectedAt: Date | null;
  rejectionReason: string;
}

const PENDING_COLUMNS = `pc.id, pc.post_id AS "postId", pc.parent_id AS "parentId", pc.author_id AS "authorId",
  u.username AS "authorUsername", u.display_name AS "authorDisplayName", pc.body_html AS "bodyHtml",
  pc.created_at AS "createdAt", pc.rejected_at AS "rejectedAt", pc.rejection_reason AS "rejectionReason"`;

/**
 * The reader's own held comments on a post (pending_comments_author_idx). The post page asks only when the
 * reader's session says they have some (users.pending_comment_count), so other readers pay no query.
 */
export async function pendingCommentsOfReader(
  db: Queryable,
  userId: string,
  postId: string,
): Promise<PendingComment[]> {
  return db.query<PendingComment>(
    `SELECT ${PENDING_COLUMNS}
       FROM pending_comments pc JOIN users u ON u.id = pc.author_id
      WHERE pc.author_id = $1 AND pc.post_id = $2
      ORDER BY pc.created_at, pc.id`,
    [userId, postId],
  );
}

/** A held comment in the moderators' queue, with the post it is on. */
export interface QueuedComment extends PendingComment {
  postSlug: string;
  postTitle: string;
}

/** Comments waiting for review, oldest first (pending_comments_waiting_idx). */
export async function commentsAwaitingReview(db: Queryable, limit = QUEUE_PAGE_SIZE): Promise<QueuedComment[]> {
  return db.query<QueuedComment>(
    `SELECT ${PENDING_COLUMNS}, p.slug AS "postSlug", p.title AS "postTitle"
       FROM pending_comments pc JOIN users u ON u.id = pc.author_id JOIN posts p ON p.id = pc.post_id
      WHERE pc.rejected_at IS NULL
      ORDER BY pc.created_at, pc.id LIMIT $1`,
    [limit],
  );
}

/** A post waiting for review in the moderators' queue. */
export interface QueuedPost {
  id: string;
  slug: string;
  title: string;
  excerpt: string;
  excerptHtml: string;
  submittedAt: Date;
  authorUsername: string;
  authorDisplayName: string;
}

/** Posts waiting for review, oldest submission first (posts_pending_idx). */
export async function postsAwaitingReview(db: Queryable, limit = QUEUE_PAGE_SIZE): Promise<QueuedPost[]> {
  return db.query<QueuedPost>(
    `SELECT p.id, p.slug, p.title, p.excerpt, p.excerpt_html AS "excerptHtml", p.submitted_at AS "submittedAt",
            u.username AS "authorUsername", u.display_name AS "authorDisplayName"
       FROM posts p JOIN users u ON u.id = p.author_id
      WHERE p.status = 'pending' AND p.deleted_at IS NULL
      ORDER BY p.submitted_at, p.id LIMIT $1`,
    [limit],
  );
}
