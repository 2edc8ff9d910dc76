import { describe, expect, it } from 'vitest';
import { arrange, type Layout, moveChapter, movePost, postOrder, removeChapter } from '../../src/sequences/layout.js';

const layout: Layout = {
  chapters: [
    { id: 'one', postIds: ['a', 'b'] },
    { id: 'two', postIds: ['c'] },
    { id: 'three', postIds: [] },
  ],
};

describe('moving a post', () => {
  it('swaps with its neighbour inside a chapter', () => {
    expect(movePost(layout, 'b', 'up').chapters[0]!.postIds).toEqual(['b', 'a']);
    expect(movePost(layout, 'a', 'down').chapters[0]!.postIds).toEqual(['b', 'a']);
  });

  it('crosses into the neighbouring chapter at a chapter edge, keeping reading order sensible', () => {
    const down = movePost(layout, 'b', 'down');
    expect(down.chapters.map((c) => c.postIds)).toEqual([['a'], ['b', 'c'], []]);
    const up = movePost(layout, 'c', 'up');
    expect(up.chapters.map((c) => c.postIds)).toEqual([['a', 'b', 'c'], [], []]);
    // Into an empty chapter, and out of it again.
    const intoEmpty = movePost(layout, 'c', 'down');
    expect(intoEmpty.chapters.map((c) => c.postIds)).toEqual([['a', 'b'], [], ['c']]);
  });

  it('changes nothing at the ends of the sequence or for an unknown post, and never mutates its input', () => {
    expect(postOrder(movePost(layout, 'a', 'up'))).toEqual(['a', 'b', 'c']);
    expect(movePost(layout, 'zzz', 'down')).toEqual(layout);
    const last: Layout = { chapters: [{ id: 'one', postIds: ['a'] }] };
    expect(movePost(last, 'a', 'down')).toEqual(last);
    expect(layout.chapters[0]!.postIds).toEqual(['a', 'b']);
  });
});

describe('chapters', () => {
  it('move with their posts and stop at the ends', () => {
    expect(moveChapter(layout, 'two', 'up').chapters.map((c) => c.id)).toEqual(['two', 'one', 'three']);
    expect(moveChapter(layout, 'one', 'up').chapters.map((c) => c.id)).toEqual(['one', 'two', 'three']);
    expect(postOrder(moveChapter(layout, 'two', 'up'))).toEqual(['c', 'a', 'b']);
  });

  it('when removed hand their posts to the chapter before (or after, for the first); the last one stays', () => {
    expect(removeChapter(layout, 'two').chapters).toEqual([
      { id: 'one', postIds: ['a', 'b', 'c'] },
      { id: 'three', postIds: [] },
    ]);
    expect(removeChapter(layout, 'one').chapters[0]).toEqual({ id: 'two', postIds: ['a', 'b', 'c'] });
    const single: Layout = { chapters: [{ id: 'one', postIds: ['a'] }] };
    expect(removeChapter(single, 'one')).toEqual(single);
  });
});

describe('arranging by numbers', () => {
  it('puts each post in its chosen chapter, ordered by number, ties in their current order', () => {
    const numbers = new Map([
      ['a', 5],
      ['b', 1],
      ['c', 1],
    ]);
    const chapterOf = new Map([['c', 'one']]);
    expect(arrange(layout, numbers, chapterOf).chapters.map((c) => c.postIds)).toEqual([['b', 'c', 'a'], [], []]);
    const tie = arrange(
      layout,
      new Map([
        ['a', 2],
        ['b', 2],
        ['c', 2],
      ]),
      new Map(),
    );
    expect(postOrder(tie)).toEqual(['a', 'b', 'c']);
  });
});
