/**
 * The order of a sequence as plain data, and the rearrangements authors ask for, as pure functions: the
 * services load a layout, compute the new one here, and write it back in one statement per table.
 */
export interface Layout {
  chapters: { id: string; postIds: string[] }[];
}

export type Direction = 'up' | 'down';

function copy(layout: Layout): Layout {
  return { chapters: layout.chapters.map((c) => ({ id: c.id, postIds: [...c.postIds] })) };
}

/** Every post id in reading order. */
export function postOrder(layout: Layout): string[] {
  return layout.chapters.flatMap((c) => c.postIds);
}

function locate(layout: Layout, postId: string): { chapter: number; index: number } | undefined {
  for (const [chapter, c] of layout.chapters.entries()) {
    const index = c.postIds.indexOf(postId);
    if (index >= 0) return { chapter, index };
  }
  return undefined;
}

/**
 * Moves a post one place up or down in reading order. At the edge of its chapter it crosses into the
 * neighbouring chapter (last place of the one before, first place of the one after); at the ends of the
 * sequence nothing changes.
 */
export function movePost(layout: Layout, postId: string, direction: Direction): Layout {
  const next = copy(layout);
  const at = locate(next, postId);
  if (!at) return next;
  const chapter = next.chapters[at.chapter]!;
  const step = direction === 'up' ? -1 : 1;
  const target = at.index + step;
  if (target >= 0 && target < chapter.postIds.length) {
    chapter.postIds[at.index] = chapter.postIds[target]!;
    chapter.postIds[target] = postId;
    return next;
  }
  const neighbour = next.chapters[at.chapter + step];
  if (!neighbour) return next;
  chapter.postIds.splice(at.index, 1);
  if (direction === 'up') neighbour.postIds.push(postId);
  else neighbour.postIds.unshift(postId);
  return next;
}

/** Swaps a chapter (with its posts) with the one before or after it. */
export function moveChapter(layout: Layout, chapterId: string, direction: Direction): Layout {
  const next = copy(layout);
  const index = next.chapters.findIndex((c) => c.id === chapterId);
  const target = index + (direction === 'up' ? -1 : 1);
  if (index < 0 || target < 0 || target >= next.chapters.length) return next;
  [next.chapters[index], next.chapters[target]] = [next.chapters[target]!, next.chapters[index]!];
  return next;
}

/** Removes a chapter; its posts join the end of the chapter before it (or the start of the next, for the first). */
export function removeChapter(layout: Layout, chapterId: string): Layout {
  const next = copy(layout);
  const index = next.chapters.findIndex((c) => c.id === chapterId);
  if (index < 0 || next.chapters.length === 1) return next;
  const [removed] = next.chapters.splice(index, 1);
  if (index > 0) next.chapters[index - 1]!.postIds.push(...removed!.postIds);
  else next.chapters[0]!.postIds.unshift(...removed!.postIds);
  return next;
}

/**
 * The order an author typed: each post goes to its chosen chapter, ordered there by the number given to it;
 * equal numbers keep their current order. The caller has checked that every post and chapter is known.
 */
export function arrange(layout: Layout, numbers: Map<string, number>, chapterOf: Map<string, string>): Layout {
  const current = postOrder(layout);
  const rank = new Map(current.map((id, index) => [id, index]));
  const next: Layout = { chapters: layout.chapters.map((c) => ({ id: c.id, postIds: [] })) };
  for (const id of current) {
    const chapterId = chapterOf.get(id) ?? layout.chapters[locate(layout, id)!.chapter]!.id;
    next.chapters.find((c) => c.id === chapterId)!.postIds.push(id);
  }
  for (const chapter of next.chapters) {
    chapter.postIds.sort((a, b) => numbers.get(a)! - numbers.get(b)! || rank.get(a)! - rank.get(b)!);
  }
  return next;
}
