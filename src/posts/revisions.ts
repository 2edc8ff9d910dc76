import type { RevisionDiff, RevisionText } from '../content/word-diff.js';
import type { Queryable } from '../db/database.js';

export interface RevisionSummary {
  number: number;
  title: string;
  note: string;
  createdAt: Date;
}

export interface Revision extends RevisionSummary {
  bodyMarkdown: string;
  bodyHtml: string;
  /** Changes since the previous revision, stored when saved; null for the first and for older revisions. */
  diff: RevisionDiff | null;
}

/** The revisions of a post, newest first, without their bodies. */
export async function revisionsOfPost(db: Queryable, postId: string): Promise<RevisionSummary[]> {
  return db.query<RevisionSummary>(
    `SELECT number, title, note, created_at AS "createdAt" FROM post_revisions WHERE post_id = $1 ORDER BY number DESC`,
    [postId],
  );
}

/** What the revision page needs of the revision before the one shown: its text, to diff when no diff is stored. */
export interface PreviousRevision {
  number: number;
  title: string;
  bodyMarkdown: string;
}

/**
 * Revision `number` and the one before it (undefined for the first), in one query. The previous revision's text
 * comes only when the shown one has no stored diff, and its HTML never (a long post's is megabytes).
 */
export async function revisionWithPrevious(
  db: Queryable,
  postId: string,
  number: number,
): Promise<{ revision: Revision; previous: PreviousRevision | undefined } | undefined> {
  const rows = await db.query<Revision>(
    `SELECT r.number, r.title, r.note, r.created_at AS "createdAt",
            CASE WHEN r.number = $2 OR shown.diff IS NULL THEN r.body_markdown ELSE '' END AS "bodyMarkdown",
            CASE WHEN r.number = $2 THEN r.body_html ELSE '' END AS "bodyHtml",
            CASE WHEN r.number = $2 THEN r.diff END AS diff
       FROM post_revisions r
       LEFT JOIN post_revisions shown ON shown.post_id = r.post_id AND shown.number = $2
      WHERE r.post_id = $1 AND r.number IN ($2, $2 - 1)
      ORDER BY r.number DESC`,
    [postId, number],
  );
  const revision = rows.find((r) => r.number === number);
  return revision ? { revision, previous: rows.find((r) => r.number === number - 1) } : undefined;
}

/** The newest revision's number and text, which the next revision is diffed against. */
export async function latestRevision(
  db: Queryable,
  postId: string,
): Promise<(RevisionText & { number: number }) | undefined> {
  const rows = await db.query<RevisionText & { number: number }>(
    `SELECT number, title, body_markdown AS body FROM post_revisions WHERE post_id = $1 ORDER BY number DESC LIMIT 1`,
    [postId],
  );
  return rows[0];
}
