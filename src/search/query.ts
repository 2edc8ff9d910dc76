import type { Queryable } from '../db/database.js';

/** Longest query accepted; longer ones are refused with a message (422), not cut silently. */
export const MAX_QUERY_CHARS = 500;

/**
 * A reader's query, split for the two halves of each search vector (migration 0016): prose for the 'english'
 * configuration, in websearch syntax ("phrase", OR, -exclude), and formulas for the 'simple' one, each a phrase
 * (TeX such as `\Delta(A)` must keep its `a`, which English drops as a stopword).
 */
export interface QueryParts {
  prose: string;
  math: { tex: string; negated: boolean }[];
}

// TeX-looking: a command, braces, sub/superscripts, or a function application such as f(x).
const TEX_LIKE = /\\[a-zA-Z]|[{}^_=]|[\p{L}\p{N}]\(/u;
const SPACELESS_RUN = /[぀-ヿ㐀-䶿一-鿿豈-﫿]+/gu;

/** A run of a spaceless script as its characters, spaced (how 0016 indexes it), quoted unless inside quotes. */
function spaceRuns(text: string, quoted: boolean): string {
  return text.replace(SPACELESS_RUN, (run) => {
    const spaced = [...run].join(' ');
    return quoted || run.length === 1 ? ` ${spaced} ` : ` "${spaced}" `;
  });
}

/** Splits a query into prose (websearch syntax kept) and formulas. */
export function splitQuery(query: string): QueryParts {
  const prose: string[] = [];
  const math: QueryParts['math'] = [];
  // Quoted phrases (an unclosed quote runs to the end, as websearch_to_tsquery reads it) and bare words.
  for (const match of query.matchAll(/(-?)"([^"]*)"?|(\S+)/gu)) {
    const [, minus, phrase, word] = match;
    if (phrase !== undefined) {
      if (TEX_LIKE.test(phrase)) math.push({ tex: phrase.replace(/\$/g, ' '), negated: minus === '-' });
      else prose.push(`${minus}"${spaceRuns(phrase, true).trim()}"`);
      continue;
    }
    const negated = word!.startsWith('-') && word!.length > 1;
    const bare = negated ? word!.slice(1) : word!;
    if (TEX_LIKE.test(bare)) math.push({ tex: bare.replace(/\$/g, ' '), negated });
    else prose.push(spaceRuns(word!, false));
  }
  return { prose: prose.join(' ').trim(), math };
}

/** The query compiled by PostgreSQL: its tsquery (as text), and the lexemes of its positive terms. */
export interface CompiledQuery {
  /** tsquery text; '' when the query has no searchable word (stopwords, operators only). */
  tsquery: string;
  /** Some term is not excluded, so the indexes can answer it (a query of exclusions only would read everything). */
  indexable: boolean;
  /** Lexemes of the terms not excluded (to mark in snippets), prose and formula alike. */
  lexemes: string[];
  /** Each formula term as its lexemes in order ('simple' configuration), to mark formulas in snippets. */
  mathTerms: string[][];
}

const LEXEME = /'((?:[^']|'')*)'/g;

function lexemesOf(tsquery: string): string[] {
  return [...new Set([...tsquery.matchAll(LEXEME)].map((m) => m[1]!.replace(/''/g, "'")))];
}

/** Compiles a query in one round trip that reads no table. */
export async function compileQuery(db: Queryable, query: string): Promise<CompiledQuery> {
  const parts = splitQuery(query);
  const params: unknown[] = [parts.prose];
  const terms = parts.math.map(({ tex, negated }) => {
    params.push(tex);
    return `${negated ? '!!' : ''}phraseto_tsquery('simple', $${params.length})`;
  });
  const positive = parts.math.filter((term) => !term.negated).map((term) => term.tex);
  const expression = [`websearch_to_tsquery('english', $1)`, ...terms].join(' && ');
  const [row] = await db.query<{ tsquery: string; tree: string }>(
    `SELECT q::text AS tsquery, querytree(q) AS tree FROM (SELECT ${expression} AS q) AS compiled`,
    params,
  );
  const tsquery = row?.tsquery ?? '';
  const tree = row?.tree ?? '';
  return {
    tsquery,
    indexable: tsquery !== '' && tree !== 'T' && tree !== '',
    lexemes: lexemesOf(tree),
    // The simple parser keeps every token, so the words in order are the TeX's tokens lowercased.
    mathTerms: positive.map(texTokens),
  };
}

/** The tokens PostgreSQL's 'simple' configuration makes of TeX, near enough for marking: lowercased words. */
export function texTokens(tex: string): string[] {
  return [...tex.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)].map((m) => m[0]);
}
