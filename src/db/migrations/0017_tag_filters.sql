-- Frontpage tag filters (src/frontpage/tag-filters.ts): each logged-in reader's choice per tag, and the site's
-- defaults that logged-out readers get. LessWrong's modes: hidden (never shown), reduced (score × 0.5),
-- subscribed (+25 karma in the Magic formula), required (only posts with the tag). "Default" is no row.
-- A post carries a tag when its post_tags link has relevance >= 0 (the same rule as the tag page).

CREATE TABLE user_tag_filters (
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  tag_id text NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  mode text NOT NULL CHECK (mode IN ('hidden', 'reduced', 'subscribed', 'required')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, tag_id)
);

-- Set by an operator (SQL) for now; the moderation issue may give it a page.
CREATE TABLE site_tag_filters (
  tag_id text PRIMARY KEY REFERENCES tags (id) ON DELETE CASCADE,
  mode text NOT NULL CHECK (mode IN ('hidden', 'reduced', 'subscribed', 'required'))
);

-- The filtered lists and the add-a-filter form probe a post's links by (post_id, tag_id): the primary key of
-- post_tags serves that. Nothing else to index.

-- Change notifications (the invalidation table is in src/cache/caches.ts and docs/ARCHITECTURE.md):
--   user:<id>   a reader's filters changed: their own pages and cached filters (an existing message);
--   front       the site defaults changed: every list (logged-out pages show them);
--   tag-links   a link started or stopped counting (added or removed at relevance >= 0, or its relevance crossed
--               0): the filtered lists, which alone depend on links;
--   tag-names   a tag was created, renamed, deleted or merged: pages naming tags in chips or the add-a-filter form.
CREATE FUNCTION lyceum_notify_tag_filter_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'site_tag_filters' THEN
    PERFORM pg_notify('lyceum_cache', 'front');
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('lyceum_cache', 'user:' || OLD.user_id);
  ELSE
    PERFORM pg_notify('lyceum_cache', 'user:' || NEW.user_id);
    IF TG_OP = 'UPDATE' AND NEW.user_id IS DISTINCT FROM OLD.user_id THEN
      PERFORM pg_notify('lyceum_cache', 'user:' || OLD.user_id);
    END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER user_tag_filters_notify_cache AFTER INSERT OR UPDATE OR DELETE ON user_tag_filters
  FOR EACH ROW EXECUTE FUNCTION lyceum_notify_tag_filter_change();
CREATE TRIGGER site_tag_filters_notify_cache AFTER INSERT OR UPDATE OR DELETE ON site_tag_filters
  FOR EACH ROW EXECUTE FUNCTION lyceum_notify_tag_filter_change();

-- Relevance votes move a link's relevance often; only crossing 0 changes what a filter sees.
CREATE FUNCTION lyceum_notify_tag_link_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (TG_OP = 'INSERT' AND NEW.relevance >= 0) OR (TG_OP = 'DELETE' AND OLD.relevance >= 0)
     OR (TG_OP = 'UPDATE' AND ((NEW.relevance >= 0) IS DISTINCT FROM (OLD.relevance >= 0)
                               OR NEW.tag_id IS DISTINCT FROM OLD.tag_id OR NEW.post_id IS DISTINCT FROM OLD.post_id)) THEN
    PERFORM pg_notify('lyceum_cache', 'tag-links');
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER post_tags_notify_tag_filters AFTER INSERT OR UPDATE OR DELETE ON post_tags
  FOR EACH ROW EXECUTE FUNCTION lyceum_notify_tag_link_change();

CREATE FUNCTION lyceum_notify_tag_name_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'UPDATE' OR NEW.name IS DISTINCT FROM OLD.name OR NEW.slug IS DISTINCT FROM OLD.slug
     OR NEW.deleted_at IS DISTINCT FROM OLD.deleted_at OR NEW.merged_into_id IS DISTINCT FROM OLD.merged_into_id THEN
    PERFORM pg_notify('lyceum_cache', 'tag-names');
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER tags_notify_tag_filters AFTER INSERT OR UPDATE OR DELETE ON tags
  FOR EACH ROW EXECUTE FUNCTION lyceum_notify_tag_name_change();
