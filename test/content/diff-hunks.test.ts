import { describe, expect, it } from 'vitest';
import {
  CONTEXT_CHARS,
  CONTEXT_LINES,
  type DiffBlock,
  type DiffHunk,
  diffHunks,
  type FoldedLines,
  hasChanges,
} from '../../src/content/diff-hunks.js';
import { type DiffPart, wholeReplacement, wordDiff } from '../../src/content/word-diff.js';

const lines = (count: number, from = 1) => Array.from({ length: count }, (_, i) => `Line ${from + i}.`);
const text = (list: string[]) => list.join('\n');
const hunks = (blocks: DiffBlock[]) => blocks.filter((b): b is DiffHunk => b.kind === 'hunk');
const folds = (blocks: DiffBlock[]) => blocks.filter((b): b is FoldedLines => b.kind === 'folded');
/** What the page shows, as text: folds as "[n folded]", elisions as "…". */
const shown = (blocks: DiffBlock[]) =>
  blocks
    .map((b) =>
      b.kind === 'folded'
        ? `[${b.lines} folded]\n`
        : b.parts
            .map((p) => (p.kind === 'elided' ? '…' : p.kind === 'same' ? p.text : `{${p.kind}:${p.text}}`))
            .join(''),
    )
    .join('');
const allText = (parts: DiffPart[]) => parts.map((p) => p.text).join('');
/** The text of one side of the diff, from the blocks: nothing folded away is lost. */
const side = (blocks: DiffBlock[], leave: 'added' | 'removed') =>
  blocks
    .map((b) =>
      b.kind === 'folded' ? b.text : b.parts.map((p) => ('text' in p && p.kind !== leave ? p.text : '')).join(''),
    )
    .join('');

describe('grouping a word diff into hunks', () => {
  it('shows a change in a long text with two lines of context each side and folds the rest', () => {
    const before = lines(30);
    const after = before.map((l) => (l === 'Line 15.' ? 'Line fifteen.' : l));
    const blocks = diffHunks(wordDiff(text(before), text(after)));
    expect(blocks.map((b) => b.kind)).toEqual(['folded', 'hunk', 'folded']);
    expect(folds(blocks).map((f) => [f.line, f.lines])).toEqual([
      [1, 12],
      [18, 13],
    ]);
    const [hunk] = hunks(blocks);
    expect(hunk!.line).toBe(15);
    expect(shown([hunk!])).toBe('Line 13.\nLine 14.\nLine {removed:15}{added:fifteen}.\nLine 16.\nLine 17.\n');
    expect(hunk!.preview).toEqual([
      { kind: 'removed', text: '15' },
      { kind: 'added', text: 'fifteen' },
    ]);
    expect(CONTEXT_LINES).toBe(2);
    expect(side(blocks, 'removed')).toBe(text(after));
    expect(side(blocks, 'added')).toBe(text(before));
  });

  it('numbers hunks and their lines in the newer text, after lines were added or deleted above them', () => {
    const before = lines(40);
    const after = [...before.slice(0, 4), 'New A.', 'New B.', 'New C.', ...before.slice(4, 30), ...before.slice(31)];
    after[34] = 'Changed.';
    const blocks = diffHunks(wordDiff(text(before), text(after)));
    expect(hunks(blocks).map((h) => [h.number, h.line])).toEqual([
      [1, 5],
      [2, 34],
    ]);
    // "Line 31." deleted and "Line 33." changed, three lines apart: one hunk.
    const second = hunks(blocks).slice(1);
    expect(side(second, 'added')).toBe(`${text(before.slice(28, 35))}\n`);
    expect(side(second, 'removed')).toBe(`${text(after.slice(31, 37))}\n`);
  });

  it('a change on the first or the last line has context on one side only, and nothing folded there', () => {
    const before = lines(20);
    const first = diffHunks(wordDiff(text(before), text(['Start.', ...before.slice(1)])));
    expect(first.map((b) => b.kind)).toEqual(['hunk', 'folded']);
    expect(shown(first.slice(0, 1))).toBe('{removed:Line 1}{added:Start}.\nLine 2.\nLine 3.\n');
    const last = diffHunks(wordDiff(text(before), text([...before.slice(0, -1), 'End.'])));
    expect(last.map((b) => b.kind)).toEqual(['folded', 'hunk']);
    expect(shown(last.slice(1))).toBe('Line 18.\nLine 19.\n{removed:Line 20}{added:End}.');
  });

  it('merges changes whose contexts meet, or would leave a single line folded between them', () => {
    const before = lines(30);
    const change = (...numbers: number[]) =>
      diffHunks(wordDiff(text(before), text(before.map((l, i) => (numbers.includes(i + 1) ? `${l} Edited.` : l)))));
    // Lines 10 and 14: contexts 8–12 and 12–16 overlap.
    expect(hunks(change(10, 14))).toHaveLength(1);
    // Lines 10 and 16: one line (13) would be folded, so it is shown instead.
    expect(hunks(change(10, 16))).toHaveLength(1);
    // Lines 10 and 17: lines 13 and 14 fold.
    const apart = change(10, 17);
    expect(hunks(apart).map((h) => h.line)).toEqual([10, 17]);
    expect(folds(apart).map((f) => [f.line, f.lines])).toEqual([
      [1, 7],
      [13, 2],
      [20, 11],
    ]);
  });

  it('makes no hunk when nothing changed, and folds the whole text', () => {
    const body = text(lines(10));
    const blocks = diffHunks([{ kind: 'same', text: body }]);
    expect(blocks).toEqual([{ kind: 'folded', line: 1, lines: 10, text: body }]);
    expect(diffHunks([])).toEqual([]);
    expect(hasChanges([{ kind: 'same', text: body }])).toBe(false);
  });

  it('a revision that changed only the title has an unchanged body', () => {
    const diff = { title: wordDiff('Regret', 'Regret bounds'), body: wordDiff('Same body.', 'Same body.') };
    expect(hasChanges(diff.title)).toBe(true);
    expect(hasChanges(diff.body)).toBe(false);
    expect(hunks(diffHunks(diff.body))).toEqual([]);
  });

  it('shows a whole replacement as one hunk, with every line', () => {
    const before = text(lines(12));
    const after = text(lines(12, 100));
    const blocks = diffHunks(wholeReplacement(before, after));
    expect(blocks).toHaveLength(1);
    expect(side(blocks, 'added')).toBe(before);
    expect(side(blocks, 'removed')).toBe(after);
    expect(hunks(blocks)[0]!.line).toBe(1);
  });

  it('counts CRLF and CR line ends as one line end each, even split between parts', () => {
    const before = lines(20).join('\r\n');
    const after = before.replace('Line 10.', 'Line ten.');
    const blocks = diffHunks(wordDiff(before, after));
    expect(blocks.map((b) => b.kind)).toEqual(['folded', 'hunk', 'folded']);
    expect(hunks(blocks)[0]!.line).toBe(10);
    expect(folds(blocks).map((f) => f.lines)).toEqual([7, 8]);
    expect(side(blocks, 'removed')).toBe(after.replaceAll('\r', ''));
    const split = diffHunks([
      { kind: 'same', text: 'a\r' },
      { kind: 'same', text: '\nb\rc\r' },
      { kind: 'added', text: '\nd' },
    ]);
    expect(side(split, 'removed')).toBe('a\nb\nc\nd');
    expect(hunks(split)[0]!.line).toBe(4);
  });

  it('cuts a long unchanged line to about CONTEXT_CHARS on each side of a change, between words', () => {
    const words = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`).join(' ');
    const before = `${words('alpha', 500)} middle ${words('omega', 500)}`;
    const after = before.replace(' middle ', ' center ');
    const [hunk, ...rest] = diffHunks(wordDiff(before, after));
    expect(rest).toEqual([]);
    const parts = hunk!.kind === 'hunk' ? hunk!.parts : [];
    expect(parts.map((p) => p.kind)).toEqual(['elided', 'same', 'removed', 'added', 'same', 'elided']);
    const [, lead, , , follow] = parts as DiffPart[];
    expect(lead!.text.length).toBeLessThanOrEqual(CONTEXT_CHARS);
    expect(lead!.text.length).toBeGreaterThan(CONTEXT_CHARS - 40);
    expect(lead!.text).toMatch(/^ alpha\d+ /);
    expect(follow!.text).toMatch(/ omega\d+ $/);
    const hidden = parts.reduce((sum, p) => sum + (p.kind === 'elided' ? p.chars : p.text.length), 0);
    expect(hidden).toBe(after.length + 'middle'.length);
  });

  it('keeps both ends of a long unchanged stretch between two changes on one line', () => {
    const filler = 'word '.repeat(300);
    const before = `Start ${filler}end.`;
    const after = `Begin ${filler}finish.`;
    const [hunk] = hunks(diffHunks(wordDiff(before, after)));
    const kinds = hunk!.parts.map((p) => p.kind);
    expect(kinds).toEqual(['removed', 'added', 'same', 'elided', 'same', 'removed', 'added', 'same']);
    expect(shown([hunk!])).toMatch(/^\{removed:Start\}\{added:Begin\} (word ){30,40}…( word){30,40} \{removed:end\}/);
  });

  it('cuts whole context lines that are long to their start, and keeps short lines whole', () => {
    const long = `Long paragraph ${'x'.repeat(1000)} tail.`;
    const before = text(['Short.', long, 'Changed here.', long, 'Short again.']);
    const after = before.replace('Changed here.', 'Edited here.');
    const [hunk] = hunks(diffHunks(wordDiff(before, after)));
    expect(shown([hunk!])).toMatch(
      /^Short\.\nLong paragraph x{150,200}…\n\{removed:Changed\}\{added:Edited\} here\.\nLong paragraph x{150,200}…\nShort again\.$/,
    );
  });

  it('never cuts an emoji in half', () => {
    const before = '😀'.repeat(400);
    const after = `${before}!`;
    const [hunk] = hunks(diffHunks(wordDiff(before, after)));
    const kept = hunk!.parts.find((p) => p.kind === 'same');
    expect(kept && 'text' in kept ? kept.text : '').toMatch(/^(😀)+$/u);
  });

  it('quotes the changed words of a hunk, shortened, for the list of changes', () => {
    const before = 'A sentence.';
    const after = `A sentence. ${'New words here. '.repeat(10)}`;
    const [hunk] = hunks(diffHunks(wordDiff(before, after)));
    const [quote] = hunk!.preview;
    expect(quote!.kind).toBe('added');
    expect(quote!.text.length).toBeLessThanOrEqual(61);
    expect(quote!.text).toMatch(/^New words here\. .*\w…$/);
    expect(allText(hunk!.preview)).not.toContain('\n');
  });
});
