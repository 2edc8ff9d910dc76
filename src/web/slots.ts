import { keepingOnce } from '../cache/size.js';

/**
 * Renderings shared between readers, with slots for what differs. A part of a page that every reader sees alike
 * except in a few places (their "new" marks, their vote buttons) is rendered once with a marker in each such
 * place, kept in a cache, and filled per reader. Markers are NUL-delimited: NUL appears nowhere else in a page
 * (it is refused at the edge, and PostgreSQL text cannot store it), so splitting on it finds exactly them, in
 * text and in attribute values alike.
 */
const NUL = '\0';

/** The marker for slot `name` of the item `id`. */
export function slot(name: string, id: string): string {
  return `${NUL}${name}:${id}${NUL}`;
}

/** A rendering split at its slots: html, slot, html, slot, …, html. */
export function splitSlots(html: string): string[] {
  return html.split(NUL);
}

/** splitSlots undone: the rendering with its slot markers. */
export function joinSlots(pieces: string[]): string {
  return pieces.join(NUL);
}

/**
 * A split rendering with each of the stand-ins (keys of `names`, strings that occur nowhere else in it) made a
 * slot of the given name, with no id: for one rendering made with stand-ins for what differs between its uses.
 */
export function slotsAt(pieces: string[], names: Record<string, string>): string[] {
  let joined = joinSlots(pieces);
  for (const [standIn, name] of Object.entries(names)) joined = joined.replaceAll(standIn, slot(name, ''));
  return splitSlots(joined);
}

/**
 * What goes in a slot: a string, or nothing after pushing the parts straight onto `out` (a slot filled from
 * another split rendering, without joining that one on its own first).
 */
export type SlotFill = (name: string, id: string, out: string[]) => string | undefined;

/**
 * The rendering with each slot replaced by what `fill` gives. With `into`, the parts are pushed onto it (for the
 * caller to join once) and the result is ''.
 */
export function fillSlots(pieces: string[], fill: SlotFill, into?: string[]): string {
  const out = into ?? [];
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (i % 2 === 0) {
      out.push(piece);
      continue;
    }
    const colon = piece.indexOf(':');
    const filled = fill(piece.slice(0, colon), piece.slice(colon + 1), out);
    if (filled) out.push(filled);
  }
  return into ? '' : out.join('');
}

/**
 * A rendering split at its slots and kept as UTF-8, for filling many times into bytes (fillSlotsToBytes): the
 * text between slots as ranges of one buffer, encoded once, and each slot's name and id. Text k is
 * bytes[textStart[k], textEnd[k]); slot k lies between text k and text k + 1.
 */
export interface SlottedBytes {
  bytes: Buffer;
  textStart: Int32Array;
  textEnd: Int32Array;
  slotNames: string[];
  slotIds: string[];
}

/** splitSlots, kept as UTF-8 (a slot's name and id are ASCII: names are ours, ids base 62). */
export function splitSlotsToBytes(html: string | Buffer): SlottedBytes {
  const bytes = typeof html === 'string' ? Buffer.from(html) : html;
  const starts: number[] = [0];
  const ends: number[] = [];
  const slotNames: string[] = [];
  const slotIds: string[] = [];
  // Each name and id kept once, however many slots have it (a comment has four or five): a kept tree holds them.
  const once = keepingOnce();
  let at = bytes.indexOf(0);
  while (at >= 0) {
    const close = bytes.indexOf(0, at + 1);
    if (close < 0) throw new Error('splitSlotsToBytes: a slot marker is not closed.');
    const colon = bytes.indexOf(0x3a, at + 1);
    ends.push(at);
    slotNames.push(once(bytes.toString('latin1', at + 1, colon)));
    slotIds.push(once(bytes.toString('latin1', colon + 1, close)));
    starts.push(close + 1);
    at = bytes.indexOf(0, close + 1);
  }
  ends.push(bytes.byteLength);
  return { bytes, textStart: Int32Array.from(starts), textEnd: Int32Array.from(ends), slotNames, slotIds };
}

/**
 * fillSlots into bytes, for texts `from` to `to` (exclusive) and the slots between them: the text is copied
 * from its encoded buffer and only what fills the slots is encoded now. Joining a long discussion's pieces into
 * one string and encoding it again for every reader was a tenth of the server's time in the forum-day benchmark.
 */
export function fillSlotsToBytes(
  text: SlottedBytes,
  fill: SlotFill,
  from = 0,
  to: number = text.textStart.length,
): Buffer {
  // Text k as the number k, fills as strings (`fill` pushes strings only).
  const parts: (number | string)[] = [];
  let size = 0;
  for (let k = from; k < to; k++) {
    parts.push(k);
    size += text.textEnd[k]! - text.textStart[k]!;
    if (k === to - 1) break;
    const mark = parts.length;
    const filled = fill(text.slotNames[k]!, text.slotIds[k]!, parts as string[]);
    if (filled) parts.push(filled);
    for (let j = mark; j < parts.length; j++) size += Buffer.byteLength(parts[j] as string);
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const part of parts) {
    at +=
      typeof part === 'number'
        ? text.bytes.copy(out, at, text.textStart[part], text.textEnd[part])
        : out.write(part, at);
  }
  return out;
}
