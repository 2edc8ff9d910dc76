-- Users, sessions, login throttling, posts and comments.

CREATE TABLE users (
  id text PRIMARY KEY,
  username text NOT NULL,
  display_name text NOT NULL,
  email text NOT NULL,
  -- "scrypt$N$r$p$salt$hash": parameters and salt travel with each hash so they can be raised later.
  password_hash text NOT NULL,
  bio_markdown text NOT NULL DEFAULT '',
  bio_html text NOT NULL DEFAULT '',
  karma integer NOT NULL DEFAULT 0,
  is_moderator boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE sessions (
  -- sha256 of the cookie token: a leaked table does not log anyone in.
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

CREATE TABLE login_failures (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  login text NOT NULL,
  ip text NOT NULL,
  failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_login_idx ON login_failures (login, failed_at);
CREATE INDEX login_failures_ip_idx ON login_failures (ip, failed_at);

CREATE TABLE posts (
  id text PRIMARY KEY,
  author_id text NOT NULL REFERENCES users (id),
  title text NOT NULL,
  slug text NOT NULL,
  body_markdown text NOT NULL,
  body_html text NOT NULL,
  excerpt text NOT NULL,
  word_count integer NOT NULL DEFAULT 0,
  reading_minutes integer NOT NULL DEFAULT 1,
  toc jsonb NOT NULL DEFAULT '[]',
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz,
  comment_count integer NOT NULL DEFAULT 0,
  last_activity_at timestamptz NOT NULL DEFAULT now(),
  base_score integer NOT NULL DEFAULT 0,
  vote_count integer NOT NULL DEFAULT 0
);
-- Frontpage "newest first" over visible posts only.
CREATE INDEX posts_published_idx ON posts (published_at DESC, id DESC)
  WHERE status = 'published' AND deleted_at IS NULL;
CREATE INDEX posts_author_idx ON posts (author_id, created_at DESC);

CREATE TABLE comments (
  id text PRIMARY KEY,
  post_id text NOT NULL REFERENCES posts (id),
  parent_id text REFERENCES comments (id),
  author_id text NOT NULL REFERENCES users (id),
  body_markdown text NOT NULL,
  body_html text NOT NULL,
  excerpt text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  edited_at timestamptz,
  retracted boolean NOT NULL DEFAULT false,
  deleted boolean NOT NULL DEFAULT false,
  base_score integer NOT NULL DEFAULT 0,
  vote_count integer NOT NULL DEFAULT 0
);
-- The whole tree of a post comes from one scan of this index.
CREATE INDEX comments_post_idx ON comments (post_id, created_at);
CREATE INDEX comments_parent_idx ON comments (parent_id);
CREATE INDEX comments_author_idx ON comments (author_id, created_at DESC);
