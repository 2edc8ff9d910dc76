-- Excerpts as HTML beside the plain-text ones: the same words with each formula typeset (MathML, drawn by the
-- browser without KaTeX's stylesheet), rendered when the content is saved. '' when the excerpt holds no
-- typeset formula: pages then show the plain excerpt, which is the same text. Rows saved before this column
-- existed get theirs from `npm run rerender`.
ALTER TABLE posts ADD COLUMN excerpt_html text NOT NULL DEFAULT '';
ALTER TABLE comments ADD COLUMN excerpt_html text NOT NULL DEFAULT '';
ALTER TABLE sequences ADD COLUMN description_excerpt_html text NOT NULL DEFAULT '';

-- lyceum_add_comment (0012) with the HTML excerpt; same checks, same single round trip.
DROP FUNCTION lyceum_add_comment(text, text, text, text, text, text, text, timestamptz, text[]);
CREATE FUNCTION lyceum_add_comment(p_id text, p_post_id text, p_parent_id text, p_author_id text, p_markdown text,
                                   p_html text, p_excerpt text, p_excerpt_html text,
                                   p_at timestamptz, p_linked_post_ids text[])
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
  INSERT INTO comments (id, post_id, parent_id, author_id, body_markdown, body_html, excerpt, excerpt_html,
                        created_at)
  VALUES (p_id, p_post_id, p_parent_id, p_author_id, p_markdown, p_html, p_excerpt, p_excerpt_html, p_at);
  PERFORM lyceum_apply_author_vote(p_author_id, 'comment', p_id, NULL);
  RETURN 'added';
END $$;
