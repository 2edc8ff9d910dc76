-- Post–tag links (tables in 0015): their counters kept exact by the database, relevance votes in one call, and
-- the change notifications a link change makes (the invalidation table in docs/ARCHITECTURE.md).
--
-- tags.post_count counts a tag's links at relevance >= 0 whose post is published and not deleted. Two triggers
-- keep it: one on post_tags (a link added, removed or voted across 0) and one on posts (published, unpublished,
-- deleted). Race prevented: a link write whose count depends on its post's state takes a share lock on the post
-- row, and publishing holds that row locked, so a link added while its post is being published is counted by
-- exactly one of the two (whichever goes second sees what the first committed).

-- Whether the relevance vote records strength (as votes.is_strong does), so the page can show which button is
-- pressed and pressing it again cancels.
ALTER TABLE post_tag_votes ADD COLUMN is_strong boolean NOT NULL DEFAULT false;

CREATE FUNCTION lyceum_post_tag_link_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_shown boolean := TG_OP <> 'INSERT' AND OLD.relevance >= 0;
  new_shown boolean := TG_OP <> 'DELETE' AND NEW.relevance >= 0;
  same_link boolean := TG_OP = 'UPDATE' AND OLD.post_id = NEW.post_id AND OLD.tag_id = NEW.tag_id;
  counted boolean;
BEGIN
  IF same_link THEN
    IF old_shown <> new_shown THEN
      SELECT p.status = 'published' AND p.deleted_at IS NULL INTO counted FROM posts p WHERE p.id = NEW.post_id FOR SHARE;
      IF counted THEN
        UPDATE tags t SET post_count = t.post_count + CASE WHEN new_shown THEN 1 ELSE -1 END WHERE t.id = NEW.tag_id;
      END IF;
    END IF;
  ELSE
    -- Added, removed, or moved to another post or tag (a merge): the old link leaves its count, the new one joins.
    IF old_shown THEN
      SELECT p.status = 'published' AND p.deleted_at IS NULL INTO counted FROM posts p WHERE p.id = OLD.post_id FOR SHARE;
      IF counted THEN
        UPDATE tags t SET post_count = t.post_count - 1 WHERE t.id = OLD.tag_id;
      END IF;
    END IF;
    IF new_shown THEN
      SELECT p.status = 'published' AND p.deleted_at IS NULL INTO counted FROM posts p WHERE p.id = NEW.post_id FOR SHARE;
      IF counted THEN
        UPDATE tags t SET post_count = t.post_count + 1 WHERE t.id = NEW.tag_id;
      END IF;
    END IF;
  END IF;

  -- The post's tag list (post-tags:<post id>: its page, nothing else of the post's) and the tag's page and feed.
  IF TG_OP <> 'INSERT' THEN
    PERFORM pg_notify('lyceum_cache', 'post-tags:' || OLD.post_id);
    PERFORM pg_notify('lyceum_cache', 'tag:' || OLD.tag_id);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    PERFORM pg_notify('lyceum_cache', 'post-tags:' || NEW.post_id);
    PERFORM pg_notify('lyceum_cache', 'tag:' || NEW.tag_id);
  END IF;
  -- (Lists filtered by tag hear of links crossing 0 from migration 0017's "tag-links".)
  RETURN NULL;
END $$;

CREATE TRIGGER post_tags_change AFTER INSERT OR UPDATE OR DELETE ON post_tags
  FOR EACH ROW EXECUTE FUNCTION lyceum_post_tag_link_change();

-- A post published, unpublished or deleted: each of its links at relevance >= 0 enters or leaves its tag's
-- count. The tag rows are locked in id order first, so two posts changing at once never deadlock on them.
CREATE FUNCTION lyceum_post_visibility_tag_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta integer := CASE WHEN NEW.status = 'published' AND NEW.deleted_at IS NULL THEN 1 ELSE -1 END;
BEGIN
  PERFORM 1 FROM tags t
    WHERE t.id IN (SELECT pt.tag_id FROM post_tags pt WHERE pt.post_id = NEW.id AND pt.relevance >= 0)
    ORDER BY t.id FOR UPDATE;
  UPDATE tags t SET post_count = t.post_count + delta
    FROM post_tags pt
   WHERE pt.post_id = NEW.id AND pt.relevance >= 0 AND t.id = pt.tag_id;
  PERFORM pg_notify('lyceum_cache', 'tag:' || pt.tag_id)
     FROM post_tags pt WHERE pt.post_id = NEW.id AND pt.relevance >= 0;
  RETURN NULL;
END $$;

CREATE TRIGGER posts_tag_counts AFTER UPDATE ON posts
  FOR EACH ROW
  WHEN ((OLD.status = 'published' AND OLD.deleted_at IS NULL)
        IS DISTINCT FROM (NEW.status = 'published' AND NEW.deleted_at IS NULL))
  EXECUTE FUNCTION lyceum_post_visibility_tag_counts();

-- A tag renamed, moved to a new slug, deleted or merged: every post showing it shows its tag list again.
CREATE FUNCTION lyceum_notify_tag_on_posts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('lyceum_cache', 'post-tags:' || pt.post_id) FROM post_tags pt WHERE pt.tag_id = NEW.id;
  RETURN NULL;
END $$;

CREATE TRIGGER tags_notify_post_tags AFTER UPDATE ON tags
  FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.slug IS DISTINCT FROM NEW.slug
        OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at OR OLD.merged_into_id IS DISTINCT FROM NEW.merged_into_id)
  EXECUTE FUNCTION lyceum_notify_tag_on_posts();

-- voteOnRelevance (src/tags/relevance.ts) after validation: casts, switches or cancels one user's vote on a
-- link's relevance (kinds up, down, strongUp, strongDown; power from lyceum_vote_power, migration 0012), moving
-- post_tags.relevance and vote_count by exactly what changed. p_shown is the vote the page showed (a kind,
-- 'none', or NULL to toggle against the stored vote), as in lyceum_cast_vote: a repeated submit changes
-- nothing. p_votes_per_hour NULL skips the rate limit (the author's own choices in the editor).
--
-- Outcomes: 'changed', 'unchanged', and refusals that write nothing: 'rate_limited', 'not_found' (no such
-- link, its tag deleted, or its post not visible to the voter), 'no_voter'.
--
-- Lock order, the same as every link write: the voter (advisory lock, as castVote) → the post row (share) →
-- the link row (update) → the tag row (when the count moves). The link lock serializes every vote on it, so a
-- double submit cannot read "no vote yet" twice.
CREATE FUNCTION lyceum_vote_tag_relevance(p_voter_id text, p_post_id text, p_tag_id text, p_kind text,
                                          p_shown text, p_votes_per_hour integer)
RETURNS TABLE (outcome text, relevance integer, vote_count integer, vote text, recent_actions integer,
               wait_seconds double precision)
LANGUAGE plpgsql AS $$
DECLARE
  voter_karma integer;
  had_vote boolean;
  old_power integer;
  old_strong boolean;
  current_vote text;
  pressed text;
  wanted text;
  wanted_strong boolean := false;
  new_power integer := 0;
BEGIN
  recent_actions := 0;
  IF p_votes_per_hour IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(4201773, hashtext(p_voter_id));
    SELECT count(*)::int,
           extract(epoch FROM (
             (SELECT a.acted_at FROM vote_actions a WHERE a.user_id = p_voter_id
               ORDER BY a.acted_at DESC OFFSET p_votes_per_hour - 1 LIMIT 1)
             + interval '1 hour' - now()))::float8
      INTO recent_actions, wait_seconds
      FROM vote_actions a
     WHERE a.user_id = p_voter_id AND a.acted_at > now() - interval '1 hour';
    IF recent_actions >= p_votes_per_hour THEN
      outcome := 'rate_limited';
      RETURN NEXT;
      RETURN;
    END IF;
  END IF;

  PERFORM 1 FROM posts p
    WHERE p.id = p_post_id AND p.deleted_at IS NULL AND (p.status = 'published' OR p.author_id = p_voter_id)
    FOR SHARE;
  IF NOT FOUND THEN
    outcome := 'not_found';
    RETURN NEXT;
    RETURN;
  END IF;
  SELECT pt.relevance, pt.vote_count INTO relevance, vote_count
    FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
   WHERE pt.post_id = p_post_id AND pt.tag_id = p_tag_id AND t.deleted_at IS NULL
     FOR UPDATE OF pt;
  IF NOT FOUND THEN
    outcome := 'not_found';
    RETURN NEXT;
    RETURN;
  END IF;
  SELECT u.karma INTO voter_karma FROM users u WHERE u.id = p_voter_id;
  IF NOT FOUND THEN
    outcome := 'no_voter';
    RETURN NEXT;
    RETURN;
  END IF;

  SELECT v.power, v.is_strong INTO old_power, old_strong
    FROM post_tag_votes v
   WHERE v.user_id = p_voter_id AND v.post_id = p_post_id AND v.tag_id = p_tag_id;
  had_vote := FOUND;
  -- kindOfVote (src/votes/kinds.ts), karma axis.
  current_vote := CASE
    WHEN NOT had_vote THEN NULL
    WHEN old_power > 0 THEN CASE WHEN old_strong THEN 'strongUp' ELSE 'up' END
    ELSE CASE WHEN old_strong THEN 'strongDown' ELSE 'down' END
  END;
  pressed := CASE WHEN p_shown IS NULL THEN current_vote WHEN p_shown = 'none' THEN NULL ELSE p_shown END;
  wanted := CASE WHEN pressed IS NOT DISTINCT FROM p_kind THEN NULL ELSE p_kind END;
  IF wanted IS NOT DISTINCT FROM current_vote THEN
    outcome := 'unchanged';
    vote := current_vote;
    RETURN NEXT;
    RETURN;
  END IF;

  IF wanted IS NOT NULL THEN
    wanted_strong := wanted IN ('strongUp', 'strongDown');
    new_power := CASE WHEN wanted IN ('up', 'strongUp') THEN 1 ELSE -1 END
                 * lyceum_vote_power(voter_karma, wanted_strong);
  END IF;
  IF wanted IS NULL THEN
    DELETE FROM post_tag_votes v
     WHERE v.user_id = p_voter_id AND v.post_id = p_post_id AND v.tag_id = p_tag_id;
  ELSIF had_vote THEN
    UPDATE post_tag_votes v SET power = new_power, is_strong = wanted_strong, created_at = now()
     WHERE v.user_id = p_voter_id AND v.post_id = p_post_id AND v.tag_id = p_tag_id;
  ELSE
    -- The primary key (user, post, tag) refuses a second vote from any path that skipped the link lock.
    INSERT INTO post_tag_votes (user_id, post_id, tag_id, power, is_strong)
    VALUES (p_voter_id, p_post_id, p_tag_id, new_power, wanted_strong);
  END IF;

  UPDATE post_tags pt
     SET relevance = pt.relevance + new_power - coalesce(old_power, 0),
         vote_count = pt.vote_count + (wanted IS NOT NULL)::int - had_vote::int
   WHERE pt.post_id = p_post_id AND pt.tag_id = p_tag_id
  RETURNING pt.relevance, pt.vote_count INTO relevance, vote_count;

  IF p_votes_per_hour IS NOT NULL THEN
    DELETE FROM vote_actions a WHERE a.user_id = p_voter_id AND a.acted_at <= now() - interval '1 hour';
    INSERT INTO vote_actions (user_id) VALUES (p_voter_id);
  END IF;
  outcome := 'changed';
  vote := wanted;
  RETURN NEXT;
END $$;

-- Counts made before these triggers existed (none in a new database; tags added by hand otherwise).
UPDATE tags t SET post_count = (
  SELECT count(*)::int FROM post_tags pt JOIN posts p ON p.id = pt.post_id
   WHERE pt.tag_id = t.id AND pt.relevance >= 0 AND p.status = 'published' AND p.deleted_at IS NULL);
