-- Locked comments and authors' banned commenters (src/moderation), refused by lyceum_add_comment itself: under
-- the post's row lock, so a comment racing a moderator's lock or an author's ban waits for it and is refused,
-- and every path that adds a comment (addComment, approving one held for review) is covered in its one round
-- trip. Same signature and answers as 0014's, plus 'comments_locked' and 'banned_by_author'.
CREATE OR REPLACE FUNCTION lyceum_add_comment(p_id text, p_post_id text, p_parent_id text, p_author_id text,
                                              p_markdown text, p_html text, p_excerpt text, p_excerpt_html text,
                                              p_at timestamptz, p_linked_post_ids text[])
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  parent_post_id text;
  parent_deleted boolean;
  post_author_id text;
  locked boolean;
BEGIN
  -- The row lock comes first now (0014 took it at the count's UPDATE): the lock and ban checks must see the
  -- post as it is when the comment is added. Same lock order as before: the post row, then nothing else.
  SELECT p.author_id, p.comments_locked INTO post_author_id, locked
    FROM posts p WHERE p.id = p_post_id AND p.status = 'published' AND p.deleted_at IS NULL
     FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'post_gone';
  END IF;
  -- Staff may still write in a locked thread, to explain the lock (policy.ts canCommentOn).
  IF locked AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p_author_id AND u.role IN ('admin', 'moderator')) THEN
    RETURN 'comments_locked';
  END IF;
  IF EXISTS (SELECT 1 FROM author_commenter_bans b WHERE b.author_id = post_author_id AND b.user_id = p_author_id) THEN
    RETURN 'banned_by_author';
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
  UPDATE posts p
     SET comment_count = p.comment_count + 1, last_activity_at = greatest(p.last_activity_at, p_at)
   WHERE p.id = p_post_id;
  INSERT INTO post_links (source_kind, source_id, target_post_id)
  SELECT 'comment', p_id, p.id FROM posts p WHERE p.id = ANY (p_linked_post_ids)
  ON CONFLICT DO NOTHING;
  INSERT INTO comments (id, post_id, parent_id, author_id, body_markdown, body_html, excerpt, excerpt_html,
                        created_at)
  VALUES (p_id, p_post_id, p_parent_id, p_author_id, p_markdown, p_html, p_excerpt, p_excerpt_html, p_at);
  PERFORM lyceum_apply_author_vote(p_author_id, 'comment', p_id, NULL);
  RETURN 'added';
END $$;
