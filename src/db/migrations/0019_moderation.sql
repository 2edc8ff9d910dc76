-- Moderation: roles, bans, moderator removal and restore, locked comments, frontpage or personal blog, authors'
-- guidelines and commenter bans, the public moderation log, reports, the review queue for new members, and the
-- site's settings. Who may do what is decided in src/policy/ (one module); this file only stores it.

-- Roles replace the moderator flag: admins do everything moderators do, plus the site's settings and roles.
ALTER TABLE users ADD COLUMN role text NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'moderator', 'member'));
UPDATE users SET role = 'moderator' WHERE is_moderator;
ALTER TABLE users DROP COLUMN is_moderator;

-- A ban: the user reads and logs in, every write is refused until banned_until ('infinity' for good).
ALTER TABLE users ADD COLUMN banned_until timestamptz;
ALTER TABLE users ADD COLUMN ban_reason text NOT NULL DEFAULT '';

-- 'pending': a new member's first post, waiting in the review queue. It is not 'published', so every list, feed
-- and index that shows published posts leaves it out with no change; approving sets 'published' and keeps the
-- time it was submitted as published_at.
ALTER TABLE posts DROP CONSTRAINT posts_status_check;
ALTER TABLE posts ADD CONSTRAINT posts_status_check CHECK (status IN ('draft', 'pending', 'published'));
ALTER TABLE posts ADD COLUMN submitted_at timestamptz;
CREATE INDEX posts_pending_idx ON posts (submitted_at, id) WHERE status = 'pending' AND deleted_at IS NULL;

-- Frontpage or personal blog: moderators move posts between them. Personal blog posts are on their author's
-- profile, tags, search and feeds, not in the frontpage lists.
ALTER TABLE posts ADD COLUMN frontpage boolean NOT NULL DEFAULT true;
ALTER TABLE posts ADD COLUMN comments_locked boolean NOT NULL DEFAULT false;
-- The author's moderation guidelines, shown above the comment box (rendered on write like every text).
ALTER TABLE posts ADD COLUMN guidelines_markdown text NOT NULL DEFAULT '';
ALTER TABLE posts ADD COLUMN guidelines_html text NOT NULL DEFAULT '';

-- Removal by a moderator, with its reason shown publicly in place of the content. A removed post has deleted_at
-- set like any deleted post; a removed comment is deleted like any deleted comment, its text kept aside in
-- removed_comment_texts so that a moderator can restore it (an author's own deletion erases the text for good).
ALTER TABLE posts ADD COLUMN removed_reason text;
ALTER TABLE comments ADD COLUMN removed_reason text;
CREATE TABLE removed_comment_texts (
  comment_id text PRIMARY KEY REFERENCES comments (id) ON DELETE CASCADE,
  body_markdown text NOT NULL,
  body_html text NOT NULL,
  excerpt text NOT NULL,
  excerpt_html text NOT NULL,
  removed_at timestamptz NOT NULL DEFAULT now()
);

-- A new member's first comment waits here, apart from the comment tree, so no list, count or tree sees it until
-- a moderator approves it; approving inserts it into comments with its original time.
CREATE TABLE pending_comments (
  id text PRIMARY KEY,
  post_id text NOT NULL REFERENCES posts (id),
  parent_id text REFERENCES comments (id),
  author_id text NOT NULL REFERENCES users (id),
  body_markdown text NOT NULL,
  body_html text NOT NULL,
  excerpt text NOT NULL,
  excerpt_html text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pending_comments_created_idx ON pending_comments (created_at, id);
CREATE INDEX pending_comments_author_idx ON pending_comments (author_id, post_id);

-- An author's list of users who may not comment on their posts.
CREATE TABLE author_commenter_bans (
  author_id text NOT NULL REFERENCES users (id),
  user_id text NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (author_id, user_id),
  CHECK (author_id <> user_id)
);

-- Everything a moderator does, public at /moderation/log. target_label is what the entry names (a post title,
-- "comment on <title>", a username) as it was then; the removed content itself is never copied here.
CREATE TABLE moderation_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  moderator_id text NOT NULL REFERENCES users (id),
  action text NOT NULL,
  target_type text NOT NULL CHECK (target_type IN ('post', 'comment', 'user', 'tag', 'report', 'site')),
  target_id text NOT NULL,
  target_label text NOT NULL DEFAULT '',
  reason text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX moderation_log_created_idx ON moderation_log (created_at DESC, id DESC);

-- Reports: one open report per reporter and target; a moderator resolves it with a note the reporter sees.
CREATE TABLE reports (
  id text PRIMARY KEY,
  reporter_id text NOT NULL REFERENCES users (id),
  target_type text NOT NULL CHECK (target_type IN ('post', 'comment')),
  target_id text NOT NULL,
  post_id text NOT NULL REFERENCES posts (id),
  reason text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  resolved_by text REFERENCES users (id),
  resolution_note text NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX reports_open_key ON reports (reporter_id, target_type, target_id) WHERE resolved_at IS NULL;
CREATE INDEX reports_open_idx ON reports (created_at, id) WHERE resolved_at IS NULL;
CREATE INDEX reports_reporter_idx ON reports (reporter_id, created_at DESC);

-- The site's settings, edited by admins (site name and description, review policy, rate limit tiers). Values
-- are JSON; src/moderation/settings.ts gives each key its default and its schema.
CREATE TABLE site_settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The site's name is on every page: a settings change drops every cached page.
CREATE FUNCTION lyceum_notify_settings_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('lyceum_cache', 'all');
  RETURN NULL;
END $$;
CREATE TRIGGER site_settings_notify_cache AFTER INSERT OR UPDATE OR DELETE ON site_settings
  FOR EACH ROW EXECUTE FUNCTION lyceum_notify_settings_change();
