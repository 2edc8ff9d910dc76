import type { Queryable } from '../db/database.js';
import { visiblePost } from '../policy/visibility.js';

/** Posts readers can see; the same rule as canViewPost for everyone but the author. */
export const VISIBLE = visiblePost('p');

export interface SequenceRow {
  id: string;
  authorId: string;
  authorUsername: string;
  authorDisplayName: string;
  title: string;
  descriptionMarkdown: string;
  descriptionHtml: string;
  createdAt: Date;
  updatedAt: Date;
  postCount: number;
  karma: number;
}

export async function sequenceById(db: Queryable, id: string): Promise<SequenceRow | undefined> {
  const rows = await db.query<SequenceRow>(
    `SELECT s.id, s.author_id AS "authorId", u.username AS "authorUsername", u.display_name AS "authorDisplayName",
            s.title, s.description_markdown AS "descriptionMarkdown", s.description_html AS "descriptionHtml",
            s.created_at AS "createdAt", s.updated_at AS "updatedAt", s.post_count AS "postCount", s.karma
       FROM sequences s JOIN users u ON u.id = s.author_id
      WHERE s.id = $1`,
    [id],
  );
  return rows[0];
}

export interface ContentsPost {
  id: string;
  slug: string;
  title: string;
  excerpt: string;
  /** The excerpt with its formulas typeset; '' when it has none (show `excerpt`). */
  excerptHtml: string;
  readingMinutes: number;
  status: 'draft' | 'published';
  deleted: boolean;
  /** Whether the reader has opened this post (post_visits); false for anonymous readers. */
  read: boolean;
}

export interface ContentsChapter {
  id: string;
  title: string;
  posts: ContentsPost[];
}

interface ContentsRow {
  chapterId: string;
  chapterTitle: string;
  id: string | null;
  slug: string;
  title: string;
  excerpt: string;
  /** The excerpt with its formulas typeset; '' when it has none (show `excerpt`). */
  excerptHtml: string;
  readingMinutes: number;
  status: 'draft' | 'published';
  deleted: boolean;
  read: boolean;
}

/**
 * Every chapter of a sequence with all its posts in order (hidden ones included, for the editor), and for a
 * logged-in reader which posts they have opened: one query over the sequence's own rows.
 */
export async function sequenceContents(
  db: Queryable,
  sequenceId: string,
  readerId: string | null,
): Promise<ContentsChapter[]> {
  const rows = await db.query<ContentsRow>(
    `SELECT ch.id AS "chapterId", ch.title AS "chapterTitle", p.id, p.slug, p.title, p.excerpt,
            p.excerpt_html AS "excerptHtml", p.reading_minutes AS "readingMinutes", p.status, (p.deleted_at IS NOT NULL) AS deleted,
            (v.post_id IS NOT NULL) AS read
       FROM sequence_chapters ch
       LEFT JOIN sequence_posts sp ON sp.chapter_id = ch.id
       LEFT JOIN posts p ON p.id = sp.post_id
       LEFT JOIN post_visits v ON v.user_id = $2::text AND v.post_id = sp.post_id
      WHERE ch.sequence_id = $1
      ORDER BY ch.position, sp.position`,
    [sequenceId, readerId],
  );
  const chapters: ContentsChapter[] = [];
  for (const row of rows) {
    let chapter = chapters.at(-1);
    if (chapter?.id !== row.chapterId) {
      chapter = { id: row.chapterId, title: row.chapterTitle, posts: [] };
      chapters.push(chapter);
    }
    if (row.id) {
      const { chapterId: _c, chapterTitle: _t, id, ...post } = row;
      chapter.posts.push({ id, ...post });
    }
  }
  return chapters;
}

export interface PostNeighbour {
  id: string;
  title: string;
}

/** Where a post stands in a sequence, as the post page inside the sequence shows it. */
export interface SequencePosition {
  sequenceId: string;
  sequenceTitle: string;
  chapterTitle: string;
  /** 1-based, among the posts readers can see. */
  number: number;
  total: number;
  previous: PostNeighbour | undefined;
  next: PostNeighbour | undefined;
}

/** A visible post's position and neighbours (across chapters) in a sequence, in one query; undefined if absent. */
export async function sequencePosition(
  db: Queryable,
  sequenceId: string,
  postId: string,
): Promise<SequencePosition | undefined> {
  const rows = await db.query<{
    sequenceId: string;
    sequenceTitle: string;
    chapterTitle: string;
    number: number;
    total: number;
    previousId: string | null;
    previousTitle: string | null;
    nextId: string | null;
    nextTitle: string | null;
  }>(
    `SELECT s.id AS "sequenceId", s.title AS "sequenceTitle", o.chapter_title AS "chapterTitle", o.number, o.total,
            o.previous_id AS "previousId", o.previous_title AS "previousTitle",
            o.next_id AS "nextId", o.next_title AS "nextTitle"
       FROM sequences s
       JOIN (SELECT sp.post_id, ch.title AS chapter_title, row_number() OVER w AS number, count(*) OVER () AS total,
                    lag(p.id) OVER w AS previous_id, lag(p.title) OVER w AS previous_title,
                    lead(p.id) OVER w AS next_id, lead(p.title) OVER w AS next_title
               FROM sequence_posts sp
               JOIN sequence_chapters ch ON ch.id = sp.chapter_id
               JOIN posts p ON p.id = sp.post_id
              WHERE sp.sequence_id = $1 AND ${VISIBLE}
             WINDOW w AS (ORDER BY ch.position, sp.position)) o ON o.post_id = $2
      WHERE s.id = $1`,
    [sequenceId, postId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const neighbour = (id: string | null, title: string | null) => (id ? { id, title: title ?? '' } : undefined);
  return {
    sequenceId: row.sequenceId,
    sequenceTitle: row.sequenceTitle,
    chapterTitle: row.chapterTitle,
    number: row.number,
    total: row.total,
    previous: neighbour(row.previousId, row.previousTitle),
    next: neighbour(row.nextId, row.nextTitle),
  };
}

export interface Membership {
  id: string;
  title: string;
  number: number;
  total: number;
}

/** The sequences a post is part of (best first), with its position in each: one query (sequence_posts_post_idx). */
export async function sequencesOfPost(db: Queryable, postId: string, limit = 5): Promise<Membership[]> {
  return db.query<Membership>(
    `SELECT s.id, s.title, o.number, o.total
       FROM (SELECT sp.sequence_id, sp.post_id,
                    row_number() OVER (PARTITION BY sp.sequence_id ORDER BY ch.position, sp.position) AS number,
                    count(*) OVER (PARTITION BY sp.sequence_id) AS total
               FROM sequence_posts sp
               JOIN sequence_chapters ch ON ch.id = sp.chapter_id
               JOIN posts p ON p.id = sp.post_id
              WHERE sp.sequence_id IN (SELECT sequence_id FROM sequence_posts WHERE post_id = $1) AND ${VISIBLE}) o
       JOIN sequences s ON s.id = o.sequence_id
      WHERE o.post_id = $1
      ORDER BY s.karma DESC, s.created_at
      LIMIT $2`,
    [postId, limit],
    true,
  );
}

/** For lists of posts: the sequences each post is part of (best first), in one query over sequence_posts_post_idx. */
export async function sequencesOfPosts(
  db: Queryable,
  postIds: string[],
): Promise<Map<string, { id: string; title: string }[]>> {
  const rows =
    postIds.length === 0
      ? []
      : await db.query<{ postId: string; id: string; title: string }>(
          `SELECT sp.post_id AS "postId", s.id, s.title
             FROM sequence_posts sp JOIN sequences s ON s.id = sp.sequence_id
            WHERE sp.post_id = ANY ($1::text[])
            ORDER BY s.karma DESC, s.created_at`,
          [postIds],
        );
  const byPost = new Map<string, { id: string; title: string }[]>();
  for (const { postId, ...sequence } of rows) byPost.set(postId, [...(byPost.get(postId) ?? []), sequence]);
  return byPost;
}

/** "Continue reading" looks at the sequences read most recently, finished or not, so its cost stays bounded. */
const RECENT_SEQUENCES_CONSIDERED = 50;

export interface InProgress {
  id: string;
  title: string;
  postCount: number;
  readCount: number;
  nextPostId: string;
  nextPostTitle: string;
}

/**
 * Sequences a user has been reading (sequence_reads, most recent first) that still have an unread post, with
 * how far they got and the first unread post. One query over their most recently read sequences: each post of
 * each is probed in the reader's visits by key. Joined to all their visits instead, the plan PostgreSQL keeps for
 * the prepared statement (made for a reader of a couple of hundred posts) merged every visit of the reader for
 * each sequence: 44 ms for a reader of 15,000 posts (the benchmark's readers), against 1 ms now.
 */
export async function sequencesInProgress(db: Queryable, userId: string, limit = 3): Promise<InProgress[]> {
  return db.query<InProgress>(
    `SELECT s.id, s.title, s.post_count AS "postCount", progress.read_count AS "readCount",
            progress.next_id AS "nextPostId", progress.next_title AS "nextPostTitle"
       FROM (SELECT sequence_id, last_read_at FROM sequence_reads WHERE user_id = $1
              ORDER BY last_read_at DESC LIMIT ${RECENT_SEQUENCES_CONSIDERED}) r
       JOIN sequences s ON s.id = r.sequence_id
       CROSS JOIN LATERAL (
         SELECT count(*) FILTER (WHERE seen.visited) AS read_count,
                (array_agg(p.id ORDER BY ch.position, sp.position) FILTER (WHERE NOT seen.visited))[1] AS next_id,
                (array_agg(p.title ORDER BY ch.position, sp.position) FILTER (WHERE NOT seen.visited))[1] AS next_title
           FROM sequence_posts sp
           JOIN sequence_chapters ch ON ch.id = sp.chapter_id
           JOIN posts p ON p.id = sp.post_id
           CROSS JOIN LATERAL (
             SELECT EXISTS (SELECT 1 FROM post_visits v WHERE v.user_id = $1 AND v.post_id = sp.post_id) AS visited
           ) seen
          WHERE sp.sequence_id = s.id AND ${VISIBLE}) progress
      WHERE progress.next_id IS NOT NULL
      ORDER BY r.last_read_at DESC
      LIMIT $2`,
    [userId, limit],
    true,
  );
}
