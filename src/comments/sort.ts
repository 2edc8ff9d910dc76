import { magicScore } from '../votes/ranking.js';
import type { CommentRow } from './queries.js';

export const COMMENT_SORTS = ['top', 'new', 'old', 'magic'] as const;
export type CommentSort = (typeof COMMENT_SORTS)[number];
/** Best-supported comments first, as LessWrong does. */
export const DEFAULT_COMMENT_SORT: CommentSort = 'top';

export const SORT_LABELS: Record<CommentSort, string> = { top: 'Top', new: 'New', old: 'Old', magic: 'Magic' };

export function isCommentSort(value: string | undefined): value is CommentSort {
  return (COMMENT_SORTS as readonly string[]).includes(value ?? '');
}

const HOUR_MS = 3_600_000;
const byAge = (a: CommentRow, b: CommentRow) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1);

/** How siblings are ordered for each sort; ties fall back to oldest first so the order is stable. */
export function commentComparator(sort: CommentSort, now = new Date()): (a: CommentRow, b: CommentRow) => number {
  switch (sort) {
    case 'old':
      return byAge;
    case 'new':
      return (a, b) => -byAge(a, b);
    case 'top':
      return (a, b) => b.baseScore - a.baseScore || byAge(a, b);
    case 'magic': {
      const score = (c: CommentRow) => magicScore(c.baseScore, 0, (now.getTime() - c.createdAt.getTime()) / HOUR_MS);
      return (a, b) => score(b) - score(a) || byAge(a, b);
    }
  }
}
