import { renderPool } from '../content/pool.js';
import type { RevisionDiff, RevisionText } from '../content/word-diff.js';
import type { Queryable } from '../db/database.js';
import { newId } from '../db/ids.js';
import { Unavailable } from '../errors.js';

/**
 * What has a revision history: posts (post_revisions, migrations 0002 and 0010) and tags' descriptions
 * (tag_revisions, 0015). Both tables have the same shape, so one set of queries serves them, named by this.
 */
export type RevisionOwner = 'post' | 'tag';

// Table and column names come only from here, never from input. A post's revisions are all its author's; a
// tag's are by whoever edited it, recorded in author_id.
export const REVISION_TABLES: Record<RevisionOwner, { table: string; owner: string; authored: boolean }> = {
  post: { table: 'post_revisions', owner: 'post_id', authored: false },
  tag: { table: 'tag_revisions', owner: 'tag_id', authored: true },
};

export interface RevisionSummary {
  number: number;
  title: string;
  note: string;
  createdAt: Date;
  /** Who made the revision, where that varies (a tag's); absent for a post's. */
  author?: { username: string; displayName: string };
}

export interface Revision extends RevisionSummary {
  bodyMarkdown: string;
  bodyHtml: string;
  /** Changes since the previous revision, stored when saved; null for the first and for older revisions. */
  diff: RevisionDiff | null;
}

/** The revisions of a post or tag, newest first, without their bodies. */
export async function revisionsOf(db: Queryable, of: RevisionOwner, ownerId: string): Promise<RevisionSummary[]> {
  const { table, owner, authored } = REVISION_TABLES[of];
  if (!authored) {
    return db.query<RevisionSummary>(
      `SELECT number, title, note, created_at AS "createdAt" FROM ${table} WHERE ${owner} = $1 ORDER BY number DESC`,
      [ownerId],
    );
  }
  return db.query<RevisionSummary>(
    `SELECT r.number, r.title, r.note, r.created_at AS "createdAt",
            json_build_object('username', u.username, 'displayName', u.display_name) AS author
       FROM ${table} r JOIN users u ON u.id = r.author_id
      WHERE r.${owner} = $1 ORDER BY r.number DESC`,
    [ownerId],
  );
}

/** The revisions of a post, newest first, without their bodies. */
export function revisionsOfPost(db: Queryable, postId: string): Promise<RevisionSummary[]> {
  return revisionsOf(db, 'post', postId);
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
  ownerId: string,
  number: number,
  of: RevisionOwner = 'post',
): Promise<{ revision: Revision; previous: PreviousRevision | undefined } | undefined> {
  const { table, owner } = REVISION_TABLES[of];
  const rows = await db.query<Revision>(
    `SELECT r.number, r.title, r.note, r.created_at AS "createdAt",
            CASE WHEN r.number = $2 OR shown.diff IS NULL THEN r.body_markdown ELSE '' END AS "bodyMarkdown",
            CASE WHEN r.number = $2 THEN r.body_html ELSE '' END AS "bodyHtml",
            CASE WHEN r.number = $2 THEN r.diff END AS diff
       FROM ${table} r
       LEFT JOIN ${table} shown ON shown.${owner} = r.${owner} AND shown.number = $2
      WHERE r.${owner} = $1 AND r.number IN ($2, $2 - 1)
      ORDER BY r.number DESC`,
    [ownerId, number],
  );
  const revision = rows.find((r) => r.number === number);
  return revision ? { revision, previous: rows.find((r) => r.number === number - 1) } : undefined;
}

/** The newest revision's number and text, which the next revision is diffed against. */
export async function latestRevision(
  db: Queryable,
  ownerId: string,
  of: RevisionOwner = 'post',
): Promise<(RevisionText & { number: number }) | undefined> {
  const { table, owner } = REVISION_TABLES[of];
  const rows = await db.query<RevisionText & { number: number }>(
    `SELECT number, title, body_markdown AS body FROM ${table} WHERE ${owner} = $1 ORDER BY number DESC LIMIT 1`,
    [ownerId],
  );
  return rows[0];
}

export interface NewRevision {
  /** Who made it: stored for a tag's revision (a post's are its author's). */
  authorId: string;
  title: string;
  markdown: string;
  html: string;
  note: string;
  at: Date;
  diff: RevisionDiff | null;
}

/** Stores revision `number` of a post or tag (inside the caller's transaction, which holds the owner's row lock). */
export async function addRevision(
  tx: Queryable,
  of: RevisionOwner,
  ownerId: string,
  number: number,
  fields: NewRevision,
): Promise<void> {
  const { table, owner, authored } = REVISION_TABLES[of];
  await tx.query(
    `INSERT INTO ${table} (id, ${owner}, number, title, body_markdown, body_html, note, created_at, diff
                           ${authored ? ', author_id' : ''})
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9 ${authored ? ', $10' : ''})`,
    [
      newId(),
      ownerId,
      number,
      fields.title,
      fields.markdown,
      fields.html,
      fields.note,
      fields.at,
      fields.diff ? JSON.stringify(fields.diff) : null,
      ...(authored ? [fields.authorId] : []),
    ],
  );
}

/**
 * The word diff a new revision stores, made in the render pool. When the pool is too busy the revision is
 * saved without it (the history page makes it when first viewed) rather than the save failing.
 */
export async function diffForRevision(
  previous: RevisionText | undefined,
  next: RevisionText,
): Promise<RevisionDiff | null> {
  if (!previous) return null;
  try {
    return await renderPool().diffRevisions(previous, next);
  } catch (error) {
    if (error instanceof Unavailable) return null;
    throw error;
  }
}
