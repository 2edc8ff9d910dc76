import type { Queryable } from '../db/database.js';
import { FEED_POST_COLUMNS, type FeedPost } from '../feeds/queries.js';
import { liveTag, visiblePost } from '../policy/visibility.js';
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

/**
 * Text of a body read for a snippet: a match further in gets a snippet from the start. Reading is most of a
 * snippet's cost when no match is found early (60,000 made formula searches 20 % slower on the synthetic forum).
 */
export const SNIPPET_SCAN_CHARS = 20_000;
/**
 * Matches ranked per search: the newest this many (and, for posts, as many of those matching by title). Ranking
 * reads each match's whole vector, so a word found in most posts would cost a read of every post (seconds on a
 * large forum); the newest matches and the title matches are where the best results are. Finding them costs in
 * proportion too (a phrase in 2 % of posts is looked for in 50 times as many rows): on the synthetic forum's
 * 100,000 posts, 500 took up to 180 ms a search and 100 takes about a fifth of that.
 */
export const RANKED_CANDIDATES = 100;
/**
 * When the candidates are all the matches, read through the GIN index and sorted, rather than the newest rows
 * tested one by one until enough match. The walk tests about RANKED_CANDIDATES / share rows, reading each one's
 * whole vector; the index path reads only the matching rows, and their vectors only to check a phrase's word
 * order (GIN keeps no positions). A row's vector costs about 8 times the rest of it (measured on the synthetic
 * forum), so the paths cost the same near √(8 × RANKED_CANDIDATES × rows) matches for words, near
 * √(RANKED_CANDIDATES × rows) for phrases.
 */
const VECTOR_READ_COST = 8;
/** How many of the newest rows a search whose words most rows hold tests at most (see searchTab). */
export const WALKED_ROWS = 10_000;
// ts_rank (not _cd): a term's first occurrence counts fully and repeats less and less (1/n²), and titles come
// first in every vector, so a title match outranks any number of body matches; weights D, C, B, A.
const RANK = (vector: string) => `ts_rank('{0.1, 0.2, 0.4, 1.0}', ${vector}, $1::tsquery)`;
// Microseconds kept: a JavaScript Date would round them away and the next page would repeat or skip rows.
const EXACT = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

interface TabQuery {
  /** The searched table. */
  table: string;
  /** Comments: the candidates' posts must be visible too. */
  postVisible?: boolean;
  /** Visible rows (the condition of the tab's partial GIN index, 0016). */
  visible: string;
  /** The recency column breaking rank ties (and the date filters' column). */
  date: string;
  author?: string;
  /** Posts: matches by title too (an old post titled with the word is a candidate however many newer match). */
  titleMatch?: string;
  /** Large tables: the table whose statistics choose the candidates' path (candidatePath). */
  pathChosen?: string;
  /**
   * Posts: a narrow copy of the visible rows' ids, authors, dates and vectors with the GIN index (migration 0027),
   * which every path but the newest-first walk reads: every match's row is read for its date, and a posts row is
   * about 4 KB. Title matches are read from posts (their own index).
   */
  narrow?: string;
  /** The shown row's tables, joined to the ranked ids `r`. */
  join: string;
  select: string;
}

const TABS: Record<SearchTab, TabQuery> = {
  posts: {
    table: 'posts',
    visible: visiblePost('t'),
    date: 't.published_at',
    author: 't.author_id',
    titleMatch: `lyceum_search_vector('A', t.title) @@ $1::tsquery`,
    pathChosen: 'posts',
    narrow: 'post_search',
    join: 'JOIN posts p ON p.id = r.id JOIN users u ON u.id = p.author_id',
    select: `p.title, '/posts/' || p.id || '/' || p.slug AS href, left(p.body_html, ${SNIPPET_SCAN_CHARS}) AS html,
      u.username AS "authorUsername", u.display_name AS "authorDisplayName", p.comment_count AS detail`,
  },
  comments: {
    table: 'comments',
    visible: 'NOT t.deleted',
    // Checked on the ranked candidates only (by primary key), so no plan reads every post to join them.
    postVisible: true,
    pathChosen: 'comments',
    date: 't.created_at',
    author: 't.author_id',
    join: 'JOIN comments c ON c.id = r.id JOIN posts p ON p.id = c.post_id JOIN users u ON u.id = c.author_id',
    select: `'Comment on “' || p.title || '”' AS title,
      '/posts/' || p.id || '/' || p.slug || '/comment/' || c.id AS href, left(c.body_html, ${SNIPPET_SCAN_CHARS}) AS html,
      u.username AS "authorUsername", u.display_name AS "authorDisplayName", p.title AS detail`,
  },
  users: {
    table: 'users',
    visible: 'true',
    date: 't.created_at',
    join: 'JOIN users u ON u.id = r.id',
    select: `u.display_name AS title, '/users/' || u.username AS href, left(u.bio_html, ${SNIPPET_SCAN_CHARS}) AS html,
      u.username AS "authorUsername", u.display_name AS "authorDisplayName", u.karma AS detail`,
  },
  tags: {
    table: 'tags',
    visible: liveTag('t'),
    date: 't.created_at',
    join: 'JOIN tags g ON g.id = r.id',
    select: `g.name AS title, '/tags/' || g.slug AS href, left(g.description_html, ${SNIPPET_SCAN_CHARS}) AS html,
      NULL AS "authorUsername", NULL AS "authorDisplayName", g.post_count AS detail`,
  },
  sequences: {
    table: 'sequences',
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
 * the cursor. One statement (after a catalog read choosing the candidates' path, candidatePath): the candidates
 * (RANKED_CANDIDATES) come from the tab's partial GIN index or, for a word many rows contain, from its
 * newest-first index; they are ranked, and only the page's rows are read whole (their HTML, for snippets).
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
  const filtered = Boolean((filters.authorId && t.author) || (filters.tagId && tabTakes(tab, 'tag')));
  const path = t.pathChosen && !filtered ? await candidatePath(db, t.pathChosen, tsquery) : 'planner';
  const params: unknown[] = [tsquery];
  // The function form of @@ is one no index answers: the newest rows are walked in order and tested.
  const where = [
    t.visible,
    path === 'newest' ? 'ts_match_vq(t.search_vector, $1::tsquery)' : 't.search_vector @@ $1::tsquery',
  ];
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
  const postId = t.postVisible ? ', post_id' : '';
  // Ranked once the candidates are chosen: ranking reads the whole vector, and the index path sorts every match.
  // On that path the order is an expression, so the planner cannot turn it back into a walk of the newest rows.
  // The walk has read each row's vector already; otherwise the candidates are sorted as ids and dates (every
  // match's vector in the sort made it half the statement's time) and only the chosen ones' vectors are read.
  // A table's rows are sorted and joined back; the walk's subquery (`walked`) is sorted with its vectors.
  const branch = (conditions: string[], order: string, table: string | null = t.table) =>
    table
      ? `(SELECT c.id, c.date, ${RANK('v.search_vector')} AS rank${postId ? ', c.post_id' : ''}
            FROM (SELECT t.id, ${t.date} AS date${postId ? ', t.post_id' : ''}
                    FROM ${table} t WHERE ${conditions.join(' AND ')}
                   ORDER BY ${order} DESC, t.id DESC LIMIT ${cap}) AS c
            JOIN ${table} v ON v.id = c.id)`
      : `(SELECT id, date, ${RANK('vector')} AS rank${postId}
            FROM (SELECT t.id, ${t.date} AS date, t.search_vector AS vector${postId ? ', t.post_id' : ''}
                    FROM ${walked} WHERE ${conditions.join(' AND ')}
                   ORDER BY ${order} DESC, t.id DESC LIMIT ${cap}) AS c)`;
  // The walk is bounded: words most rows hold can still make a phrase no row holds, and an unbounded walk then
  // tests every row (45 s over 2M comments). Such a search looks among the newest WALKED_ROWS rows only.
  // Only the columns the match and the candidates need come out of it (the other conditions are applied inside).
  const walked =
    path === 'newest'
      ? `(SELECT t.id, ${t.date}, t.search_vector${postId ? ', t.post_id' : ''}
            FROM ${t.table} t WHERE ${where.filter((_, i) => i !== 1).join(' AND ')}
           ORDER BY ${t.date} DESC, t.id DESC LIMIT ${WALKED_ROWS}) AS t`
      : undefined;
  const order = path === 'index' ? `${t.date} + interval '0 s'` : t.date;
  // A title's vector is the start of the post's, so a title matching all of the query's words and phrases is a
  // match (a query leaving a word out is tested on the whole vector: the body may hold the word).
  const titled = ALL_OF.test(tsquery) ? where.filter((_, i) => i !== 1) : where;
  // A phrase on the index path: the rows holding all of its words, newest first, each tested for the phrase on
  // its own vector until enough match. Testing every match (the GIN index keeps no positions, so each one's
  // vector is read) took 15 to 45 ms for a formula such as \begin{pmatrix} on the synthetic forum; 7 ms so.
  const phrased = (narrow: string) => {
    params.push(tsquery.replace(PHRASE_OPERATOR, (_operator, quoted?: string) => quoted ?? '&'));
    const conditions = [`t.search_vector @@ $${params.length}::tsquery`, ...where.slice(2)];
    return `(SELECT c.id, c.date, ${RANK('v.search_vector')} AS rank
               FROM (SELECT t.id, ${t.date} AS date, ${order} AS sorted
                       FROM ${narrow} t WHERE ${conditions.join(' AND ')}
                      ORDER BY sorted DESC, t.id DESC LIMIT ${WALKED_ROWS}) AS c
               JOIN ${t.table} v ON v.id = c.id
              WHERE ts_match_vq(v.search_vector, $1::tsquery)
              ORDER BY c.sorted DESC, c.id DESC LIMIT ${cap})`;
  };
  // The narrow copy holds visible rows only.
  const newest = walked
    ? branch([where[1]!], order, null)
    : t.narrow
      ? path === 'index' && isPhrase(tsquery)
        ? phrased(t.narrow)
        : branch(where.slice(1), order, t.narrow)
      : branch(where, order);
  const candidates = t.titleMatch ? `${newest} UNION ${branch([...titled, t.titleMatch], t.date)}` : newest;
  // A scalar subquery, which the planner keeps as one lookup per candidate (an EXISTS it may turn into a join
  // reading every post).
  const kept = t.postVisible
    ? [`(SELECT true FROM posts tp WHERE tp.id = ranked.post_id AND ${visiblePost('tp')})`]
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

/** How a tab's candidates are read: the newest rows tested in order, every match through the GIN index, or as planned. */
export type CandidatePath = 'newest' | 'index' | 'planner';

// A tsquery of words and phrases only (no OR, NOT, prefix or weight): every match holds all of its lexemes.
const ALL_OF = /^'(?:[^']|'')*'(?: (?:&|<->|<\d+>) '(?:[^']|'')*')*$/;
const QUOTED = /'((?:[^']|'')*)'/g;
/** A phrase's operators (<-> and <N>), outside its quoted lexemes, which the first group takes. */
const PHRASE_OPERATOR = /('(?:[^']|'')*')|<(?:-|\d+)>/g;
/** Whether a tsquery of ALL_OF's form holds a phrase (as PostgreSQL writes them, operators have spaces around). */
const isPhrase = (tsquery: string) => tsquery.includes(' <');

/**
 * The candidates' path for a tsquery, from the share of rows holding its rarest lexeme in the statistics ANALYZE
 * keeps of the table's vectors: at most that many rows match. The planner cannot weigh this itself: it counts
 * none of the cost of reading a vector, and it takes the words of a phrase as independent (on the synthetic
 * forum, 10 to 20 times too few matches for a formula). As planned when the query is not all of its lexemes or
 * the table has no statistics yet.
 */
export async function candidatePath(db: Queryable, table: string, tsquery: string): Promise<CandidatePath> {
  if (!ALL_OF.test(tsquery)) return 'planner';
  const stats = await vectorStatistics(db, table);
  if (!stats) return 'planner';
  const lexemes = [...tsquery.matchAll(QUOTED)].map((m) => m[1]!.replace(/''/g, "'"));
  const matches = Math.min(...lexemes.map((lexeme) => stats.shares.get(lexeme) ?? stats.otherShare)) * stats.rows;
  const cost = isPhrase(tsquery) ? 1 : VECTOR_READ_COST;
  return matches <= Math.sqrt(cost * RANKED_CANDIDATES * stats.rows) ? 'index' : 'newest';
}

/** What candidatePath reads of a table's statistics: each common lexeme's share of rows, and the rows. */
interface VectorStatistics {
  shares: Map<string, number>;
  /** A lexeme missing from the common ones gets what PostgreSQL gives it (tsquery_opr_selec). */
  otherShare: number;
  rows: number;
  until: number;
}

/** How long a process keeps a table's statistics (ANALYZE changes them, rarely): a catalog read per search saved. */
const STATISTICS_KEPT_MS = 60_000;
const statisticsKept = new WeakMap<Queryable, Map<string, VectorStatistics>>();

async function vectorStatistics(db: Queryable, table: string): Promise<VectorStatistics | undefined> {
  let tables = statisticsKept.get(db);
  if (!tables) {
    tables = new Map();
    statisticsKept.set(db, tables);
  }
  const kept = tables.get(table);
  if (kept && kept.until > Date.now()) return kept;
  const [row] = await db.query<{ elems: string[] | null; freqs: (number | string)[] | null; rows: number | string }>(
    `SELECT s.most_common_elems::text::text[] AS elems, s.most_common_elem_freqs AS freqs, c.reltuples AS rows
       FROM pg_stats s CROSS JOIN pg_class c
      WHERE s.schemaname = current_schema() AND s.tablename = $1 AND s.attname = 'search_vector'
        AND c.oid = $1::text::regclass`,
    [table],
  );
  const rows = Number(row?.rows ?? 0);
  // None yet: not kept, so the first ANALYZE is used at once.
  if (!row || !(rows > 0)) return undefined;
  const elems = row.elems ?? [];
  // The frequencies of the common lexemes, then their least and greatest and the share of empty vectors.
  const freqs = (row.freqs ?? []).map(Number);
  const statistics = {
    shares: new Map(elems.map((lexeme, i) => [lexeme, freqs[i]!])),
    otherShare: Math.min(0.005, (freqs.at(-3) ?? Number.POSITIVE_INFINITY) / 2),
    rows,
    until: Date.now() + STATISTICS_KEPT_MS,
  };
  tables.set(table, statistics);
  return statistics;
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
export async function newestMatchingPosts(db: Queryable, tsquery: string, limit: number): Promise<FeedPost[]> {
  return db.query<FeedPost>(
    `SELECT ${FEED_POST_COLUMNS}
       FROM (SELECT s.id FROM post_search s WHERE s.search_vector @@ $1::tsquery
              ORDER BY s.published_at DESC, s.id DESC LIMIT $2) AS found
       JOIN posts p ON p.id = found.id JOIN users u ON u.id = p.author_id
      ORDER BY p.published_at DESC, p.id DESC`,
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
    `SELECT id, name FROM tags WHERE slug = $1 AND ${liveTag()}`,
    [slug],
  );
  return row;
}
