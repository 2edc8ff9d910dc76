-- Full-text search (src/search): a weighted tsvector per searchable row, kept by PostgreSQL itself as a STORED
-- generated column, so every way a row is written (services, rerender, the synthetic loader, an import) keeps
-- it right with no code; GIN indexes over visible rows only; trigram indexes for suggestions and "did you mean".
--
-- The vectors are made from the Markdown a writer typed, not the stored HTML (whose typeset formulas repeat
-- every symbol three times). Two kinds of Markdown noise are taken out first: link targets and bare URLs (a
-- reader never sees them as words; they added long one-off lexemes and length that diluted ranking), and
-- formulas, which are indexed apart with the 'simple' configuration: no stemming and no stopwords, so the TeX
-- `\Delta(A)` keeps its `a` (an English stopword) and `\mathcal{B}` is the phrase mathcal·b (see
-- src/search/query.ts for the query side). Characters of scripts written without spaces (Chinese, Japanese)
-- are indexed one by one, so a word of them is found as a phrase inside a longer run.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- A Markdown text cut at its math delimiters ($, $$, \( \), \[ \]): pieces at odd places (1, 3, …) are prose,
-- at even places formulas. Plain string functions, linear in the length: regular expressions that look for a
-- closing delimiter rescan the rest of the text from every unclosed opener (seconds for a long post of "\(").
-- Approximate by design: an unpaired currency dollar swaps prose and formulas up to the next one, which are
-- then still found, only not stemmed. Environments (\begin{align}…) stay prose: found by their words.
CREATE FUNCTION lyceum_search_pieces(markdown text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT string_to_array(
    replace(replace(replace(replace(replace(replace(markdown, '\$', ' '), '$$', '$'), '\(', '$'), '\)', '$'),
            '\[', '$'), '\]', '$'),
    '$')
$fn$;

-- Prose as its words: link targets and bare URLs taken out, each character of a spaceless script a word. Every
-- pattern stops at the first character it cannot take, so these stay linear too.
CREATE FUNCTION lyceum_search_prose(prose text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT regexp_replace(
    regexp_replace(
      regexp_replace(prose, '\]\([^()\[\]\s]*\)', '] ', 'g'),
      'https?://[^\s<>()\[\]]*', ' ', 'g'),
    '([぀-ヿ㐀-䶿一-鿿豈-﫿])', ' \1 ', 'g')
$fn$;

-- Weights: A for names and titles, B for a post's headings, C for bodies and descriptions (D is left unused).
-- Its search_path is fixed: PostgreSQL 17 and later (PGlite) build index expressions with a search_path of
-- pg_catalog only, where the functions above would not be found.
CREATE FUNCTION lyceum_search_vector(weight "char", markdown text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $fn$
  SELECT setweight(to_tsvector('english'::regconfig,
                               lyceum_search_prose(coalesce(string_agg(piece, ' ') FILTER (WHERE n % 2 = 1), ''))),
                   weight)
      || setweight(to_tsvector('simple'::regconfig, coalesce(string_agg(piece, ' ') FILTER (WHERE n % 2 = 0), '')),
                   weight)
    FROM unnest(lyceum_search_pieces(markdown)) WITH ORDINALITY AS t(piece, n)
$fn$;

-- Kept in the row (STORAGE MAIN: compressed, moved out of line only when nothing else can be): ranking reads the
-- vector of every candidate, and out of line each read is a lookup in the TOAST table (4× slower per post on the
-- synthetic forum). The bodies, read only for the page's results, go out of line first. In the same statement,
-- so the table is rewritten once, already so.
ALTER TABLE posts ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  lyceum_search_vector('A', title)
  || lyceum_search_vector('B', jsonb_path_query_array(toc, '$[*].text')::text)
  || lyceum_search_vector('C', body_markdown)
) STORED, ALTER COLUMN search_vector SET STORAGE MAIN;
ALTER TABLE comments ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  lyceum_search_vector('C', body_markdown)
) STORED, ALTER COLUMN search_vector SET STORAGE MAIN;
ALTER TABLE users ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  lyceum_search_vector('A', username || ' ' || display_name) || lyceum_search_vector('C', bio_markdown)
) STORED;
ALTER TABLE tags ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  lyceum_search_vector('A', name) || lyceum_search_vector('C', description_markdown)
) STORED;
ALTER TABLE sequences ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  lyceum_search_vector('A', title) || lyceum_search_vector('C', description_markdown)
) STORED;

-- Only what readers can see is indexed (the same conditions the search queries state).
CREATE INDEX posts_search_idx ON posts USING gin (search_vector) WHERE status = 'published' AND deleted_at IS NULL;
CREATE INDEX comments_search_idx ON comments USING gin (search_vector) WHERE NOT deleted;
CREATE INDEX users_search_idx ON users USING gin (search_vector);
CREATE INDEX tags_search_idx ON tags USING gin (search_vector) WHERE deleted_at IS NULL AND merged_into_id IS NULL;
CREATE INDEX sequences_search_idx ON sequences USING gin (search_vector) WHERE post_count > 0;

-- Search ranks the newest matches (src/search/queries.ts): comments newest first, and posts by title alone.
CREATE INDEX comments_created_idx ON comments (created_at DESC, id DESC) WHERE NOT deleted;
CREATE INDEX posts_title_search_idx ON posts USING gin (lyceum_search_vector('A', title))
  WHERE status = 'published' AND deleted_at IS NULL;

-- Trigrams: suggestions as one types and "did you mean" for titles, users (name and display name) and tags.
CREATE INDEX posts_title_trgm_idx ON posts USING gin (title gin_trgm_ops)
  WHERE status = 'published' AND deleted_at IS NULL;
CREATE INDEX users_name_trgm_idx ON users USING gin ((username || ' ' || display_name) gin_trgm_ops);
CREATE INDEX tags_name_trgm_idx ON tags USING gin (name gin_trgm_ops)
  WHERE deleted_at IS NULL AND merged_into_id IS NULL;
