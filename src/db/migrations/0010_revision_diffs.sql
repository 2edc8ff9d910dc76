-- The word diff of a revision against the one before it ({"title": [...], "body": [...]}, parts of
-- {"kind", "text"}), computed once when the revision is saved so the history page only reads it. NULL for a
-- first revision, and for revisions saved before this column existed (their diff is computed when viewed).
ALTER TABLE post_revisions ADD COLUMN diff jsonb;
