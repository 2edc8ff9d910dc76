import { renderPool } from '../content/pool.js';
import type { Queryable } from '../db/database.js';
import { isId, newId } from '../db/ids.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import { notifySequencePost } from '../notifications/fanout.js';
import { type Actor, canDeleteSequence, canEditSequence } from '../policy/policy.js';
import { type Layout, postOrder } from './layout.js';
import { MAX_POSTS_PER_SEQUENCE, type SequenceInput } from './validation.js';

export const NO_SEQUENCE = 'There is no sequence at this address. It may have been deleted.';

export interface NewSequence extends SequenceInput {
  authorId: string;
  /** Backdating for demo content; defaults to now. */
  at?: Date;
}

async function renderDescription(id: string, markdown: string) {
  const rendered = await renderPool().render(markdown, { docId: id, field: 'description' });
  return { html: rendered.html, excerpt: rendered.excerpt, excerptHtml: rendered.excerptHtml };
}

/** Creates a sequence with one untitled chapter (a sequence "without chapters"), its description rendered now. */
export async function createSequence(db: Queryable, input: NewSequence): Promise<{ id: string }> {
  const id = newId();
  const description = await renderDescription(id, input.description);
  const at = input.at ?? new Date();
  return db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO sequences (id, author_id, title, description_markdown, description_html, description_excerpt,
                              description_excerpt_html, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
      [
        id,
        input.authorId,
        input.title,
        input.description,
        description.html,
        description.excerpt,
        description.excerptHtml,
        at,
      ],
    );
    await tx.query('INSERT INTO sequence_chapters (id, sequence_id, title, position) VALUES ($1, $2, $3, 0)', [
      newId(),
      id,
      '',
    ]);
    return { id };
  });
}

/**
 * The sequence row, locked until the transaction ends, after checking the actor may edit it. Every change to a
 * sequence takes this lock first, so two edits of one sequence (two tabs, a double submit) apply in turn and
 * positions never collide.
 */
export async function lockSequence(
  tx: Queryable,
  actor: Actor,
  sequenceId: string,
  may: (actor: Actor, sequence: { authorId: string }) => boolean = canEditSequence,
): Promise<{ id: string; authorId: string }> {
  const rows = isId(sequenceId)
    ? await tx.query<{ id: string; authorId: string }>(
        'SELECT id, author_id AS "authorId" FROM sequences WHERE id = $1 FOR UPDATE',
        [sequenceId],
      )
    : [];
  const sequence = rows[0];
  if (!sequence) throw new NotFound(NO_SEQUENCE);
  if (!may(actor, sequence)) throw new Forbidden('Only the author can change this sequence.');
  return sequence;
}

export async function updateSequence(
  db: Queryable,
  actor: Actor,
  sequenceId: string,
  input: SequenceInput,
): Promise<void> {
  const description = await renderDescription(sequenceId, input.description);
  await db.transaction(async (tx) => {
    await lockSequence(tx, actor, sequenceId);
    await tx.query(
      `UPDATE sequences SET title = $2, description_markdown = $3, description_html = $4, description_excerpt = $5,
                            description_excerpt_html = $6, updated_at = now()
        WHERE id = $1`,
      [sequenceId, input.title, input.description, description.html, description.excerpt, description.excerptHtml],
    );
  });
}

/** Deletes a sequence with its chapters and its place in readers' progress; the posts themselves stay. */
export async function deleteSequence(db: Queryable, actor: Actor, sequenceId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await lockSequence(tx, actor, sequenceId, canDeleteSequence);
    await tx.query('DELETE FROM sequences WHERE id = $1', [sequenceId]);
  });
}

export interface LoadedLayout {
  layout: Layout;
  postTitles: Map<string, string>;
  chapterTitles: Map<string, string>;
}

/** The current order of a (locked) sequence, with titles for messages. */
export async function loadLayout(tx: Queryable, sequenceId: string): Promise<LoadedLayout> {
  const rows = await tx.query<{ chapterId: string; chapterTitle: string; postId: string | null; postTitle: string }>(
    `SELECT ch.id AS "chapterId", ch.title AS "chapterTitle", sp.post_id AS "postId", p.title AS "postTitle"
       FROM sequence_chapters ch
       LEFT JOIN sequence_posts sp ON sp.chapter_id = ch.id
       LEFT JOIN posts p ON p.id = sp.post_id
      WHERE ch.sequence_id = $1
      ORDER BY ch.position, sp.position`,
    [sequenceId],
  );
  const layout: Layout = { chapters: [] };
  const postTitles = new Map<string, string>();
  const chapterTitles = new Map<string, string>();
  for (const row of rows) {
    if (layout.chapters.at(-1)?.id !== row.chapterId) {
      layout.chapters.push({ id: row.chapterId, postIds: [] });
      chapterTitles.set(row.chapterId, row.chapterTitle);
    }
    if (row.postId) {
      layout.chapters.at(-1)!.postIds.push(row.postId);
      postTitles.set(row.postId, row.postTitle);
    }
  }
  return { layout, postTitles, chapterTitles };
}

/** Writes every post's chapter and place, in one statement (positions are checked at its end). */
export async function writePostPlaces(tx: Queryable, sequenceId: string, layout: Layout): Promise<void> {
  const ids: string[] = [];
  const chapters: string[] = [];
  const positions: number[] = [];
  for (const chapter of layout.chapters) {
    for (const [index, postId] of chapter.postIds.entries()) {
      ids.push(postId);
      chapters.push(chapter.id);
      positions.push(index);
    }
  }
  if (ids.length === 0) return;
  await tx.query(
    `UPDATE sequence_posts sp SET chapter_id = x.chapter_id, position = x.position
       FROM unnest($2::text[], $3::text[], $4::integer[]) AS x (post_id, chapter_id, position)
      WHERE sp.sequence_id = $1 AND sp.post_id = x.post_id`,
    [sequenceId, ids, chapters, positions],
  );
}

/** Writes every chapter's place, in one statement. */
export async function writeChapterPlaces(tx: Queryable, sequenceId: string, layout: Layout): Promise<void> {
  await tx.query(
    `UPDATE sequence_chapters c SET position = x.position
       FROM unnest($2::text[], $3::integer[]) AS x (id, position)
      WHERE c.sequence_id = $1 AND c.id = x.id`,
    [sequenceId, layout.chapters.map((c) => c.id), layout.chapters.map((_, index) => index)],
  );
}

/** Marks a sequence changed and recomputes its post count and karma (migration 0005, refresh_sequence_totals). */
export async function touchSequence(tx: Queryable, sequenceId: string): Promise<void> {
  await tx.query('UPDATE sequences SET updated_at = now() WHERE id = $1', [sequenceId]);
  await tx.query('SELECT refresh_sequence_totals(ARRAY[$1::text])', [sequenceId]);
}

export interface AddPost {
  sequenceId: string;
  postId: string;
  /** The chapter to add to (at its end); the last chapter when absent. */
  chapterId?: string | undefined;
}

const CHOOSE_POST = 'Choose one of your published posts.';

/** Adds one of the author's published posts at the end of a chapter. */
export async function addPostToSequence(db: Queryable, actor: Actor, input: AddPost): Promise<void> {
  await db.transaction(async (tx) => {
    const sequence = await lockSequence(tx, actor, input.sequenceId);
    if (!isId(input.postId)) throw new Invalid(CHOOSE_POST, { postId: CHOOSE_POST });
    const posts = await tx.query<{ authorId: string; title: string; status: string; deleted: boolean }>(
      `SELECT author_id AS "authorId", title, status, (deleted_at IS NOT NULL) AS deleted FROM posts WHERE id = $1`,
      [input.postId],
    );
    const post = posts[0];
    if (!post || post.deleted) throw new Invalid('There is no post with that id.', { postId: CHOOSE_POST });
    if (post.authorId !== sequence.authorId) {
      throw new Invalid('You can only add your own posts to your sequence.', { postId: CHOOSE_POST });
    }
    if (post.status !== 'published') {
      throw new Invalid(`“${post.title}” is a draft; publish it before adding it to a sequence.`, {
        postId: 'Only published posts can be added.',
      });
    }
    const { layout } = await loadLayout(tx, input.sequenceId);
    const order = postOrder(layout);
    if (order.includes(input.postId)) {
      throw new Invalid(`“${post.title}” is already in this sequence.`, { postId: 'This post is already here.' });
    }
    if (order.length >= MAX_POSTS_PER_SEQUENCE) {
      throw new Invalid(`A sequence holds at most ${MAX_POSTS_PER_SEQUENCE} posts.`, {
        postId: 'This sequence is full.',
      });
    }
    const chapter = input.chapterId ? layout.chapters.find((c) => c.id === input.chapterId) : layout.chapters.at(-1);
    if (!chapter) {
      throw new Invalid('Choose one of the chapters of this sequence.', { chapterId: 'Choose a chapter.' });
    }
    // Positions may have gaps after removals; the next one is past the largest.
    await tx.query(
      `INSERT INTO sequence_posts (sequence_id, post_id, chapter_id, position)
       SELECT $1, $2, $3, coalesce(max(position) + 1, 0) FROM sequence_posts WHERE chapter_id = $3`,
      [input.sequenceId, input.postId, chapter.id],
    );
    await touchSequence(tx, input.sequenceId);
    // The sequence's subscribers hear of it (notifications/fanout.ts): one statement.
    await notifySequencePost(tx, input.sequenceId, input.postId);
  });
}

export const NOT_IN_SEQUENCE = 'That post is not part of this sequence.';

/** Takes a post out of a sequence (the post itself is untouched). */
export async function removePostFromSequence(
  db: Queryable,
  actor: Actor,
  input: { sequenceId: string; postId: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    await lockSequence(tx, actor, input.sequenceId);
    const removed = await tx.query('DELETE FROM sequence_posts WHERE sequence_id = $1 AND post_id = $2 RETURNING 1', [
      input.sequenceId,
      input.postId,
    ]);
    if (removed.length === 0) throw new NotFound(NOT_IN_SEQUENCE);
    await touchSequence(tx, input.sequenceId);
  });
}

/** Records that a user read a post through a sequence's pages, for the frontpage's "Continue reading". */
export async function recordSequenceRead(db: Queryable, userId: string, sequenceId: string): Promise<void> {
  await db.query(
    `INSERT INTO sequence_reads (user_id, sequence_id, last_read_at) VALUES ($1, $2, now())
     ON CONFLICT (user_id, sequence_id) DO UPDATE SET last_read_at = now()`,
    [userId, sequenceId],
  );
}
