-- Sequences (ordered posts in named chapters), who is reading which sequence, and links between posts
-- ("Referenced by"). Reading progress itself comes from post_visits (0003): opening a post records a visit.

CREATE TABLE sequences (
  id text PRIMARY KEY,
  author_id text NOT NULL REFERENCES users (id),
  title text NOT NULL,
  description_markdown text NOT NULL DEFAULT '',
  description_html text NOT NULL DEFAULT '',
  description_excerpt text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Over the posts readers can see (published, not deleted); kept exact by refresh_sequence_totals below.
  post_count integer NOT NULL DEFAULT 0,
  karma integer NOT NULL DEFAULT 0
);
-- /sequences lists sequences that have something to read, newest first or by karma.
CREATE INDEX sequences_new_idx ON sequences (created_at DESC, id DESC) WHERE post_count > 0;
CREATE INDEX sequences_top_idx ON sequences (karma DESC, id DESC) WHERE post_count > 0;
CREATE INDEX sequences_author_idx ON sequences (author_id, created_at DESC);

-- Every sequence has at least one chapter; a chapter without a title is shown without a heading, so a
-- sequence "without chapters" is one untitled chapter.
CREATE TABLE sequence_chapters (
  id text PRIMARY KEY,
  sequence_id text NOT NULL REFERENCES sequences (id) ON DELETE CASCADE,
  title text NOT NULL DEFAULT '',
  position integer NOT NULL,
  -- Deferrable so one UPDATE can swap positions (checked at the end of the statement).
  UNIQUE (sequence_id, position) DEFERRABLE INITIALLY IMMEDIATE,
  -- Target of sequence_posts' composite key: a post's chapter belongs to the post's sequence.
  UNIQUE (sequence_id, id)
);

CREATE TABLE sequence_posts (
  sequence_id text NOT NULL REFERENCES sequences (id) ON DELETE CASCADE,
  post_id text NOT NULL REFERENCES posts (id),
  chapter_id text NOT NULL,
  -- Order within the chapter (0, 1, 2 …); the sequence's order is chapter position, then this.
  position integer NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now(),
  -- A post appears at most once in a sequence.
  PRIMARY KEY (sequence_id, post_id),
  -- No cascade: a chapter is deleted only after its posts moved to another chapter.
  FOREIGN KEY (sequence_id, chapter_id) REFERENCES sequence_chapters (sequence_id, id),
  UNIQUE (chapter_id, position) DEFERRABLE INITIALLY IMMEDIATE
);
-- "Which sequences is this post part of" (post page banner, the totals trigger).
CREATE INDEX sequence_posts_post_idx ON sequence_posts (post_id);

-- Sequences a user has read a post of, through the sequence's own pages: the frontpage's "Continue reading".
CREATE TABLE sequence_reads (
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  sequence_id text NOT NULL REFERENCES sequences (id) ON DELETE CASCADE,
  last_read_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, sequence_id)
);
CREATE INDEX sequence_reads_recent_idx ON sequence_reads (user_id, last_read_at DESC);

-- Links from a post or a comment to a post, extracted when the source is saved.
CREATE TABLE post_links (
  source_kind text NOT NULL CHECK (source_kind IN ('post', 'comment')),
  -- A post's or a comment's id (no foreign key: the table depends on source_kind).
  source_id text NOT NULL,
  target_post_id text NOT NULL REFERENCES posts (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source_kind, source_id, target_post_id)
);
CREATE INDEX post_links_target_idx ON post_links (target_post_id, created_at DESC);

-- Recomputes post_count and karma (sum of posts.base_score) of the given sequences from their visible posts.
-- One definition, used by the sequence services after changing a sequence's posts and by the trigger below.
CREATE FUNCTION refresh_sequence_totals(sequence_ids text[]) RETURNS void LANGUAGE sql AS $$
  UPDATE sequences s
     SET post_count = t.post_count, karma = t.karma
    FROM (
      SELECT q.id, count(p.id) AS post_count, coalesce(sum(p.base_score), 0) AS karma
        FROM sequences q
        LEFT JOIN sequence_posts sp ON sp.sequence_id = q.id
        LEFT JOIN posts p ON p.id = sp.post_id AND p.status = 'published' AND p.deleted_at IS NULL
       WHERE q.id = ANY (sequence_ids)
       GROUP BY q.id
    ) t
   WHERE s.id = t.id
$$;

-- A vote, a publication or a deletion changes a post's score or visibility; the totals of the sequences it is
-- part of follow in the same transaction, whichever feature made the change.
CREATE FUNCTION posts_refresh_sequence_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM sequence_posts WHERE post_id = NEW.id) THEN
    PERFORM refresh_sequence_totals(ARRAY(SELECT sequence_id FROM sequence_posts WHERE post_id = NEW.id));
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER posts_sequence_totals
  AFTER UPDATE OF base_score, status, deleted_at ON posts
  FOR EACH ROW
  WHEN (OLD.base_score IS DISTINCT FROM NEW.base_score OR OLD.status IS DISTINCT FROM NEW.status
        OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at)
  EXECUTE FUNCTION posts_refresh_sequence_totals();

-- The page cache (src/cache) keeps pages for logged-out readers and drops them when the database announces a
-- change on the lyceum_cache channel. Pages of a sequence are tagged sequence:<id>, /sequences "sequences";
-- a post's own pages (which show its place in its sequences, its neighbours and its backlinks) post:<id>.
CREATE FUNCTION lyceum_notify_sequence_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed_id text;
  shown_on_posts boolean;
BEGIN
  IF TG_OP = 'DELETE' THEN
    changed_id := OLD.id;
    shown_on_posts := true;
  ELSIF TG_OP = 'INSERT' THEN
    changed_id := NEW.id;
    shown_on_posts := false;
  ELSE
    changed_id := NEW.id;
    -- Totals alone (which follow votes) show only on the sequence's own pages; a new title or order (every
    -- change to the contents sets updated_at) shows on the page of each of its posts.
    shown_on_posts := NEW.title IS DISTINCT FROM OLD.title OR NEW.updated_at IS DISTINCT FROM OLD.updated_at;
  END IF;
  PERFORM pg_notify('lyceum_cache', 'sequences');
  PERFORM pg_notify('lyceum_cache', 'sequence:' || changed_id);
  IF shown_on_posts THEN
    PERFORM pg_notify('lyceum_cache', 'post:' || sp.post_id) FROM sequence_posts sp WHERE sp.sequence_id = changed_id;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION lyceum_notify_sequence_post_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('lyceum_cache', 'post:' || OLD.post_id);
  ELSE
    PERFORM pg_notify('lyceum_cache', 'post:' || NEW.post_id);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION lyceum_notify_post_link_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('lyceum_cache', 'post:' || OLD.target_post_id);
  ELSE
    PERFORM pg_notify('lyceum_cache', 'post:' || NEW.target_post_id);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER sequences_notify_cache AFTER INSERT OR UPDATE ON sequences
  FOR EACH ROW EXECUTE FUNCTION lyceum_notify_sequence_change();
-- Before the delete: its posts are still listed then (the cascade removes them).
CREATE TRIGGER sequences_notify_cache_delete BEFORE DELETE ON sequences
  FOR EACH ROW EXECUTE FUNCTION lyceum_notify_sequence_change();
CREATE TRIGGER sequence_posts_notify_cache AFTER INSERT OR DELETE ON sequence_posts
  FOR EACH ROW EXECUTE FUNCTION lyceum_notify_sequence_post_change();
CREATE TRIGGER post_links_notify_cache AFTER INSERT OR DELETE ON post_links
  FOR EACH ROW EXECUTE FUNCTION lyceum_notify_post_link_change();
