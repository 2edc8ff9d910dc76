import { createHash } from 'node:crypto';
import { z } from 'zod';
import { cursorJson } from '../db/cursor.js';
import { isId } from '../db/ids.js';
import { Invalid } from '../errors.js';

/**
 * The keyset cursor of a search's "More results" (db/cursor.ts's pattern with two sort keys): the rank, the
 * recency key and the id of the last result shown, and which search it belongs to (tab, query and filters,
 * hashed), so a cursor carried over to another search is refused instead of silently skipping results.
 */
export interface SearchCursor {
  search: string;
  rank: number;
  /** The last result's date exactly as PostgreSQL has it (ISO 8601 with microseconds). */
  key: string;
  id: string;
}

const shape = z.tuple([
  z.string().max(32),
  z.number().finite().min(0),
  z.string().refine((text) => !Number.isNaN(Date.parse(text))),
  z.string().refine(isId),
]);

/** What a cursor names: the same tab, query and filters give the same name. */
export function searchName(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

export function encodeSearchCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify([cursor.search, cursor.rank, cursor.key, cursor.id])).toString('base64url');
}

/** The cursor in `after` for the search named `search`; a broken or foreign one is refused (422, naming `after`). */
export function decodeSearchCursor(text: string | undefined, search: string): SearchCursor | undefined {
  if (text === undefined || text === '') return undefined;
  const parsed = shape.safeParse(cursorJson(text));
  if (!parsed.success) {
    throw new Invalid('That "More results" link is broken; start again from the first page.', {
      after: 'Malformed cursor.',
    });
  }
  const [owner, rank, key, id] = parsed.data;
  if (owner !== search) {
    throw new Invalid('That "More results" link belongs to another search; start again from the first page.', {
      after: 'Cursor from another search.',
    });
  }
  return { search: owner, rank, key, id };
}
