import { raw } from 'hono/html';
import type { FeedRef } from '../feeds/links.js';
import { FormError } from '../web/forms.js';
import { Layout, type PageContext } from '../web/layout.js';
import type { SearchTab } from './queries.js';
import { MAX_QUERY_CHARS } from './query.js';
import type { Suggestion } from './suggest.js';

/** What the reader asked for, as typed (re-shown in the form and carried by the tabs). */
export interface SearchInput {
  q: string;
  tab: SearchTab;
  author: string;
  tag: string;
  from: string;
  to: string;
}

export interface SearchResult {
  title: string;
  href: string;
  /** Our snippet: escaped text, MathML, <mark>s (built in snippets.ts, never from raw user HTML). */
  snippetHtml: string;
  date: Date | null;
  authorUsername: string | null;
  authorDisplayName: string | null;
  detail: string | null;
}

export interface SearchPageModel {
  input: SearchInput;
  /** Problems with a parameter, by its name (the page is answered 422). */
  errors: Record<string, string>;
  notices: string[];
  /** Undefined: nothing was searched (no query, or a problem). */
  results?: SearchResult[];
  nextHref?: string | undefined;
  didYouMean: Suggestion[];
  feed?: FeedRef | undefined;
}

const TAB_LABELS: Record<SearchTab, string> = {
  posts: 'Posts',
  comments: 'Comments',
  users: 'Users',
  tags: 'Tags',
  sequences: 'Sequences',
};
const KIND_LABELS: Record<Suggestion['kind'], string> = { post: 'post', user: 'user', tag: 'tag' };

/** The address of a search: the parameters that are set, in a fixed order. */
export function searchHref(input: SearchInput, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...input, ...extra })) {
    if (value && !(name === 'tab' && value === 'posts')) params.set(name, value);
  }
  return `/search?${params.toString()}`;
}

const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' });

function Help() {
  return (
    <div class="search-help">
      <p>Search posts, comments, users, tags and sequences. Words are matched in any form (“proving” finds “proof”).</p>
      <ul>
        <li>
          <code>"expected utility"</code> finds the words together; <code>bayes OR laplace</code> either word;{' '}
          <code>-frequentist</code> leaves out what contains a word.
        </li>
        <li>
          Formulas are searchable by their TeX: <code>\mathcal{'{B}'}</code> or <code>Delta(A)</code>.
        </li>
        <li>Narrow the results by author, tag (posts) or date with the filters.</li>
      </ul>
    </div>
  );
}

function Filters({ input, errors }: { input: SearchInput; errors: Record<string, string> }) {
  const open = Boolean(input.author || input.tag || input.from || input.to || Object.keys(errors).length > 0);
  const field = (name: 'author' | 'tag' | 'from' | 'to', label: string, type = 'text', hint?: string) => (
    <div class={errors[name] ? 'field field-invalid' : 'field'}>
      <label for={`search-${name}`}>{label}</label>
      <input
        id={`search-${name}`}
        name={name}
        type={type}
        value={input[name]}
        maxlength={type === 'text' ? 100 : undefined}
        placeholder={hint}
        aria-invalid={errors[name] ? 'true' : undefined}
        aria-describedby={errors[name] ? `search-${name}-error` : undefined}
      />
      {errors[name] ? (
        <p class="field-error" id={`search-${name}-error`}>
          {errors[name]}
        </p>
      ) : null}
    </div>
  );
  return (
    <details class="search-filters" open={open}>
      <summary>Filters</summary>
      {field('author', 'Author (username)')}
      {field('tag', 'Tag (as in its address, /tags/…)')}
      {field('from', 'From', 'date')}
      {field('to', 'To', 'date')}
    </details>
  );
}

function Result({ result }: { result: SearchResult }) {
  return (
    <li class="search-result">
      <h3 class="post-item-title">
        <a href={result.href}>{result.title}</a>
      </h3>
      <p class="post-meta">
        {result.authorUsername ? (
          <a href={`/users/${result.authorUsername}`}>{result.authorDisplayName ?? result.authorUsername}</a>
        ) : null}
        {result.authorUsername && result.date ? ' · ' : null}
        {result.date ? <time datetime={result.date.toISOString()}>{dateFormat.format(result.date)}</time> : null}
        {result.detail ? <> · {result.detail}</> : null}
      </p>
      {result.snippetHtml ? <p class="excerpt search-snippet">{raw(result.snippetHtml)}</p> : null}
    </li>
  );
}

export function SearchPage({ ctx, model }: { ctx: PageContext; model: SearchPageModel }) {
  const { input, errors } = model;
  const title = input.q ? `Search: ${input.q.slice(0, 80)}` : 'Search';
  const formMessage = Object.keys(errors).length > 0 ? Object.values(errors).join(' ') : undefined;
  return (
    <Layout ctx={ctx} title={title} math={false} feeds={model.feed ? [model.feed] : undefined}>
      <h1>Search</h1>
      <search>
        <form method="get" action="/search" class="search-form">
          <FormError message={formMessage} />
          <div class={errors.q ? 'field field-invalid' : 'field'}>
            <label for="search-q">Search for</label>
            <input
              id="search-q"
              name="q"
              type="search"
              value={input.q.slice(0, MAX_QUERY_CHARS)}
              maxlength={MAX_QUERY_CHARS}
              aria-invalid={errors.q ? 'true' : undefined}
              aria-describedby={errors.q ? 'search-q-error' : undefined}
            />
            {errors.q ? (
              <p class="field-error" id="search-q-error">
                {errors.q}
              </p>
            ) : null}
          </div>
          {input.tab === 'posts' ? null : <input type="hidden" name="tab" value={input.tab} />}
          <Filters input={input} errors={errors} />
          <button type="submit">Search</button>
        </form>
      </search>
      {input.q ? (
        <nav class="list-tabs search-tabs" aria-label="Search in">
          {(Object.keys(TAB_LABELS) as SearchTab[]).map((tab) => (
            <a href={searchHref(input, { tab })} aria-current={tab === input.tab ? 'page' : undefined}>
              {TAB_LABELS[tab]}
            </a>
          ))}
        </nav>
      ) : null}
      {model.notices.map((notice) => (
        <p class="search-notice" role="status">
          {notice}
        </p>
      ))}
      {model.didYouMean.length > 0 ? (
        <div class="search-did-you-mean">
          <h2>Did you mean</h2>
          <ul>
            {model.didYouMean.map((s) => (
              <li>
                <a href={s.href}>{s.label}</a> <span class="search-kind">({KIND_LABELS[s.kind]})</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {model.results === undefined ? (
        input.q ? null : (
          <Help />
        )
      ) : (
        <section aria-labelledby="search-results-heading">
          <h2 id="search-results-heading" class="visually-hidden">
            {TAB_LABELS[input.tab]} found
          </h2>
          {model.results.length === 0 ? (
            <p class="empty">No {TAB_LABELS[input.tab].toLowerCase()} match this search.</p>
          ) : (
            <ol class="search-results">
              {model.results.map((result) => (
                <Result result={result} />
              ))}
            </ol>
          )}
          {model.nextHref ? (
            <p class="load-more">
              <a href={model.nextHref}>More results</a>
            </p>
          ) : null}
        </section>
      )}
    </Layout>
  );
}
