import { describe, expect, it } from 'vitest';
import {
  fillSlots,
  fillSlotsToBytes,
  type SlotFill,
  slot,
  splitSlots,
  splitSlotsToBytes,
} from '../../src/web/slots.js';

// A shared rendering is filled per reader into bytes (fillSlotsToBytes): it must give exactly the UTF-8 of the
// string fill (fillSlots), whole or for a run of texts, whatever characters the text and the fills hold.
describe('slots filled into bytes', () => {
  const texts = ['<p>Ünïcode ✓ and 𝔼[X] — ', '</p><a href="/x?a=1&amp;b">', '', '⇊ strong', '<em>end</em>'];
  const html = texts
    .map((text, k) => (k === 0 ? text : `${slot(k % 2 ? 'mark' : 'actions', `id${k}`)}${text}`))
    .join('');
  const fill: SlotFill = (name, id, out) => {
    if (name === 'actions') {
      out.push(`<button value="${id}">⇈</button>`, '<span>plain</span>');
      return undefined;
    }
    return id === 'id3' ? '' : `<span class="new-mark">${name} ${id} 🆕</span>`;
  };

  it('equals the string fill, encoded', () => {
    const bytes = fillSlotsToBytes(splitSlotsToBytes(html), fill);
    expect(bytes.toString()).toBe(fillSlots(splitSlots(html), fill));
    expect(bytes.toString()).toContain('🆕');
    expect(bytes.toString()).not.toContain('\0');
  });

  it('fills a run of texts with only the slots between them', () => {
    const text = splitSlotsToBytes(html);
    const pieces = splitSlots(html);
    for (let from = 0; from < texts.length; from++) {
      for (let to = from + 1; to <= texts.length; to++) {
        // Texts from..to-1 are pieces 2·from..2·(to-1), slots between them included.
        const expected = fillSlots(pieces.slice(2 * from, 2 * to - 1), fill);
        expect(fillSlotsToBytes(text, fill, from, to).toString(), `${from}..${to}`).toBe(expected);
      }
    }
  });

  it('keeps names and ids of the slots, and refuses an unclosed marker', () => {
    const text = splitSlotsToBytes(html);
    expect(text.slotNames).toEqual(['mark', 'actions', 'mark', 'actions']);
    expect(text.slotIds).toEqual(['id1', 'id2', 'id3', 'id4']);
    expect(() => splitSlotsToBytes('<p>\0mark:x</p>')).toThrow(/not closed/);
  });
});
