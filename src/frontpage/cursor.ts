import { isId } from '../db/ids.js';
import { Invalid } from '../errors.js';

/**
 * Keyset cursors for "Load more": the sort key and id of the last item shown, plus the list they belong to,
 * so a cursor from one list is refused by another instead of silently skipping items.
 */
export interface Cursor {
  list: string;
  key: string | number;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.list, cursor.key, cursor.id])).toString('base64url');
}

export function decodeCursor(text: string | undefined, list: string): Cursor | undefined {
  if (text === undefined || text === '') return undefined;
  let parsed: unknown;
  try {
    parsed = text.length <= 300 ? JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) : undefined;
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    typeof parsed[0] !== 'string' ||
    !(typeof parsed[1] === 'string' || typeof parsed[1] === 'number') ||
    typeof parsed[2] !== 'string' ||
    !isId(parsed[2])
  ) {
    throw new Invalid('That "Load more" link is broken; start again from the first page.', {
      after: 'Malformed cursor.',
    });
  }
  if (parsed[0] !== list) {
    throw new Invalid('That "Load more" link belongs to another list; start again from the first page.', {
      after: 'Cursor from another list.',
    });
  }
  if (typeof parsed[1] === 'string' && Number.isNaN(Date.parse(parsed[1]))) {
    throw new Invalid('That "Load more" link is broken; start again from the first page.', {
      after: 'Malformed cursor.',
    });
  }
  return { list: parsed[0], key: parsed[1], id: parsed[2] };
}
