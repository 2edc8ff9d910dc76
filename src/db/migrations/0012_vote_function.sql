-- Votes and new comments as one round trip: functions that do the checks, the writes and the counter updates
-- in one call, so row locks are held for one statement instead of across a dozen round trips. The TypeScript
-- services (src/votes/service.ts, src/comments/service.ts) validate input, call them and map their outcome to
-- the app's errors. Tests keep each SQL twin of a TypeScript rule equal to it (test/votes/cast-function.test.ts,
-- and the magic score test in test/votes/service.test.ts).

-- The frontpage "magic" formula, (base_score + bonus) / (age_hours + 2) ^ 1.15 with a future age counted as 0:
-- the one SQL definition, which src/votes/ranking.ts and the vote function call (magicScore there is its
-- TypeScript twin). Simple SQL functions: the planner inlines them.
CREATE FUNCTION lyceum_magic_score(base_score double precision, bonus double precision, scored_from timestamptz,
                                   as_of timestamptz) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (base_score + bonus)
         / power(greatest(extract(epoch FROM (as_of - scored_from))::float8 / 3600, 0) + 2::float8, 1.15::float8)
$$;

-- A post's stored magic score: the formula for a published post (frontpage bonus 0: every published post is on
-- the frontpage and nothing is curated yet), NULL for a draft.
CREATE FUNCTION lyceum_post_magic_score(status text, published_at timestamptz, base_score integer)
RETURNS double precision
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN status = 'published' AND published_at IS NOT NULL
              THEN lyceum_magic_score(base_score, 0::float8, published_at, now()) END
$$;

-- votePower (src/votes/power.ts): a normal vote counts 2 from 1,000 karma, else 1; a strong vote counts 1 plus
-- the number of thresholds the karma has reached (width_bucket over the ascending thresholds).
CREATE FUNCTION lyceum_vote_power(karma integer, strong boolean) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN NOT strong THEN CASE WHEN karma >= 1000 THEN 2 ELSE 1 END
    ELSE 1 + width_bucket(karma, ARRAY[10, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 75000, 100000,
                                       175000, 250000, 500000])
  END
$$;

-- applyAuthorVote: records the author's own normal upvote on their new post or comment and adds it to the score
-- and vote count (never to their karma). p_karma is the author's karma, read when NULL. Applying it twice
-- changes nothing. A target that is missing or not by this author is a programming error: it raises.
CREATE FUNCTION lyceum_apply_author_vote(p_author_id text, p_target_type text, p_target_id text, p_karma integer)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  author_power integer;
BEGIN
  IF p_karma IS NULL THEN
    SELECT u.karma INTO p_karma FROM users u WHERE u.id = p_author_id;
  END IF;
  author_power := lyceum_vote_power(coalesce(p_karma, 0), false);
  INSERT INTO votes (user_id, target_type, target_id, axis, power, is_strong)
  VALUES (p_author_id, p_target_type, p_target_id, 'karma', author_power, false)
  ON CONFLICT (user_id, target_type, target_id, axis) DO NOTHING;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF p_target_type = 'post' THEN
    UPDATE posts p
       SET base_score = p.base_score + author_power, vote_count = p.vote_count + 1,
           magic_score = lyceum_post_magic_score(p.status, p.published_at, p.base_score + author_power)
     WHERE p.id = p_target_id AND p.author_id = p_author_id;
  ELSE
    UPDATE comments c SET base_score = c.base_score + author_power, vote_count = c.vote_count + 1
     WHERE c.id = p_target_id AND c.author_id = p_author_id;
  END IF;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'applyAuthorVote: no % % by %', p_target_type, p_target_id, p_author_id;
  END IF;
END $$;

-- castVote after validation: casts, switches or cancels one user's vote on a post or comment, with everything
-- it moves (the target's score and vote count on that axis, the author's karma on the karma axis, a post's
-- magic score) and the voter's rate limit. p_shown is the vote the page showed: a kind, 'none', or NULL when
-- the request did not say (then pressing toggles against the stored vote).
--
-- Refusals are outcomes, not errors, and write nothing: 'rate_limited' (recent_actions and wait_seconds say
-- more), 'not_found', 'own', 'no_voter'. Success is 'changed' or 'unchanged' (the request asked for the vote
-- already stored: no write, and no action counted).
--
-- Lock order, the same in every vote so votes never deadlock one another: the voter (advisory lock) → the
-- target row → the voter's vote row → the author's user row.
CREATE FUNCTION lyceum_cast_vote(p_voter_id text, p_target_type text, p_target_id text, p_axis text, p_kind text,
                                 p_shown text, p_votes_per_hour integer)
RETURNS TABLE (outcome text, score integer, vote_count integer, vote text, recent_actions integer,
               wait_seconds double precision)
LANGUAGE plpgsql AS $$
DECLARE
  author_id text;
  voter_karma integer;
  had_vote boolean;
  old_power integer;
  old_strong boolean;
  current_vote text;
  pressed text;
  wanted text;
  wanted_strong boolean;
  new_power integer := 0;
  delta integer;
  count_delta integer;
BEGIN
  -- One voter's votes wait for each other here until commit (4201773: the voter lock namespace, beside the
  -- migrator's 4201771 and the demo loader's 4201772), so parallel requests cannot all pass the count and
  -- overshoot the limit. Taken before any row lock, so it cannot deadlock with them. Each statement below reads
  -- a fresh snapshot (READ COMMITTED), so it sees what the voter's previous vote committed.
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

  -- The visible target, locked until commit: this serializes every vote on it (a double submit cannot read "no
  -- vote yet" twice even from a writer that skipped the voter lock), and a concurrent delete lands before this
  -- vote (not_found) or after it, never in between.
  IF p_target_type = 'post' THEN
    SELECT p.author_id, p.base_score, p.vote_count INTO author_id, score, vote_count
      FROM posts p
     WHERE p.id = p_target_id AND p.status = 'published' AND p.deleted_at IS NULL
       FOR UPDATE;
  ELSE
    SELECT c.author_id,
           CASE WHEN p_axis = 'karma' THEN c.base_score ELSE c.agreement_score END,
           CASE WHEN p_axis = 'karma' THEN c.vote_count ELSE c.agreement_vote_count END
      INTO author_id, score, vote_count
      FROM comments c JOIN posts p ON p.id = c.post_id
     WHERE c.id = p_target_id AND NOT c.deleted AND p.status = 'published' AND p.deleted_at IS NULL
       FOR UPDATE OF c;
  END IF;
  IF NOT FOUND THEN
    outcome := 'not_found';
    RETURN NEXT;
    RETURN;
  END IF;
  IF author_id = p_voter_id THEN
    outcome := 'own';
    RETURN NEXT;
    RETURN;
  END IF;
  SELECT u.karma INTO voter_karma FROM users u WHERE u.id = p_voter_id;
  IF NOT FOUND THEN
    outcome := 'no_voter';
    RETURN NEXT;
    RETURN;
  END IF;

  -- Read after the target lock: a concurrent vote by this voter on this target has committed or not started.
  SELECT v.power, v.is_strong INTO old_power, old_strong
    FROM votes v
   WHERE v.user_id = p_voter_id AND v.target_type = p_target_type AND v.target_id = p_target_id
     AND v.axis = p_axis;
  had_vote := FOUND;
  -- kindOfVote (src/votes/kinds.ts): the button the stored vote corresponds to.
  current_vote := CASE
    WHEN NOT had_vote THEN NULL
    WHEN p_axis = 'agreement' THEN CASE WHEN old_power > 0 THEN 'agree' ELSE 'disagree' END
    WHEN old_power > 0 THEN CASE WHEN old_strong THEN 'strongUp' ELSE 'up' END
    ELSE CASE WHEN old_strong THEN 'strongDown' ELSE 'down' END
  END;
  -- Pressing the button the page showed pressed cancels; any other button sets that vote.
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
    new_power := CASE WHEN wanted IN ('up', 'strongUp', 'agree') THEN 1 ELSE -1 END
                 * lyceum_vote_power(voter_karma, wanted_strong);
  END IF;
  IF wanted IS NULL THEN
    DELETE FROM votes v
     WHERE v.user_id = p_voter_id AND v.target_type = p_target_type AND v.target_id = p_target_id
       AND v.axis = p_axis;
  ELSIF had_vote THEN
    UPDATE votes v SET power = new_power, is_strong = wanted_strong, created_at = now()
     WHERE v.user_id = p_voter_id AND v.target_type = p_target_type AND v.target_id = p_target_id
       AND v.axis = p_axis;
  ELSE
    -- Race prevented by the unique (user, target, axis) constraint: any path that skipped the locks and
    -- inserted the same vote twice fails instead of counting one voter twice.
    INSERT INTO votes (user_id, target_type, target_id, axis, power, is_strong)
    VALUES (p_voter_id, p_target_type, p_target_id, p_axis, new_power, wanted_strong);
  END IF;

  delta := new_power - coalesce(old_power, 0);
  count_delta := (wanted IS NOT NULL)::int - had_vote::int;
  IF p_target_type = 'post' THEN
    UPDATE posts p
       SET base_score = p.base_score + delta, vote_count = p.vote_count + count_delta,
           magic_score = lyceum_post_magic_score(p.status, p.published_at, p.base_score + delta)
     WHERE p.id = p_target_id
    RETURNING p.base_score, p.vote_count INTO score, vote_count;
  ELSIF p_axis = 'karma' THEN
    UPDATE comments c SET base_score = c.base_score + delta, vote_count = c.vote_count + count_delta
     WHERE c.id = p_target_id
    RETURNING c.base_score, c.vote_count INTO score, vote_count;
  ELSE
    UPDATE comments c
       SET agreement_score = c.agreement_score + delta, agreement_vote_count = c.agreement_vote_count + count_delta
     WHERE c.id = p_target_id
    RETURNING c.agreement_score, c.agreement_vote_count INTO score, vote_count;
  END IF;
  IF p_axis = 'karma' AND delta <> 0 THEN
    UPDATE users u SET karma = u.karma + delta WHERE u.id = author_id;
  END IF;

  -- The action counts against the voter's quota (a cancellation too, or cast/cancel loops would be
  -- unlimited); their actions older than the window are forgotten.
  DELETE FROM vote_actions a WHERE a.user_id = p_voter_id AND a.acted_at <= now() - interval '1 hour';
  INSERT INTO vote_actions (user_id) VALUES (p_voter_id);
  outcome := 'changed';
  vote := wanted;
  RETURN NEXT;
END $$;

-- addComment after rendering: checks that the post is visible and the parent (if any) is a live comment of
-- it, then counts the comment on the post (locking the post row, which serializes concurrent comments on it so
-- the count stays exact), records its links to posts, inserts it and applies its author's own vote. Returns
-- 'added', or a refusal that wrote nothing: 'post_gone', 'parent_elsewhere', 'parent_deleted'.
CREATE FUNCTION lyceum_add_comment(p_id text, p_post_id text, p_parent_id text, p_author_id text, p_markdown text,
                                   p_html text, p_excerpt text, p_at timestamptz, p_linked_post_ids text[])
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  parent_post_id text;
  parent_deleted boolean;
BEGIN
  PERFORM 1 FROM posts p WHERE p.id = p_post_id AND p.status = 'published' AND p.deleted_at IS NULL;
  IF NOT FOUND THEN
    RETURN 'post_gone';
  END IF;
  IF p_parent_id IS NOT NULL THEN
    SELECT c.post_id, c.deleted INTO parent_post_id, parent_deleted FROM comments c WHERE c.id = p_parent_id;
    IF parent_post_id IS DISTINCT FROM p_post_id THEN
      RETURN 'parent_elsewhere';
    END IF;
    IF parent_deleted THEN
      RETURN 'parent_deleted';
    END IF;
  END IF;
  -- Re-checked under the row lock: a post unpublished or deleted since the check above takes nothing with it.
  UPDATE posts p
     SET comment_count = p.comment_count + 1, last_activity_at = greatest(p.last_activity_at, p_at)
   WHERE p.id = p_post_id AND p.status = 'published' AND p.deleted_at IS NULL;
  IF NOT FOUND THEN
    RETURN 'post_gone';
  END IF;
  INSERT INTO post_links (source_kind, source_id, target_post_id)
  SELECT 'comment', p_id, p.id FROM posts p WHERE p.id = ANY (p_linked_post_ids)
  ON CONFLICT DO NOTHING;
  INSERT INTO comments (id, post_id, parent_id, author_id, body_markdown, body_html, excerpt, created_at)
  VALUES (p_id, p_post_id, p_parent_id, p_author_id, p_markdown, p_html, p_excerpt, p_at);
  PERFORM lyceum_apply_author_vote(p_author_id, 'comment', p_id, NULL);
  RETURN 'added';
END $$;
