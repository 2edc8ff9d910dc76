import type { TocEntry } from '../content/render.js';
import type { Queryable } from '../db/database.js';

export interface PostRow {
  id: string;
  authorId: string;
  authorUsername: string;
  authorDisplayName: string;
  title: string;
  slug: string;
  bodyMarkdown: string;
  bodyHtml: string;
  excerpt: string;
  wordCount: number;
  readingMinutes: number;
  toc: TocEntry[];
  status: 'draft' | 'pending' | 'published';
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
  commentCount: number;
  lastActivityAt: Date;
  baseScore: number;
  voteCount: number;
  lastRevisedAt: Date | null;
  revisionCount: number;
  /** Set when a moderator removed the post (src/moderation): shown in its place. */
  removedReason: string | null;
  /** On the frontpage lists, or only on its author's personal blog (profile, tags, search, feeds). */
  frontpage: boolean;
  commentsLocked: boolean;
  /** The author's moderation guidelines, shown above the comment box ('' for none), and as written. */
  guidelinesHtml: string;
  guidelinesMarkdown: string;
  /** Why a moderator sent it back to drafts from the review queue (src/review), until it is submitted again. */
  reviewRejection: string | null;
}

export const POST_COLUMNS = `p.id, p.author_id AS "authorId", u.username AS "authorUsername",
  u.display_name AS "authorDisplayName", p.title, p.slug, p.body_markdown AS "bodyMarkdown",
  p.body_html AS "bodyHtml", p.excerpt, p.word_count AS "wordCount", p.reading_minutes AS "readingMinutes",
  p.toc, p.status, p.published_at AS "publishedAt", p.created_at AS "createdAt", p.updated_at AS "updatedAt",
  p.deleted_at AS "deletedAt", p.comment_count AS "commentCount", p.last_activity_at AS "lastActivityAt",
  p.base_score AS "baseScore", p.vote_count AS "voteCount", p.last_revised_at AS "lastRevisedAt",
  p.revision_count AS "revisionCount", p.removed_reason AS "removedReason", p.frontpage,
  p.comments_locked AS "commentsLocked", p.guidelines_html AS "guidelinesHtml",
  p.guidelines_markdown AS "guidelinesMarkdown", p.review_rejection AS "reviewRejection"`;

export async function postById(db: Queryable, id: string): Promise<PostRow | undefined> {
  const rows = await db.query<PostRow>(
    `SELECT ${POST_COLUMNS} FROM posts p JOIN users u ON u.id = p.author_id WHERE p.id = $1`,
    [id],
    true,
  );
  return rows[0];
}
