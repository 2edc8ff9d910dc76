-- The karma tiers' write limits and new members' link limit (src/limits/writes.ts), decided in one statement:
-- addComment runs it and lyceum_add_comment together, so adding a comment stays one round trip.
--
-- lyceum_admit_write: may p_user_id write one more post or comment (p_kind) carrying p_links links to other sites?
-- p_counted: whether it counts against the tier (a new comment, a post's first publication; not an edit). The
-- settings are site_settings' 'rateLimits' row, or p_defaults (settings.ts, which validates every stored value)
-- when there is none; p_new_member_karma and p_window_seconds (a week for posts, a day for comments) are
-- limits.ts NEW_MEMBER_KARMA and WRITE_WINDOWS. Outcomes: 'admitted', 'too_many_links'
-- (allowed: the most), 'rate_limited' (bound: the tier's karma bound, allowed, written, free_at: when the next
-- one fits, null when the tier allows none; at: now). Staff are always admitted.
--
-- What counts: posts published or awaiting review (deleted ones too) by their publication or submission time in
-- the last week; comments (deleted and retracted ones too) and comments awaiting review by their writing time in
-- the last day.
CREATE FUNCTION lyceum_admit_write(p_user_id text, p_kind text, p_links integer, p_counted boolean, p_defaults jsonb,
                                   p_new_member_karma integer, p_window_seconds integer)
RETURNS TABLE (outcome text, bound integer, allowed integer, written integer, free_at timestamptz,
               at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
  v_karma integer;
  v_role text;
  v_limits jsonb;
  v_max_links integer;
  v_window interval := make_interval(secs => p_window_seconds);
  v_oldest timestamptz;
BEGIN
  at := now();
  -- One member's counted writes wait for each other here until commit (4201774: the writer lock namespace,
  -- beside the migrator's 4201771, the demo loader's 4201772 and the voter lock 4201773), so parallel requests
  -- cannot all pass the count. Taken before any row lock (a caller locking a post row takes it first too), and
  -- each statement below reads a fresh snapshot (READ COMMITTED), so it sees what the previous write committed.
  IF p_counted THEN
    PERFORM pg_advisory_xact_lock(4201774, hashtext(p_user_id));
  END IF;
  SELECT u.karma, u.role INTO v_karma, v_role FROM users u WHERE u.id = p_user_id;
  IF NOT FOUND OR v_role IN ('admin', 'moderator') THEN
    outcome := 'admitted';
    RETURN NEXT;
    RETURN;
  END IF;
  v_limits := coalesce((SELECT s.value FROM site_settings s WHERE s.key = 'rateLimits'), p_defaults);
  v_max_links := (v_limits ->> 'newMemberLinks')::integer;
  IF v_karma < p_new_member_karma AND v_max_links IS NOT NULL AND p_links > v_max_links THEN
    outcome := 'too_many_links';
    allowed := v_max_links;
    RETURN NEXT;
    RETURN;
  END IF;
  -- The lowest tier whose bound the member's karma is below applies.
  SELECT (t ->> 'belowKarma')::integer,
         (t ->> CASE WHEN p_kind = 'post' THEN 'postsPerWeek' ELSE 'commentsPerDay' END)::integer
    INTO bound, allowed
    FROM jsonb_array_elements(coalesce(v_limits -> 'tiers', '[]'::jsonb)) t
   WHERE v_karma < (t ->> 'belowKarma')::integer
   ORDER BY (t ->> 'belowKarma')::integer
   LIMIT 1;
  IF NOT p_counted OR bound IS NULL THEN
    outcome := 'admitted';
    RETURN NEXT;
    RETURN;
  END IF;
  -- The `allowed` newest in the window (index scans: posts_author_idx, comments_author_idx,
  -- pending_comments_author_idx); the next write fits once the oldest of them leaves it.
  IF p_kind = 'post' THEN
    SELECT count(*)::integer, min(w.t) INTO written, v_oldest FROM (
      SELECT coalesce(p.published_at, p.submitted_at) AS t FROM posts p
       WHERE p.author_id = p_user_id AND p.status IN ('published', 'pending')
         AND coalesce(p.published_at, p.submitted_at) > now() - v_window
       ORDER BY 1 DESC LIMIT allowed) w;
  ELSE
    SELECT count(*)::integer, min(w.t) INTO written, v_oldest FROM (
      SELECT c.created_at AS t FROM comments c WHERE c.author_id = p_user_id AND c.created_at > now() - v_window
      UNION ALL
      SELECT pc.created_at FROM pending_comments pc
       WHERE pc.author_id = p_user_id AND pc.created_at > now() - v_window
       ORDER BY 1 DESC LIMIT allowed) w;
  END IF;
  IF written < allowed THEN
    outcome := 'admitted';
  ELSE
    outcome := 'rate_limited';
    free_at := v_oldest + v_window;
  END IF;
  RETURN NEXT;
END $$;
