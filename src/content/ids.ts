import { randomBytes } from 'node:crypto';

// Ids in content come from two places: the renderer (heading anchors, footnotes) and raw HTML an author writes
// (`<h2 id="main">`). The author's could collide with the page's own ids (`main`, `comment-…`) and with the
// renderer's, so the sanitizer prefixes them with USER_ID_PREFIX, as GitHub does. To tell the two apart, the
// renderer writes its ids (and links to them) with a per-render marker that author text cannot contain; the
// sanitizer removes it.

/** Prefix of every id written in an author's raw HTML, after sanitizing. */
export const USER_ID_PREFIX = 'user-content-';

/** Render-env key of the marker (a string) that tags the renderer's own ids. */
export const OWN_ID_MARKER = Symbol('lyceum.ownIdMarker');

// Five random characters of the private use area (12.6 bits each, 63 in all): short, because every heading
// and footnote id carries the marker through the sanitizer, and unguessable.
const MARKER_ALPHABET_START = 0xe100;
const MARKER_ALPHABET_SIZE = 0xf900 - MARKER_ALPHABET_START;
const MARKER_CHARS = 5;

/** A fresh marker for one render. */
export function ownIdMarker(): string {
  const random = randomBytes(2 * MARKER_CHARS);
  let marker = '';
  for (let i = 0; i < MARKER_CHARS; i++) {
    marker += String.fromCharCode(MARKER_ALPHABET_START + (random.readUInt16BE(2 * i) % MARKER_ALPHABET_SIZE));
  }
  return marker;
}

/** The id (or id fragment) as the renderer writes it: tagged with the render's marker when there is one. */
export function ownId(env: Record<symbol, unknown> | undefined, id: string): string {
  const marker = env?.[OWN_ID_MARKER];
  return typeof marker === 'string' ? `${marker}${id}` : id;
}
