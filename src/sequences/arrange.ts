import type { Queryable } from '../db/database.js';
import { newId } from '../db/ids.js';
import { Invalid, NotFound } from '../errors.js';
import type { Actor } from '../policy/actor.js';
import { arrange, type Direction, moveChapter, movePost, postOrder, removeChapter } from './layout.js';
import {
  loadLayout,
  lockSequence,
  NOT_IN_SEQUENCE,
  touchSequence,
  writeChapterPlaces,
  writePostPlaces,
} from './service.js';
import { chapterTitle, MAX_CHAPTERS_PER_SEQUENCE } from './validation.js';

// Each function here is one change to a sequence's order or chapters, in one transaction that starts by locking
// the sequence (see lockSequence).

export const NO_CHAPTER = 'That chapter is not part of this sequence.';
/** The largest position number the order form accepts. */
export const MAX_POSITION = 999;

/** Moves a post one place up or down, crossing into the neighbouring chapter at a chapter's edge. */
export async function movePostInSequence(
  db: Queryable,
  actor: Actor,
  input: { sequenceId: string; postId: string; direction: Direction },
): Promise<void> {
  await db.transaction(async (tx) => {
    await lockSequence(tx, actor, input.sequenceId);
    const { layout } = await loadLayout(tx, input.sequenceId);
    if (!postOrder(layout).includes(input.postId)) throw new NotFound(NOT_IN_SEQUENCE);
    await writePostPlaces(tx, input.sequenceId, movePost(layout, input.postId, input.direction));
    await touchSequence(tx, input.sequenceId);
  });
}

/** Adds a named chapter at the end of the sequence. */
export async function addChapter(
  db: Queryable,
  actor: Actor,
  input: { sequenceId: string; title: string },
): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    await lockSequence(tx, actor, input.sequenceId);
    const { layout } = await loadLayout(tx, input.sequenceId);
    if (layout.chapters.length >= MAX_CHAPTERS_PER_SEQUENCE) {
      throw new Invalid(`A sequence has at most ${MAX_CHAPTERS_PER_SEQUENCE} chapters.`, {
        title: 'This sequence has as many chapters as it can.',
      });
    }
    const id = newId();
    await tx.query(
      `INSERT INTO sequence_chapters (id, sequence_id, title, position)
       SELECT $1, $2, $3, coalesce(max(position) + 1, 0) FROM sequence_chapters WHERE sequence_id = $2`,
      [id, input.sequenceId, input.title],
    );
    await touchSequence(tx, input.sequenceId);
    return { id };
  });
}

export async function moveChapterInSequence(
  db: Queryable,
  actor: Actor,
  input: { sequenceId: string; chapterId: string; direction: Direction },
): Promise<void> {
  await db.transaction(async (tx) => {
    await lockSequence(tx, actor, input.sequenceId);
    const { layout } = await loadLayout(tx, input.sequenceId);
    if (!layout.chapters.some((c) => c.id === input.chapterId)) throw new NotFound(NO_CHAPTER);
    await writeChapterPlaces(tx, input.sequenceId, moveChapter(layout, input.chapterId, input.direction));
    await touchSequence(tx, input.sequenceId);
  });
}

/** Deletes a chapter; its posts join the chapter before it (the next one, for the first). */
export async function deleteChapter(
  db: Queryable,
  actor: Actor,
  input: { sequenceId: string; chapterId: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    await lockSequence(tx, actor, input.sequenceId);
    const { layout } = await loadLayout(tx, input.sequenceId);
    if (!layout.chapters.some((c) => c.id === input.chapterId)) throw new NotFound(NO_CHAPTER);
    if (layout.chapters.length === 1) throw new Invalid('A sequence keeps at least one chapter.');
    const next = removeChapter(layout, input.chapterId);
    // Posts leave the chapter before it goes, and the others close ranks after it has gone.
    await writePostPlaces(tx, input.sequenceId, next);
    await tx.query('DELETE FROM sequence_chapters WHERE id = $1 AND sequence_id = $2', [
      input.chapterId,
      input.sequenceId,
    ]);
    await writeChapterPlaces(tx, input.sequenceId, next);
    await touchSequence(tx, input.sequenceId);
  });
}

/** The order form as submitted: field name → value, for fields named position.<postId>, chapter.<postId>, title.<chapterId>. */
export interface ArrangeInput {
  sequenceId: string;
  positions: Record<string, string>;
  chapters: Record<string, string>;
  chapterTitles: Record<string, string>;
}

function unknownKeys(values: Record<string, string>, known: Map<string, string>): string[] {
  return Object.keys(values).filter((key) => !known.has(key));
}

/**
 * Applies the whole order form at once: every post's number and chapter, and the chapter titles. The form
 * must name exactly the posts and chapters the sequence has; anything missing, unknown or malformed is refused
 * with a message per field and nothing changes.
 */
export async function arrangeSequence(db: Queryable, actor: Actor, input: ArrangeInput): Promise<void> {
  await db.transaction(async (tx) => {
    await lockSequence(tx, actor, input.sequenceId);
    const { layout, postTitles, chapterTitles } = await loadLayout(tx, input.sequenceId);
    const foreign = [
      ...unknownKeys(input.positions, postTitles),
      ...unknownKeys(input.chapters, postTitles),
      ...unknownKeys(input.chapterTitles, chapterTitles),
    ];
    if (foreign.length > 0) {
      const shown = foreign.slice(0, 3).map((id) => `“${id.slice(0, 40)}”`);
      throw new Invalid(
        `${shown.join(', ')} ${foreign.length === 1 ? 'is' : 'are'} not part of this sequence. The sequence may ` +
          'have changed in another window; nothing was changed. Reload the page and try again.',
      );
    }
    const fields: Record<string, string> = {};
    const numbers = new Map<string, number>();
    const chapterOf = new Map<string, string>();
    for (const [postId, title] of postTitles) {
      const raw = input.positions[postId]?.trim();
      const number = raw && /^\d{1,3}$/.test(raw) ? Number(raw) : Number.NaN;
      if (raw === undefined || raw === '') fields[`position.${postId}`] = `Give “${title}” a position.`;
      else if (!(number >= 1 && number <= MAX_POSITION)) {
        fields[`position.${postId}`] = `The position of “${title}” must be a whole number from 1 to ${MAX_POSITION}.`;
      } else numbers.set(postId, number);
      const chapterId = input.chapters[postId];
      if (chapterId === undefined) continue;
      if (chapterTitles.has(chapterId)) chapterOf.set(postId, chapterId);
      else fields[`chapter.${postId}`] = `Choose one of this sequence's chapters for “${title}”.`;
    }
    const titles = new Map<string, string>();
    for (const [chapterId, value] of Object.entries(input.chapterTitles)) {
      const parsed = chapterTitle.safeParse(value);
      if (parsed.success) titles.set(chapterId, parsed.data);
      else fields[`title.${chapterId}`] = parsed.error.issues[0]?.message ?? 'Check this chapter title.';
    }
    if (Object.keys(fields).length > 0)
      throw new Invalid('Please correct the marked fields. Nothing was changed.', fields);

    await writePostPlaces(tx, input.sequenceId, arrange(layout, numbers, chapterOf));
    if (titles.size > 0) {
      await tx.query(
        `UPDATE sequence_chapters c SET title = x.title
           FROM unnest($2::text[], $3::text[]) AS x (id, title)
          WHERE c.sequence_id = $1 AND c.id = x.id`,
        [input.sequenceId, [...titles.keys()], [...titles.values()]],
      );
    }
    await touchSequence(tx, input.sequenceId);
  });
}
