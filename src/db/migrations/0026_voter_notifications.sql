-- A reader's votes on a post and its comments are kept in each process with their post page (posts/page.tsx):
-- probing the votes key once per comment shown was the largest cost of a logged-in view of a busy thread.
-- They change only when the reader votes, which announces "voter:<id>" and drops them everywhere.

CREATE FUNCTION lyceum_notify_voter_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('lyceum_cache', 'voter:' || (CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END));
  RETURN NULL;
END $$;

CREATE TRIGGER votes_notify_voter AFTER INSERT OR UPDATE OR DELETE ON votes
  FOR EACH ROW EXECUTE FUNCTION lyceum_notify_voter_change();
