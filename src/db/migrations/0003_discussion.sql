-- Threaded discussion: remembered sort order, visits for "new since last visit", comment edit history.

ALTER TABLE users ADD COLUMN comment_sort text NOT NULL DEFAULT 'top'
  CHECK (comment_sort IN ('top', 'new', 'old', 'magic'));

CREATE TABLE post_visits (
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  post_id text NOT NULL REFERENCES posts (id),
  last_visited_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, post_id)
);

-- Each edit keeps the text it replaced.
CREATE TABLE comment_revisions (
  id text PRIMARY KEY,
  comment_id text NOT NULL REFERENCES comments (id),
  body_markdown text NOT NULL,
  body_html text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comment_revisions_comment_idx ON comment_revisions (comment_id, created_at);
