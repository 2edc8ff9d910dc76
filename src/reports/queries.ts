import type { Queryable } from '../db/database.js';
import { visibleComment, visiblePost } from '../policy/visibility.js';

/** What a report names, as the report form shows it: a live post, or a live comment on a live post. */
export interface ReportTarget {
  type: 'post' | 'comment';
  id: string;
  authorId: string;
  authorDisplayName: string;
  postId: string;
  postSlug: string;
  postTitle: string;
  /** The comment's excerpt (a comment), or the post's. */
  excerpt: string;
}

/** A post to report: published and not deleted, else undefined (no report names what readers cannot see). */
export async function reportablePost(db: Queryable, postId: string): Promise<ReportTarget | undefined> {
  const rows = await db.query<ReportTarget>(
    `SELECT 'post' AS type, p.id, p.author_id AS "authorId", u.display_name AS "authorDisplayName", p.id AS "postId",
            p.slug AS "postSlug", p.title AS "postTitle", p.excerpt
       FROM posts p JOIN users u ON u.id = p.author_id
      WHERE p.id = $1 AND ${visiblePost('p')}`,
    [postId],
  );
  return rows[0];
}

/** A comment to report: not deleted, on a published post that is not deleted. */
export async function reportableComment(db: Queryable, commentId: string): Promise<ReportTarget | undefined> {
  const rows = await db.query<ReportTarget>(
    `SELECT 'comment' AS type, c.id, c.author_id AS "authorId", u.display_name AS "authorDisplayName",
            p.id AS "postId", p.slug AS "postSlug", p.title AS "postTitle", c.excerpt
       FROM comments c JOIN posts p ON p.id = c.post_id JOIN users u ON u.id = c.author_id
      WHERE c.id = $1 AND ${visibleComment('c')} AND ${visiblePost('p')}`,
    [commentId],
  );
  return rows[0];
}

/** An open report in the moderators' queue. */
export interface OpenReport {
  id: string;
  targetType: 'post' | 'comment';
  targetId: string;
  postId: string;
  postSlug: string;
  postTitle: string;
  targetAuthorUsername: string;
  targetAuthorDisplayName: string;
  /** The reported comment's excerpt ('' for a post). */
  excerpt: string;
  /** Deleted or removed since it was reported. */
  targetGone: boolean;
  reporterUsername: string;
  reporterDisplayName: string;
  reason: string;
  createdAt: Date;
}

/** Open reports, oldest first (reports_open_idx), each with its target and reporter (primary-key probes). */
export async function openReports(db: Queryable, limit: number): Promise<OpenReport[]> {
  return db.query<OpenReport>(
    `SELECT r.id, r.target_type AS "targetType", r.target_id AS "targetId", p.id AS "postId", p.slug AS "postSlug",
            p.title AS "postTitle", coalesce(cu.username, pu.username) AS "targetAuthorUsername",
            coalesce(cu.display_name, pu.display_name) AS "targetAuthorDisplayName", coalesce(c.excerpt, '') AS excerpt,
            (p.deleted_at IS NOT NULL OR coalesce(c.deleted, false)) AS "targetGone",
            ru.username AS "reporterUsername", ru.display_name AS "reporterDisplayName", r.reason,
            r.created_at AS "createdAt"
       FROM reports r
       JOIN users ru ON ru.id = r.reporter_id
       JOIN posts p ON p.id = r.post_id
       JOIN users pu ON pu.id = p.author_id
       LEFT JOIN comments c ON r.target_type = 'comment' AND c.id = r.target_id
       LEFT JOIN users cu ON cu.id = c.author_id
      WHERE r.resolved_at IS NULL
      ORDER BY r.created_at, r.id LIMIT $1`,
    [limit],
  );
}

/** One of a reporter's reports, as their "Your reports" page lists it. */
export interface OwnReport {
  id: string;
  targetType: 'post' | 'comment';
  targetId: string;
  postId: string;
  postSlug: string;
  postTitle: string;
  reason: string;
  createdAt: Date;
  resolvedAt: Date | null;
  resolutionNote: string;
}

/** A reporter's reports, newest first (reports_reporter_idx). */
export async function reportsOfUser(db: Queryable, userId: string, limit: number): Promise<OwnReport[]> {
  return db.query<OwnReport>(
    `SELECT r.id, r.target_type AS "targetType", r.target_id AS "targetId", p.id AS "postId", p.slug AS "postSlug",
            p.title AS "postTitle", r.reason, r.created_at AS "createdAt", r.resolved_at AS "resolvedAt",
            r.resolution_note AS "resolutionNote"
       FROM reports r JOIN posts p ON p.id = r.post_id
      WHERE r.reporter_id = $1
      ORDER BY r.created_at DESC, r.id DESC LIMIT $2`,
    [userId, limit],
  );
}
