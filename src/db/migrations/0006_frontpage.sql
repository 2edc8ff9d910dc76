-- Indexes for the frontpage lists: Recent Discussion (latest activity) and Top of all time.

CREATE INDEX posts_activity_idx ON posts (last_activity_at DESC, id DESC)
  WHERE status = 'published' AND deleted_at IS NULL;
CREATE INDEX posts_top_idx ON posts (base_score DESC, id)
  WHERE status = 'published' AND deleted_at IS NULL;
