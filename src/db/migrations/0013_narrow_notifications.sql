-- Change notifications as narrow as what changed (the invalidation table is in src/cache/caches.ts and
-- docs/ARCHITECTURE.md). Before this, any vote or comment announced "post:<id>", which also drops every list,
-- feed and profile: on a busy forum the shared pages were rebuilt many times a second.
--
-- A post row announces:
--   post:<id>         created, deleted, or anything but its counters changed (title, text, status…);
--   post-counts:<id>  its score, vote count or comment count changed, nothing else (lists follow within seconds);
--   lists             only its rank changed (magic score, last activity).
-- The comparison copies the counters into OLD and compares whole rows, so a column added later counts as
-- content without touching this function.

CREATE OR REPLACE FUNCTION lyceum_notify_post_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unchanged posts;
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('lyceum_cache', 'post:' || OLD.id);
    RETURN NULL;
  ELSIF TG_OP = 'INSERT' THEN
    PERFORM pg_notify('lyceum_cache', 'post:' || NEW.id);
    RETURN NULL;
  END IF;
  unchanged := OLD;
  unchanged.base_score := NEW.base_score;
  unchanged.vote_count := NEW.vote_count;
  unchanged.comment_count := NEW.comment_count;
  unchanged.magic_score := NEW.magic_score;
  unchanged.last_activity_at := NEW.last_activity_at;
  IF unchanged IS DISTINCT FROM NEW THEN
    PERFORM pg_notify('lyceum_cache', 'post:' || NEW.id);
  ELSIF NEW.base_score IS DISTINCT FROM OLD.base_score OR NEW.vote_count IS DISTINCT FROM OLD.vote_count
     OR NEW.comment_count IS DISTINCT FROM OLD.comment_count THEN
    PERFORM pg_notify('lyceum_cache', 'post-counts:' || NEW.id);
  ELSIF NEW.magic_score IS DISTINCT FROM OLD.magic_score OR NEW.last_activity_at IS DISTINCT FROM OLD.last_activity_at THEN
    PERFORM pg_notify('lyceum_cache', 'lists');
  END IF;
  RETURN NULL;
END $$;

-- A comment row announces comment-scores:<post id> when only its scores changed (a vote: the post's rendered
-- comment tree stays, only the scores shown on it are read again), and otherwise comments:<post id> and
-- "discussion" (Recent Discussion shows the newest comments).
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
        PERFORM pg_notify('lyceum_cache', 'comment-scores:' || NEW.post_id);
      END IF;
      RETURN NULL;
    END IF;
  END IF;
  PERFORM pg_notify('lyceum_cache', 'comments:' || NEW.post_id);
  PERFORM pg_notify('lyceum_cache', 'discussion');
  RETURN NULL;
END $$;
