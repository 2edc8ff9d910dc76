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
