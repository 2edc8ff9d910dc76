import { describe, expect, it } from 'vitest';
import type { CommentRow } from '../../src/comments/queries.js';
import { isNewComment, newCommentsOf, type SharedCommentTree, type ThreadContext } from '../../src/comments/views.js';

/** A tree as far as "new since your last visit" reads it: its comments in reading order. */
function treeOf(rows: Partial<CommentRow>[]): SharedCommentTree {
  return { readingOrder: rows as CommentRow[] } as SharedCommentTree;
}

const reader = { id: 'reader' } as ThreadContext['user'];
const context = (newSince: Date | undefined): ThreadContext =>
  ({ post: {}, user: reader, csrfToken: '', newSince }) as ThreadContext;

describe('the comments new to a reader (newCommentsOf)', () => {
  it('are those written after their last visit, by others and not deleted, in reading order', () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
    const tree = treeOf([
      { id: 'a', createdAt: at(1), authorId: 'x', deleted: false },
      { id: 'd', createdAt: at(9), authorId: 'x', deleted: false },
      { id: 'b', createdAt: at(5), authorId: 'reader', deleted: false },
      { id: 'c', createdAt: at(7), authorId: 'y', deleted: true },
      { id: 'e', createdAt: at(6), authorId: 'y', deleted: false },
    ]);
    expect(newCommentsOf(tree, context(at(4))).map((c) => c.id)).toEqual(['d', 'e']);
    expect(newCommentsOf(tree, context(at(6))).map((c) => c.id)).toEqual(['d']);
    expect(newCommentsOf(tree, context(at(9)))).toEqual([]);
    expect(newCommentsOf(tree, context(undefined))).toEqual([]);
    expect(newCommentsOf(tree, context(at(0))).map((c) => c.id)).toEqual(['a', 'd', 'e']);
  });

  it('agree with testing every comment, for random trees, visits and equal times', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 200; round++) {
      const rows = Array.from({ length: Math.floor(random() * 40) }, (_, i) => ({
        id: `c${i}`,
        createdAt: new Date(1_700_000_000_000 + Math.floor(random() * 20) * 1000),
        authorId: random() < 0.2 ? 'reader' : 'other',
        deleted: random() < 0.1,
      }));
      const tree = treeOf(rows);
      for (let visit = 0; visit < 5; visit++) {
        const ctx = context(new Date(1_700_000_000_000 + Math.floor(random() * 22 - 1) * 1000));
        expect(newCommentsOf(tree, ctx)).toEqual(tree.readingOrder.filter((comment) => isNewComment(comment, ctx)));
      }
    }
  });
});
