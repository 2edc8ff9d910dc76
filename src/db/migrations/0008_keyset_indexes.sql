-- "Load more" on the Top and Magic views continues with a row comparison, (score, id) < (last score, last id),
-- which an index in the same order answers directly at any depth (the old indexes made each page walk from
-- the top).

CREATE INDEX posts_top_keyset_idx ON posts (base_score DESC, id DESC)
  WHERE status = 'published' AND deleted_at IS NULL;
CREATE INDEX posts_magic_keyset_idx ON posts (magic_score DESC, id DESC)
  WHERE status = 'published' AND deleted_at IS NULL AND magic_score IS NOT NULL;
DROP INDEX posts_top_idx;
DROP INDEX posts_magic_idx;
