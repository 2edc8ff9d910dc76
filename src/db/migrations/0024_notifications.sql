-- Notifications (#17): what a member hears back, what they subscribed to, and how each kind reaches them.

-- What a member asked to hear about: a post (all its comments), a comment (the replies under it), a user (their
-- new posts), a sequence or a tag (new posts in it). An author is subscribed to their own posts and comments
-- without a row; `subscribed = false` is an author's opt-out from that default (and a row a member unsubscribed
-- from, kept so a later default never brings it back).
CREATE TABLE notification_subscriptions (
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  target_type text NOT NULL CHECK (target_type IN ('post', 'comment', 'user', 'sequence', 'tag')),
  target_id text NOT NULL,
  subscribed boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, target_type, target_id)
);
-- Fan-out reads the subscribers of one thing.
CREATE INDEX notification_subscriptions_target_idx ON notification_subscriptions (target_type, target_id, user_id);

-- How each kind reaches a member: 'site' (the inbox only), 'email' (the inbox and an email at once), 'digest'
-- (the inbox and the daily digest email) or 'off'. Only choices that differ from the default have a row
-- (defaults: lyceum_notification_default below).
CREATE TABLE notification_settings (
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('reply', 'post_comment', 'mention', 'followed_post', 'subscribed_post',
                                      'thread_comment', 'moderation')),
  delivery text NOT NULL CHECK (delivery IN ('site', 'email', 'digest', 'off')),
  PRIMARY KEY (user_id, kind)
);

-- Replies, mentions and moderators' actions are addressed to the member: email at once by default; the rest
-- (activity they follow) waits on the site.
CREATE FUNCTION lyceum_notification_default(kind text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN kind IN ('reply', 'mention', 'moderation') THEN 'email' ELSE 'site' END
$$;

-- A 17-character base-62 id (as db/ids.ts makes), for rows made set-based in SQL.
CREATE FUNCTION lyceum_new_id() RETURNS text LANGUAGE sql VOLATILE AS $$
  SELECT string_agg(substr('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
                           1 + floor(random() * 62)::int, 1), '')
    FROM generate_series(1, 17)
$$;

-- One row per member and event. event_key names the event (the comment's id, the post's id, 'log:' and the
-- moderation log entry's id), so one event never reaches one member twice, whatever subscriptions overlap.
CREATE TABLE notifications (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('reply', 'post_comment', 'mention', 'followed_post', 'subscribed_post',
                                      'thread_comment', 'moderation')),
  event_key text NOT NULL,
  -- Who caused it (the commenter, the post's author, the moderator).
  actor_id text REFERENCES users (id) ON DELETE SET NULL,
  post_id text REFERENCES posts (id),
  comment_id text REFERENCES comments (id),
  -- What the entry says beyond its kind: the moderator's action and reason, or the tag or sequence it came by.
  detail text NOT NULL DEFAULT '',
  -- How it was to reach the member when made ('site', 'email' or 'digest'; 'off' makes no row).
  delivery text NOT NULL CHECK (delivery IN ('site', 'email', 'digest')),
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz,
  -- When a daily digest carried it (digest delivery only).
  digested_at timestamptz
);
CREATE UNIQUE INDEX notifications_event_key ON notifications (user_id, event_key);
-- The inbox, newest first, keyset-paged.
CREATE INDEX notifications_inbox_idx ON notifications (user_id, created_at DESC, id DESC);
-- The daily digest's rows not yet sent.
CREATE INDEX notifications_digest_idx ON notifications (user_id, created_at) WHERE delivery = 'digest' AND digested_at IS NULL;

-- Unread notifications per member, on their row, so the header shows the count with the session and no query.
-- The row's change notifies user:<id> (users' trigger, migration 0009): that member's cached session and pages
-- drop, nobody else's.
ALTER TABLE users ADD COLUMN unread_notification_count integer NOT NULL DEFAULT 0;

-- Kept by statement-level triggers, so every write to notifications (fan-out, marking read, a member deleted)
-- keeps the count exact in its own transaction with one UPDATE of users. Rows are locked in id order first:
-- two fan-outs reaching the same members never deadlock.
CREATE FUNCTION lyceum_count_unread_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM users WHERE id IN (SELECT user_id FROM new_rows WHERE read_at IS NULL) ORDER BY id FOR UPDATE;
  UPDATE users u SET unread_notification_count = u.unread_notification_count + d.n
    FROM (SELECT user_id, count(*)::int AS n FROM new_rows WHERE read_at IS NULL GROUP BY user_id) d
   WHERE u.id = d.user_id;
  RETURN NULL;
END $$;

CREATE FUNCTION lyceum_count_unread_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM users WHERE id IN (
    SELECT n.user_id FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE (n.read_at IS NULL) IS DISTINCT FROM (o.read_at IS NULL) OR n.user_id <> o.user_id
  ) ORDER BY id FOR UPDATE;
  UPDATE users u SET unread_notification_count = greatest(0, u.unread_notification_count + d.n)
    FROM (SELECT user_id, sum(n)::int AS n
            FROM (SELECT user_id, 1 AS n FROM new_rows WHERE read_at IS NULL
                  UNION ALL
                  SELECT user_id, -1 FROM old_rows WHERE read_at IS NULL) c
           GROUP BY user_id HAVING sum(n) <> 0) d
   WHERE u.id = d.user_id;
  RETURN NULL;
END $$;

CREATE FUNCTION lyceum_count_unread_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE users u SET unread_notification_count = greatest(0, u.unread_notification_count - d.n)
    FROM (SELECT user_id, count(*)::int AS n FROM old_rows WHERE read_at IS NULL GROUP BY user_id) d
   WHERE u.id = d.user_id;
  RETURN NULL;
END $$;

CREATE TRIGGER notifications_count_insert AFTER INSERT ON notifications
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION lyceum_count_unread_insert();
CREATE TRIGGER notifications_count_update AFTER UPDATE ON notifications
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION lyceum_count_unread_update();
CREATE TRIGGER notifications_count_delete AFTER DELETE ON notifications
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION lyceum_count_unread_delete();
