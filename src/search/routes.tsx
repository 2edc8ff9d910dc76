import { type Context, Hono } from 'hono';
import { USERNAME_PATTERN } from '../accounts/validation.js';
import { AppError } from '../errors.js';
import type { FeedRef } from '../feeds/links.js';
import type { AppEnv } from '../web/context.js';
import { pageContext, sendHtml } from '../web/page.js';
import { decodeSearchCursor, encodeSearchCursor, type SearchCursor, searchName } from './cursor.js';
import { searchFeedPaths, searchFeedRoutes } from './feed.js';
import {
  SEARCH_TABS,
  type SearchFilters,
  type SearchTab,
  SNIPPET_SCAN_CHARS,
  searchTab,
  tabTakes,
  tagBySlug,
  userIdByName,
} from './queries.js';
import { compileQuery, MAX_QUERY_CHARS } from './query.js';
import { snippetsFor } from './snippets.js';
import { type Suggestion, suggestions } from './suggest.js';
import { type SearchInput, SearchPage, type SearchPageModel, searchHref } from './views.js';

const PAGE_SIZE = 20;
/** Fewer results than this on a first page bring "did you mean" suggestions. */
const FEW_RESULTS = 3;
const DID_YOU_MEAN = { posts: 3, users: 2, tags: 2 };
const MAX_FILTER_CHARS = 100;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TAG_SLUG = /^[\p{Ll}\p{N}-]+$/u;

/** The day a yyyy-mm-dd names (UTC), or undefined when it names none (2025-02-30 included). */
function parseDay(text: string): Date | undefined {
  if (!DATE.test(text)) return undefined;
  const day = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== text ? undefined : day;
}

const DAY_MS = 86_400_000;

/** The search's parameters as typed, and the problems found in them, each under its parameter's name. */
async function readParameters(c: Context<AppEnv>) {
  const query = c.req.query();
  const text = (name: string) => (query[name] ?? '').trim();
  const rawTab = text('tab') || 'posts';
  const input: SearchInput = {
    q: text('q'),
    tab: (SEARCH_TABS as readonly string[]).includes(rawTab) ? (rawTab as SearchTab) : 'posts',
    author: text('author').replace(/^@/, ''),
    tag: text('tag'),
    from: text('from'),
    to: text('to'),
  };
  const errors: Record<string, string> = {};
  const notices: string[] = [];
  if (input.tab !== rawTab) errors.tab = `There is no “${rawTab.slice(0, 40)}” tab: use ${SEARCH_TABS.join(', ')}.`;
  if (input.q.length > MAX_QUERY_CHARS) {
    errors.q = `The search is ${input.q.length.toLocaleString('en')} characters long; the limit is ${MAX_QUERY_CHARS}.`;
  }
  const filters: SearchFilters = {};
  const { db } = c.get('deps');
  if (input.author) {
    const id =
      input.author.length <= MAX_FILTER_CHARS && USERNAME_PATTERN.test(input.author)
        ? await userIdByName(db, input.author)
        : undefined;
    if (id) filters.authorId = id;
    else errors.author = `There is no user named “${input.author.slice(0, 40)}”.`;
  }
  if (input.tag) {
    const tag =
      input.tag.length <= MAX_FILTER_CHARS && TAG_SLUG.test(input.tag) ? await tagBySlug(db, input.tag) : undefined;
    if (tag) filters.tagId = tag.id;
    else errors.tag = `There is no tag “${input.tag.slice(0, 40)}”.`;
  }
  for (const name of ['from', 'to'] as const) {
    if (!input[name]) continue;
    const day = parseDay(input[name]);
    if (!day) errors[name] = `“${input[name].slice(0, 40)}” is not a date; write it as 2025-01-31.`;
    else if (name === 'from') filters.from = day;
    else filters.until = new Date(day.getTime() + DAY_MS);
  }
  if (filters.from && filters.until && filters.from >= filters.until) {
    errors.to = 'The end of the date range comes before its start.';
  }
  const ignored = (['author', 'tag', 'date'] as const).filter(
    (f) => !tabTakes(input.tab, f) && (f === 'date' ? input.from || input.to : input[f]),
  );
  if (ignored.length > 0 && Object.keys(errors).length === 0) {
    notices.push(
      `The ${ignored.join(' and ')} filter${ignored.length > 1 ? 's do' : ' does'} not apply to ${input.tab}.`,
    );
  }
  return { input, errors, notices, filters };
}

export const searchRoutes = new Hono<AppEnv>();

/**
 * Search results are not cached: almost every query is asked once, so cached pages would crowd out the
 * frontpage and posts, and a fresh answer is a few indexed statements (the page is never stale).
 */
searchRoutes.get('/search', async (c) => {
  const { db } = c.get('deps');
  const { input, errors, notices, filters } = await readParameters(c);
  const model: SearchPageModel = { input, errors, notices, didYouMean: [] };
  const send = (status: 200 | 422) => sendHtml(c, <SearchPage ctx={pageContext(c)} model={model} />, status);
  if (Object.keys(errors).length > 0) return send(422);
  if (!input.q) return send(200);

  const compiled = await compileQuery(db, input.q);
  if (!compiled.indexable) {
    notices.push(
      compiled.tsquery === ''
        ? 'There is nothing to search for in that: only very common words (such as “the” or “a”) or search operators. Add a word.'
        : 'That search only leaves words out; add a word to look for.',
    );
    return send(200);
  }
  const name = searchName([input.tab, compiled.tsquery, input.author, input.tag, input.from, input.to]);
  let after: SearchCursor | undefined;
  try {
    after = decodeSearchCursor(c.req.query('after'), name);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    model.errors = { after: error.message };
    return send(422);
  }
  const rows = await searchTab(db, input.tab, compiled.tsquery, filters, PAGE_SIZE + 1, after);
  const hits = rows.slice(0, PAGE_SIZE);
  const snippets = await snippetsFor(
    db,
    hits.map((hit) => hit.html ?? ''),
    compiled,
    SNIPPET_SCAN_CHARS,
  );
  model.results = hits.map((hit, i) => ({
    title: hit.title,
    href: hit.href,
    snippetHtml: snippets[i] ?? '',
    date: hit.date,
    authorUsername: hit.authorUsername,
    authorDisplayName: hit.authorDisplayName,
    detail: detailOf(input.tab, hit.detail),
  }));
  const last = hits.at(-1);
  if (rows.length > PAGE_SIZE && last) {
    const cursor = encodeSearchCursor({ search: name, rank: last.rank, key: last.sortKey, id: last.id });
    model.nextHref = searchHref(input, { after: cursor });
  }
  if (!after && hits.length < FEW_RESULTS) model.didYouMean = await didYouMean(c, input.q);
  if (input.tab === 'posts') model.feed = searchFeedRef(input.q);
  return send(200);
});

/** Close titles, users and tags, for a search that found little (itself left out). */
async function didYouMean(c: Context<AppEnv>, q: string): Promise<Suggestion[]> {
  const found = await suggestions(c.get('deps').db, q, DID_YOU_MEAN, 'correction');
  return found.filter((s) => s.label.toLowerCase() !== q.toLowerCase());
}

function detailOf(tab: SearchTab, detail: string | number | null): string | null {
  if (detail === null) return null;
  const n = Number(detail);
  if (tab === 'posts') return n === 1 ? '1 comment' : `${n} comments`;
  if (tab === 'users') return `${n} karma`;
  if (tab === 'tags' || tab === 'sequences') return n === 1 ? '1 post' : `${n} posts`;
  return null;
}

function searchFeedRef(q: string): FeedRef {
  return { title: `Search “${q.slice(0, 80)}”`, paths: searchFeedPaths(q) };
}

/** Suggestions as one types; JSON for the header's search box. */
const SUGGEST_MIN_CHARS = 2;
const SUGGEST_MAX_CHARS = 100;
const SUGGEST_LIMITS = { posts: 5, users: 3, tags: 3 };

searchRoutes.get('/api/search/suggest', async (c) => {
  const q = (c.req.query('q') ?? '').trim();
  if (q.length > SUGGEST_MAX_CHARS) {
    throw new AppError(422, `q is ${q.length} characters long; suggestions take at most ${SUGGEST_MAX_CHARS}.`, {
      q: `At most ${SUGGEST_MAX_CHARS} characters.`,
    });
  }
  c.header('Cache-Control', 'no-store');
  if (q.length < SUGGEST_MIN_CHARS) return c.json({ suggestions: [] });
  return c.json({ suggestions: await suggestions(c.get('deps').db, q, SUGGEST_LIMITS) });
});

searchRoutes.route('/', searchFeedRoutes);
