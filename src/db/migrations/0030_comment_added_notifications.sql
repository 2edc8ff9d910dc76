-- A new comment announces itself, not only that something of its post's comments changed:
--   comment-added:<post id>:<comment id>
-- Each process adds that one comment to the post's kept discussion (comments/discussion.ts) instead of reading
-- every comment of the post again; on a busy thread that read, and the texts each order's tree read again,
-- followed every comment. An edit, retraction, removal or deletion still announces comments:<post id>, and
-- everything else is as in migration 0025.
CREATE OR REPLACE FUNCTION lyceum_notify_comment_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unchanged comments;
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('lyceum_cache', 'comments:' || OLD.post_id);
    PERFORM pg_notify('lyceum_cache', 'discussion');
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    PERFORM pg_notify('lyceum_cache', 'comment-added:' || NEW.post_id || ':' || NEW.id);
    PERFORM pg_notify('lyceum_cache', 'discussion');
    RETURN NULL;
  END IF;
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
  PERFORM pg_notify('lyceum_cache', 'comments:' || NEW.post_id);
  PERFORM pg_notify('lyceum_cache', 'discussion');
  RETURN NULL;
END $$;
