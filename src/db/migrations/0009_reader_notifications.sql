-- Each process keeps recently seen sessions in memory (src/cache/caches.ts). They must end everywhere at once:
-- a deleted session (logout, expiry sweep) and any change to its user (moderator rights, chosen comment order,
-- karma) announce "user:<id>" on the change channel, which drops that user's cached sessions in every process.

CREATE OR REPLACE FUNCTION lyceum_notify_user_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    RETURN NULL;
  ELSIF TG_OP = 'DELETE' OR NEW.display_name IS DISTINCT FROM OLD.display_name
     OR NEW.username IS DISTINCT FROM OLD.username OR NEW.bio_html IS DISTINCT FROM OLD.bio_html THEN
    PERFORM pg_notify('lyceum_cache', 'all');
  ELSE
    PERFORM pg_notify('lyceum_cache', 'user:' || NEW.id);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION lyceum_notify_session_end() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('lyceum_cache', 'user:' || OLD.user_id);
  RETURN NULL;
END $$;

CREATE TRIGGER sessions_notify_cache AFTER DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION lyceum_notify_session_end();

-- What a logged-in reader sees of their own reading (the frontpage's "(N new)" marks and "Continue reading")
-- is cached per reader too: opening a post or reading through a sequence announces "reader:<id>".
CREATE FUNCTION lyceum_notify_reader_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('lyceum_cache', 'reader:' || NEW.user_id);
  RETURN NULL;
END $$;

CREATE TRIGGER post_visits_notify_cache AFTER INSERT OR UPDATE ON post_visits
  FOR EACH ROW EXECUTE FUNCTION lyceum_notify_reader_change();
CREATE TRIGGER sequence_reads_notify_cache AFTER INSERT OR UPDATE ON sequence_reads
  FOR EACH ROW EXECUTE FUNCTION lyceum_notify_reader_change();
