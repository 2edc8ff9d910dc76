import type { Queryable } from '../db/database.js';
import { liveTag, visiblePost } from '../policy/visibility.js';

/** A title, user or tag close to what was typed: for suggestions as one types and "did you mean". */
export interface Suggestion {
  kind: 'post' | 'user' | 'tag';
  label: string;
  href: string;
}

export interface SuggestionLimits {
  posts: number;
  users: number;
  tags: number;
}

/**
 * Titles, users and tags like `text`, the closest first in each kind, in one statement over the trigram indexes
 * of 0016: for what is being typed, those containing something like it (word similarity, `<%`); for a search
 * that found little, also those like it as a whole (similarity, `%`: a misspelled title).
 */
export async function suggestions(
  db: Queryable,
  text: string,
  limits: SuggestionLimits,
  mode: 'typing' | 'correction' = 'typing',
): Promise<Suggestion[]> {
  const like = (column: string) => (mode === 'typing' ? `$1 <% ${column}` : `($1 <% ${column} OR $1 % ${column})`);
  const closeness = (column: string) =>
    mode === 'typing'
      ? `word_similarity($1, ${column})`
      : `greatest(word_similarity($1, ${column}), similarity($1, ${column}))`;
  return db.query<Suggestion>(
    `(SELECT 'post' AS kind, p.title AS label, '/posts/' || p.id || '/' || p.slug AS href
        FROM posts p
       WHERE ${visiblePost('p')} AND ${like('p.title')}
       ORDER BY ${closeness('p.title')} DESC, p.published_at DESC, p.id
       LIMIT $2)
     UNION ALL
     (SELECT 'user', u.display_name || ' (@' || u.username || ')', '/users/' || u.username
        FROM users u
       WHERE ${like("(u.username || ' ' || u.display_name)")}
       ORDER BY ${closeness("(u.username || ' ' || u.display_name)")} DESC, u.karma DESC, u.id
       LIMIT $3)
     UNION ALL
     (SELECT 'tag', t.name, '/tags/' || t.slug
        FROM tags t
       WHERE ${liveTag('t')} AND ${like('t.name')}
       ORDER BY ${closeness('t.name')} DESC, t.post_count DESC, t.id
       LIMIT $4)`,
    [text, limits.posts, limits.users, limits.tags],
  );
}
