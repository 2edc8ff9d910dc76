import { MENTION_CLASS, mentionCandidates } from '../content/mentions.js';
import type { Queryable } from '../db/database.js';

/**
 * The members a text's @mentions name, as stored (their usernames), for the renderer to link (RenderOptions
 * .mentions). One indexed query, and none for a text without an `@name` in it.
 */
export async function mentionableUsers(db: Queryable, markdown: string): Promise<string[]> {
  const names = mentionCandidates(markdown);
  if (names.length === 0) return [];
  const rows = await db.query<{ username: string }>('SELECT username FROM users WHERE lower(username) = ANY($1)', [
    names,
  ]);
  return rows.map((row) => row.username);
}

// What content/mentions.ts writes for a mention (the sanitizer keeps attributes in the order written).
const MENTION_LINK = new RegExp(`<a href="/users/([A-Za-z0-9_-]+)" class="${MENTION_CLASS}">`, 'g');

/** Who rendered HTML mentions (lowercased usernames): the links the renderer made, so never inside code or math. */
export function mentionedUsernames(html: string): string[] {
  if (!html.includes(MENTION_CLASS)) return [];
  return [...new Set([...html.matchAll(MENTION_LINK)].map((match) => match[1]!.toLowerCase()))];
}

/** The same, in SQL over a stored body (posts.body_html): for a post published later than it was rendered. */
export const MENTIONED_IN_SQL = (htmlColumn: string) =>
  `(SELECT lower(m[1]) FROM regexp_matches(${htmlColumn}, '<a href="/users/([A-Za-z0-9_-]+)" class="${MENTION_CLASS}">', 'g') AS m)`;
