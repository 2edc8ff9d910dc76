import type { Queryable } from '../db/database.js';
import { VISIBLE } from './queries.js';

// Lists: /sequences, a profile's sequences, the editor's menu of posts, link previews.

export interface SequenceListItem {
  id: string;
  title: string;
  descriptionExcerpt: string;
  /** The description's excerpt with its formulas typeset; '' when it has none. */
  descriptionExcerptHtml: string;
  authorUsername: string;
  authorDisplayName: string;
  postCount: number;
  karma: number;
  createdAt: Date;
}

const LIST_COLUMNS = `s.id, s.title, s.description_excerpt AS "descriptionExcerpt",
  s.description_excerpt_html AS "descriptionExcerptHtml", u.username AS "authorUsername",
  u.display_name AS "authorDisplayName", s.post_count AS "postCount", s.karma, s.created_at AS "createdAt"`;

export type SequenceSort = 'new' | 'top';

/** Where the previous page of /sequences ended: the last item's sort key. */
export type SequenceCursor = { sort: 'new'; createdAt: Date; id: string } | { sort: 'top'; karma: number; id: string };

/**
 * Sequences with something to read, newest first (sequences_new_idx) or by karma (sequences_top_idx), a page
 * after the cursor.
 */
export async function sequenceList(
  db: Queryable,
  sort: SequenceSort,
  limit: number,
  after?: SequenceCursor,
): Promise<SequenceListItem[]> {
  const [order, keyColumns, keyType] =
    sort === 'new'
      ? ['s.created_at DESC, s.id DESC', 's.created_at', 'timestamptz']
      : ['s.karma DESC, s.id DESC', 's.karma', 'integer'];
  // Keyset pagination: the next page starts right after the cursor's position in the index.
  const key = after?.sort === 'new' ? after.createdAt : after?.sort === 'top' ? after.karma : undefined;
  const cursor = key === undefined ? '' : `AND (${keyColumns}, s.id) < ($2::${keyType}, $3::text)`;
  return db.query<SequenceListItem>(
    `SELECT ${LIST_COLUMNS} FROM sequences s JOIN users u ON u.id = s.author_id
      WHERE s.post_count > 0 ${cursor}
      ORDER BY ${order}
      LIMIT $1`,
    key === undefined ? [limit] : [limit, key, after?.id],
  );
}

/** A user's sequences, newest first (sequences_author_idx); empty ones only for their author. */
export async function sequencesOfUser(
  db: Queryable,
  userId: string,
  includeEmpty: boolean,
  limit = 50,
): Promise<SequenceListItem[]> {
  return db.query<SequenceListItem>(
    `SELECT ${LIST_COLUMNS} FROM sequences s JOIN users u ON u.id = s.author_id
      WHERE s.author_id = $1 AND (s.post_count > 0 OR $2)
      ORDER BY s.created_at DESC
      LIMIT $3`,
    [userId, includeEmpty, limit],
  );
}

export interface AvailablePost {
  id: string;
  title: string;
}

/** The author's published posts not yet in the sequence, newest first: what the "Add a post" menu offers. */
export async function postsAvailableFor(
  db: Queryable,
  authorId: string,
  sequenceId: string,
  limit = 500,
): Promise<AvailablePost[]> {
  return db.query<AvailablePost>(
    `SELECT p.id, p.title FROM posts p
      WHERE p.author_id = $1 AND ${VISIBLE}
        AND NOT EXISTS (SELECT 1 FROM sequence_posts sp WHERE sp.sequence_id = $2 AND sp.post_id = p.id)
      ORDER BY p.published_at DESC, p.id DESC
      LIMIT $3`,
    [authorId, sequenceId, limit],
  );
}

export interface PostPreview {
  id: string;
  slug: string;
  title: string;
  excerpt: string;
  /** The excerpt with its formulas typeset; '' when it has none (show `excerpt`). */
  excerptHtml: string;
  readingMinutes: number;
  authorDisplayName: string;
}

/** What a link preview card shows; only for posts everyone can read. */
export async function postPreview(db: Queryable, postId: string): Promise<PostPreview | undefined> {
  const rows = await db.query<PostPreview>(
    `SELECT p.id, p.slug, p.title, p.excerpt, p.excerpt_html AS "excerptHtml", p.reading_minutes AS "readingMinutes",
            u.display_name AS "authorDisplayName"
       FROM posts p JOIN users u ON u.id = p.author_id
      WHERE p.id = $1 AND ${VISIBLE}`,
    [postId],
  );
  return rows[0];
}
