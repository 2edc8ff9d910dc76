-- Every change that can alter a page a logged-out reader sees announces itself on the lyceum_cache channel,
-- whichever process (or CLI command) made it. Each Lyceum process listens and drops the cached pages it names.
-- NOTIFY is transactional: listeners hear of a change only once it is committed.

CREATE FUNCTION lyceum_notify_post_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('lyceum_cache', 'post:' || OLD.id);
  ELSE
    PERFORM pg_notify('lyceum_cache', 'post:' || NEW.id);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION lyceum_notify_comment_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('lyceum_cache', 'post:' || OLD.post_id);
  ELSE
    PERFORM pg_notify('lyceum_cache', 'post:' || NEW.post_id);
  END IF;
  RETURN NULL;
END $$;

-- Names appear on every page; karma only on the user's profile.
CREATE FUNCTION lyceum_notify_user_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    RETURN NULL;
  ELSIF TG_OP = 'DELETE' OR NEW.display_name IS DISTINCT FROM OLD.display_name
     OR NEW.username IS DISTINCT FROM OLD.username OR NEW.bio_html IS DISTINCT FROM OLD.bio_html THEN
    PERFORM pg_notify('lyceum_cache', 'all');
  ELSIF NEW.karma IS DISTINCT FROM OLD.karma THEN
    PERFORM pg_notify('lyceum_cache', 'user:' || NEW.id);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER posts_notify_cache AFTER INSERT OR UPDATE OR DELETE ON posts
  FOR EACH ROW EXECUTE FUNCTION lyceum_notify_post_change();
CREATE TRIGGER comments_notify_cache AFTER INSERT OR UPDATE OR DELETE ON comments
  FOR EACH ROW EXECUTE FUNCTION lyceum_notify_comment_change();
CREATE TRIGGER users_notify_cache AFTER INSERT OR UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION lyceum_notify_user_change();
