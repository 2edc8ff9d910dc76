-- Tags: small wiki pages (a description with revision history, like posts) applied to posts, each post–tag link
-- carrying a relevance that readers vote on. Frontpage tag filters live in 0017.

CREATE TABLE tags (
  id text PRIMARY KEY,
  name text NOT NULL,
  slug text NOT NULL,
  description_markdown text NOT NULL DEFAULT '',
  description_html text NOT NULL DEFAULT '',
  description_excerpt text NOT NULL DEFAULT '',
  description_excerpt_html text NOT NULL DEFAULT '',
  created_by text NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  revision_count integer NOT NULL DEFAULT 0,
  -- Links at relevance >= 0 to published, undeleted posts: what /tags sorts by and the tag page counts.
  post_count integer NOT NULL DEFAULT 0,
  -- Ready for moderation: a merged tag points at the one it was merged into (its slugs then redirect there), a
  -- deleted one is hidden everywhere.
  merged_into_id text REFERENCES tags (id),
  deleted_at timestamptz
);
-- Names are unique however they are cased ("Decision theory" and "decision Theory" are one tag).
CREATE UNIQUE INDEX tags_name_key ON tags (lower(name));
CREATE UNIQUE INDEX tags_slug_key ON tags (slug);
-- /tags by post count, then alphabetically.
CREATE INDEX tags_post_count_idx ON tags (post_count DESC, lower(name), id) WHERE deleted_at IS NULL AND merged_into_id IS NULL;
CREATE INDEX tags_name_order_idx ON tags (lower(name), id) WHERE deleted_at IS NULL AND merged_into_id IS NULL;

-- Slugs a tag answered to before a rename or a merge: /tags/<old> answers 301 to the tag's current slug.
CREATE TABLE tag_old_slugs (
  slug text PRIMARY KEY,
  tag_id text NOT NULL REFERENCES tags (id)
);

-- The same shape as post_revisions (title = the tag's name then), so one revision/history machinery serves both.
CREATE TABLE tag_revisions (
  id text PRIMARY KEY,
  tag_id text NOT NULL REFERENCES tags (id),
  number integer NOT NULL,
  title text NOT NULL,
  body_markdown text NOT NULL,
  body_html text NOT NULL,
  note text NOT NULL DEFAULT '',
  diff jsonb,
  author_id text NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tag_id, number)
);

CREATE TABLE post_tags (
  post_id text NOT NULL REFERENCES posts (id),
  tag_id text NOT NULL REFERENCES tags (id),
  -- Sum of the relevance votes' powers; the applier's own vote counts from the start. Below 0 the link is hidden
  -- from the tag page (and from the post's tag list) but kept, so its votes are not lost.
  relevance integer NOT NULL DEFAULT 0,
  vote_count integer NOT NULL DEFAULT 0,
  applied_by text NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (post_id, tag_id)
);
-- A tag page by relevance walks this index; by newest and top it reads the tag's links and joins posts.
CREATE INDEX post_tags_tag_relevance_idx ON post_tags (tag_id, relevance DESC, post_id DESC);

-- One relevance vote per user and link (the power is stored, like votes.power, so cancelling subtracts exactly it).
CREATE TABLE post_tag_votes (
  user_id text NOT NULL REFERENCES users (id),
  post_id text NOT NULL,
  tag_id text NOT NULL,
  power smallint NOT NULL CHECK (power <> 0 AND power BETWEEN -16 AND 16),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, post_id, tag_id),
  FOREIGN KEY (post_id, tag_id) REFERENCES post_tags (post_id, tag_id) ON DELETE CASCADE
);
CREATE INDEX post_tag_votes_link_idx ON post_tag_votes (post_id, tag_id);

-- A tag row announces "tag:<id>" whenever it changes (name, slug, description, post count, merge, deletion): its
-- page and feed, and the list of tags, show it (the invalidation table in docs/ARCHITECTURE.md). Links between
-- posts and tags announce the same from their own triggers (migration 0018).
CREATE FUNCTION lyceum_notify_tag_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('lyceum_cache', 'tag:' || OLD.id);
  ELSE
    PERFORM pg_notify('lyceum_cache', 'tag:' || NEW.id);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER tags_notify_cache AFTER INSERT OR UPDATE OR DELETE ON tags
  FOR EACH ROW EXECUTE FUNCTION lyceum_notify_tag_change();
