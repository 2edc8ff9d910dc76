-- Readers' posts' search vectors again, in a narrow table of their own, where searches find them through the GIN
-- index (src/search/queries.ts; posts keep the vectors for the newest-first walk, which reads them in line).
-- A search for a word few posts hold reads every match's row for its date, and a posts row
-- holds its bodies and its vector compressed in line (0016: so the newest-first walk reads no TOAST), about 4 KB:
-- 4,000 matches were 4,000 pages, more than PostgreSQL's default shared_buffers keeps from one search to the
-- next (20 to 35 ms a search on the synthetic forum). Here a row is an id, a date and its vector, stored out of
-- line when the row would pass 2 KB (toast_tuple_target), so the same matches are a few dozen pages (4 to 7 ms).

CREATE TABLE post_search (
  id text PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
  author_id text NOT NULL,
  published_at timestamptz NOT NULL,
  search_vector tsvector NOT NULL
) WITH (toast_tuple_target = 128);

-- Kept by trigger from posts: a row for every post readers see (the conditions of posts_search_idx, 0016).
CREATE FUNCTION lyceum_sync_post_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'published' AND NEW.deleted_at IS NULL AND NEW.published_at IS NOT NULL
     AND NEW.search_vector IS NOT NULL THEN
    INSERT INTO post_search (id, author_id, published_at, search_vector)
    VALUES (NEW.id, NEW.author_id, NEW.published_at, NEW.search_vector)
    ON CONFLICT (id) DO UPDATE
      SET author_id = EXCLUDED.author_id, published_at = EXCLUDED.published_at, search_vector = EXCLUDED.search_vector
     WHERE post_search.author_id IS DISTINCT FROM EXCLUDED.author_id
        OR post_search.published_at IS DISTINCT FROM EXCLUDED.published_at
        OR post_search.search_vector IS DISTINCT FROM EXCLUDED.search_vector;
  ELSE
    DELETE FROM post_search WHERE id = NEW.id;
  END IF;
  RETURN NULL;
END $$;

-- The columns the vector is made of, and those deciding whether readers see the post (not its counters).
CREATE TRIGGER posts_sync_post_search
  AFTER INSERT OR UPDATE OF title, toc, body_markdown, status, deleted_at, published_at, author_id ON posts
  FOR EACH ROW EXECUTE FUNCTION lyceum_sync_post_search();
-- Also when rows are written with triggers off (session_replication_role = replica: import, db:move and the
-- benchmark loader), which leave post_search out and let this fill it.
ALTER TABLE posts ENABLE ALWAYS TRIGGER posts_sync_post_search;

INSERT INTO post_search (id, author_id, published_at, search_vector)
SELECT id, author_id, published_at, search_vector FROM posts
 WHERE status = 'published' AND deleted_at IS NULL AND published_at IS NOT NULL AND search_vector IS NOT NULL;

-- Built after the copy, in one pass. A post's vector is written here only when its text changes (not when a
-- comment or vote touches its counters), so entries go straight into the index: a pending list would be read
-- whole by every search until a vacuum.
CREATE INDEX post_search_vector_idx ON post_search USING gin (search_vector) WITH (fastupdate = off);

-- Posts' own GIN index goes: every comment rewrites its post's row (its count and last activity, never a HOT
-- update), and each time the whole vector, hundreds of entries, went into that index again (its pending list,
-- which searches read whole). Every search that used it reads post_search now.
DROP INDEX posts_search_idx;
