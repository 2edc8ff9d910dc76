-- Indexes for the frontpage lists: Recent Discussion (latest activity) and Top of all time.

CREATE INDEX posts_activity_idx ON posts (last_activity_at DESC, id DESC)
  WHERE status = 'published' AND deleted_at IS NULL;
CREATE INDEX posts_top_idx ON posts (base_score DESC, id)
  WHERE status = 'published' AND deleted_at IS NULL;

-- Profile tabs: a user's published posts newest first.
CREATE INDEX posts_author_published_idx ON posts (author_id, published_at DESC, id DESC)
  WHERE status = 'published' AND deleted_at IS NULL;
