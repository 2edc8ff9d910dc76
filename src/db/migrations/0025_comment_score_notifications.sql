-- A vote on a comment announces the comment's new scores, not only that some score of its post changed:
--   comment-score:<post id>:<comment id>:<base>:<agreement>:<votes>:<agreement votes>
-- Each process writes them into the post's cached scores (cache/caches.ts) instead of reading every score of
-- the post again; on a busy thread of thousands of comments that read followed every vote. Everything else
-- this function announces is as in migration 0013.
CREATE OR REPLACE FUNCTION lyceum_notify_comment_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unchanged comments;
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('lyceum_cache', 'comments:' || OLD.post_id);
    PERFORM pg_notify('lyceum_cache', 'discussion');
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    unchanged := OLD;
    unchanged.base_score := NEW.base_score;
    unchanged.vote_count := NEW.vote_count;
    unchanged.agreement_score := NEW.agreement_score;
    unchanged.agreement_vote_count := NEW.agreement_vote_count;
    IF unchanged IS NOT DISTINCT FROM NEW THEN
      IF NEW.base_score IS DISTINCT FROM OLD.base_score OR NEW.agreement_score IS DISTINCT FROM OLD.agreement_score
         OR NEW.vote_count IS DISTINCT FROM OLD.vote_count
         OR NEW.agreement_vote_count IS DISTINCT FROM OLD.agreement_vote_count THEN
        PERFORM pg_notify('lyceum_cache', 'comment-score:' || NEW.post_id || ':' || NEW.id || ':' || NEW.base_score
          || ':' || NEW.agreement_score || ':' || NEW.vote_count || ':' || NEW.agreement_vote_count);
      END IF;
      RETURN NULL;
    END IF;
  END IF;
  PERFORM pg_notify('lyceum_cache', 'comments:' || NEW.post_id);
  PERFORM pg_notify('lyceum_cache', 'discussion');
  RETURN NULL;
END $$;
