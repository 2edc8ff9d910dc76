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

/** Revision `number` and the one before it (undefined for the first), in one query. */
export async function revisionWithPrevious(
  db: Queryable,
  postId: string,
  number: number,
): Promise<{ revision: Revision; previous: Revision | undefined } | undefined> {
  const rows = await db.query<Revision>(
    `SELECT number, title, note, created_at AS "createdAt", body_markdown AS "bodyMarkdown", body_html AS "bodyHtml",
            diff
       FROM post_revisions WHERE post_id = $1 AND number IN ($2, $2 - 1) ORDER BY number DESC`,
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
