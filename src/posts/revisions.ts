import { diffWords } from 'diff';
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
    `SELECT number, title, note, created_at AS "createdAt", body_markdown AS "bodyMarkdown", body_html AS "bodyHtml"
       FROM post_revisions WHERE post_id = $1 AND number IN ($2, $2 - 1) ORDER BY number DESC`,
    [postId, number],
  );
  const revision = rows.find((r) => r.number === number);
  return revision ? { revision, previous: rows.find((r) => r.number === number - 1) } : undefined;
}

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

// A word diff of two very different 200,000-character bodies could take seconds; past this budget the page
// shows the whole old text as removed and the new as added instead.
const DIFF_TIMEOUT_MS = 300;

/** Word-level changes from one text to another, as the history page shows them. */
export function wordDiff(before: string, after: string): DiffPart[] {
  const changes = diffWords(before, after, { timeout: DIFF_TIMEOUT_MS });
  if (!changes) {
    return [
      { kind: 'removed', text: before },
      { kind: 'added', text: after },
    ];
  }
  return changes.map((change) => ({
    kind: change.added ? 'added' : change.removed ? 'removed' : 'same',
    text: change.value,
  }));
}
