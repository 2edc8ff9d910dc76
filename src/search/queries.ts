import type { Queryable } from '../db/database.js';
import type { SearchCursor } from './cursor.js';

export const SEARCH_TABS = ['posts', 'comments', 'users', 'tags', 'sequences'] as const;
export type SearchTab = (typeof SEARCH_TABS)[number];

/** Filters as ids and dates (routes resolve the names readers give). */
export interface SearchFilters {
  authorId?: string | undefined;
  tagId?: string | undefined;
  /** Inclusive lower bound. */
  from?: Date | undefined;
  /** Exclusive upper bound (the day after the reader's "to"). */
  until?: Date | undefined;
}

/** One result of any tab, shaped for the result list. */
export interface SearchHit {
  id: string;
  /** The sort key after the rank, exactly as PostgreSQL has it (the keyset cursor carries it back). */
  sortKey: string;
  rank: number;
  title: string;
  href: string;
  /** Sanitized HTML the snippet is cut from (the start of it). */
  html: string;
  date: Date | null;
  authorUsername: string | null;
  authorDisplayName: string | null;
  /** A comment's post title; a user's karma; a tag's or a sequence's post count. */
  detail: string | number | null;
}

/** Text of a body read for a snippet: a match further in gets a snippet from the start. */
export const SNIPPET_SCAN_CHARS = 60_000;
/**
 * Matches ranked per search: the newest this many (and, for posts, as many of those matching by title). Ranking
 * reads each match's whole vector, so a word found in most posts would cost a read of every post (seconds on a
 * large forum); the newest matches and the title matches are where the best results are.
 */
export const RANKED_CANDIDATES = 500;
// ts_rank (not _cd): a term's first occurrence counts fully and repeats less and less (1/n²), and titles come
// first in every vector, so a title match outranks any number of body matches; weights D, C, B, A.
const RANK = (vector: string) => `ts_rank('{0.1, 0.2, 0.4, 1.0}', ${vector}, $1::tsquery)`;
// Microseconds kept: a JavaScript Date would round them away and the next page would repeat or skip rows.
const EXACT = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

interface TabQuery {
  /** The searched table as `t`. */
  from: string;
  /** Comments: the candidates' posts must be visible too. */
  postVisible?: boolean;
  /** Visible rows (the condition of the tab's partial GIN index, 0016). */
  visible: string;
  /** The recency column breaking rank ties (and the date filters' column). */
  date: string;
  author?: string;
  /** Posts: matches by title too (an old post titled with the word is a candidate however many newer match). */
  titleMatch?: string;
  /** The shown row's tables, joined to the ranked ids `r`. */
  join: string;
  select: string;
}

const TABS: Record<SearchTab, TabQuery> = {
  posts: {
    from: 'posts t',
    visible: `t.status = 'published' AND t.deleted_at IS NULL`,
    date: 't.published_at',
    author: 't.author_id',
    titleMatch: `lyceum_search_vector('A', t.title) @@ $1::tsquery`,
    join: 'JOIN posts p ON p.id = r.id JOIN users u ON u.id = p.author_id',
    select: `p.title, '/posts/' || p.id || '/' || p.slug AS href, left(p.body_html, ${SNIPPET_SCAN_CHARS}) AS html,
      u.username AS "authorUsername", u.display_name AS "authorDisplayName", p.comment_count AS detail`,
  },
  comments: {
    from: 'comments t',
    visible: 'NOT t.deleted',
    // Checked on the ranked candidates only (by primary key), so no plan reads every post to join them.
    postVisible: true,
    date: 't.created_at',
    author: 't.author_id',
    join: 'JOIN comments c ON c.id = r.id JOIN posts p ON p.id = c.post_id JOIN users u ON u.id = c.author_id',
    select: `'Comment on “' || p.title || '”' AS title,
      '/posts/' || p.id || '/' || p.slug || '/comment/' || c.id AS href, left(c.body_html, ${SNIPPET_SCAN_CHARS}) AS html,
      u.username AS "authorUsername", u.display_name AS "authorDisplayName", p.title AS detail`,
  },
  users: {
    from: 'users t',
    visible: 'true',
    date: 't.created_at',
    join: 'JOIN users u ON u.id = r.id',
    select: `u.display_name AS title, '/users/' || u.username AS href, left(u.bio_html, ${SNIPPET_SCAN_CHARS}) AS html,
      u.username AS "authorUsername", u.display_name AS "authorDisplayName", u.karma AS detail`,
  },
  tags: {
    from: 'tags t',
    visible: 't.deleted_at IS NULL AND t.merged_into_id IS NULL',
    date: 't.created_at',
    join: 'JOIN tags g ON g.id = r.id',
    select: `g.name AS title, '/tags/' || g.slug AS href, left(g.description_html, ${SNIPPET_SCAN_CHARS}) AS html,
      NULL AS "authorUsername", NULL AS "authorDisplayName", g.post_count AS detail`,
  },
  sequences: {
    from: 'sequences t',
    visible: 't.post_count > 0',
    date: 't.created_at',
    author: 't.author_id',
    join: 'JOIN sequences s ON s.id = r.id JOIN users u ON u.id = s.author_id',
    select: `s.title, '/s/' || s.id AS href, left(s.description_html, ${SNIPPET_SCAN_CHARS}) AS html,
      u.username AS "authorUsername", u.display_name AS "authorDisplayName", s.post_count AS detail`,
  },
};

/** Whether a filter narrows this tab (users and tags have no author or date; only posts have tags). */
export function tabTakes(tab: SearchTab, filter: 'author' | 'tag' | 'date'): boolean {
  if (filter === 'tag') return tab === 'posts';
  return tab === 'posts' || tab === 'comments' || tab === 'sequences';
}

/**
 * One page of a tab's results for a compiled tsquery: best rank first, then newest, then id, continuing after
 * the cursor. One statement: the candidates (RANKED_CANDIDATES) come from the tab's partial GIN index or, for
 * a word most rows contain, from its newest-first index; they are ranked, and only the page's rows are read
 * whole (their HTML, for snippets).
 */
export async function searchTab(
  db: Queryable,
  tab: SearchTab,
  tsquery: string,
  filters: SearchFilters,
  limit: number,
  after?: SearchCursor,
): Promise<SearchHit[]> {
  const t = TABS[tab];
  const params: unknown[] = [tsquery];
  const where = [t.visible, 't.search_vector @@ $1::tsquery'];
  if (filters.authorId && t.author) {
    params.push(filters.authorId);
    where.push(`${t.author} = $${params.length}`);
  }
  if (filters.tagId && tabTakes(tab, 'tag')) {
    params.push(filters.tagId);
    where.push(
      `EXISTS (SELECT 1 FROM post_tags pt WHERE pt.post_id = t.id AND pt.tag_id = $${params.length} AND pt.relevance >= 0)`,
    );
  }
  if (filters.from && tabTakes(tab, 'date')) {
    params.push(filters.from);
    where.push(`${t.date} >= $${params.length}`);
  }
  if (filters.until && tabTakes(tab, 'date')) {
    params.push(filters.until);
    where.push(`${t.date} < $${params.length}`);
  }
  params.push(RANKED_CANDIDATES);
  const cap = `$${params.length}`;
  const branch = (extra: string) =>
    `(SELECT t.id, ${t.date} AS date, ${RANK('t.search_vector')} AS rank${t.postVisible ? ', t.post_id' : ''}
        FROM ${t.from} WHERE ${[...where, extra].join(' AND ')}
       ORDER BY ${t.date} DESC, t.id DESC LIMIT ${cap})`;
  const candidates = t.titleMatch ? `${branch('true')} UNION ${branch(t.titleMatch)}` : branch('true');
  // A scalar subquery, which the planner keeps as one lookup per candidate (an EXISTS it may turn into a join
  // reading every post).
  const kept = t.postVisible
    ? [`(SELECT true FROM posts tp WHERE tp.id = ranked.post_id AND tp.status = 'published' AND tp.deleted_at IS NULL)`]
    : [];
  if (after) {
    params.push(after.rank, after.key, after.id);
    const n = params.length;
    kept.push(`(rank, date, id) < ($${n - 2}::real, $${n - 1}::timestamptz, $${n})`);
  }
  const keyset = kept.length > 0 ? `WHERE ${kept.join(' AND ')}` : '';
  params.push(limit);
  return db.query<SearchHit>(
    `SELECT r.id, r.rank, ${EXACT('r.date')} AS "sortKey", r.date, ${t.select}
       FROM (SELECT id, date, rank
               FROM (${candidates}) AS ranked
              ${keyset}
              ORDER BY rank DESC, date DESC, id DESC
              LIMIT $${params.length}) AS r
       ${t.join}
      ORDER BY r.rank DESC, r.date DESC, r.id DESC`,
    params,
  );
}

/** The words among `words` whose English lexemes are among `lexemes` (no table read). */
export async function wordsMatching(db: Queryable, words: string[], lexemes: string[]): Promise<string[]> {
  if (words.length === 0 || lexemes.length === 0) return [];
  const rows = await db.query<{ word: string }>(
    `SELECT w AS word FROM unnest($1::text[]) AS w
      WHERE ts_lexize('english_stem', lower(w)) && $2::text[]`,
    [words, lexemes],
  );
  return rows.map((row) => row.word);
}

/** The newest published posts matching a tsquery, for the search feed. */
export async function newestMatchingPosts(db: Queryable, tsquery: string, limit: number) {
  return db.query<{
    id: string;
    slug: string;
    title: string;
    bodyHtml: string;
    excerpt: string;
    publishedAt: Date;
    updatedAt: Date;
    authorUsername: string;
    authorDisplayName: string;
  }>(
    `SELECT p.id, p.slug, p.title, p.body_html AS "bodyHtml", p.excerpt, p.published_at AS "publishedAt",
            p.updated_at AS "updatedAt", u.username AS "authorUsername", u.display_name AS "authorDisplayName"
       FROM posts p JOIN users u ON u.id = p.author_id
      WHERE p.status = 'published' AND p.deleted_at IS NULL AND p.search_vector @@ $1::tsquery
      ORDER BY p.published_at DESC, p.id DESC
      LIMIT $2`,
    [tsquery, limit],
  );
}

/** A user's id by name, any case (users_username_key). */
export async function userIdByName(db: Queryable, username: string): Promise<string | undefined> {
  const [row] = await db.query<{ id: string }>('SELECT id FROM users WHERE lower(username) = lower($1)', [username]);
  return row?.id;
}

/** A live tag's id and name by its slug (tags_slug_key). */
export async function tagBySlug(db: Queryable, slug: string): Promise<{ id: string; name: string } | undefined> {
  const [row] = await db.query<{ id: string; name: string }>(
    'SELECT id, name FROM tags WHERE slug = $1 AND deleted_at IS NULL AND merged_into_id IS NULL',
    [slug],
  );
  return row;
}
