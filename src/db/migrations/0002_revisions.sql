-- Revision history of published posts.

CREATE TABLE post_revisions (
  id text PRIMARY KEY,
  post_id text NOT NULL REFERENCES posts (id),
  number integer NOT NULL,
  title text NOT NULL,
  body_markdown text NOT NULL,
  body_html text NOT NULL,
  note text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (post_id, number)
);

-- Set when a published post is revised (revision 2 onwards); the post page shows "Last revised" from it
-- without reading the history.
ALTER TABLE posts ADD COLUMN last_revised_at timestamptz;
ALTER TABLE posts ADD COLUMN revision_count integer NOT NULL DEFAULT 0;
