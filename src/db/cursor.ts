import { z } from 'zod';
import { Invalid } from '../errors.js';
import { isId } from './ids.js';

/**
 * Keyset cursors for "Load more" (post lists, Recent Discussion, profiles, sequences): the sort key and id of
 * the last item shown, plus the list they belong to, so a cursor from one list is refused by another instead of
 * silently skipping items.
 */
export interface Cursor {
  list: string;
  /** A timestamp (ISO 8601) or a number (a score). */
  key: string | number;
  id: string;
}

const MAX_CURSOR_CHARS = 300;
const BROKEN = 'That "Load more" link is broken; start again from the first page.';

const cursorShape = z.tuple([
  z.string(),
  z.union([z.string().refine((text) => !Number.isNaN(Date.parse(text))), z.number().finite()]),
  z.string().refine(isId),
]);

/** What a cursor parameter holds (base64url JSON), or undefined when it is too long or not that. */
export function cursorJson(text: string): unknown {
  if (text.length > MAX_CURSOR_CHARS) return undefined;
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.list, cursor.key, cursor.id])).toString('base64url');
}

/** The cursor in an `after` parameter, for the list named `list`; a broken or foreign one is refused (422). */
export function decodeCursor(text: string | undefined, list: string): Cursor | undefined {
  if (text === undefined || text === '') return undefined;
  const parsed = cursorShape.safeParse(cursorJson(text));
  if (!parsed.success) throw new Invalid(BROKEN, { after: 'Malformed cursor.' });
  const [owner, key, id] = parsed.data;
  if (owner !== list) {
    throw new Invalid('That "Load more" link belongs to another list; start again from the first page.', {
      after: 'Cursor from another list.',
    });
  }
  return { list: owner, key, id };
}
