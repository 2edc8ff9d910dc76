-- Each vote names the post it is on: the post itself, or the post of the comment voted on. A reader's votes on a
-- post page are then one range of an index (votes_reader_post_idx), however many comments the page shows: probing
-- the votes key once per comment shown (about 200 on a busy thread) took 1.6 ms of PostgreSQL's time a view, the
-- statement costing it most in the forum-day benchmark (readerOnPostPage, votes/queries.ts).
ALTER TABLE votes ADD COLUMN post_id text;

UPDATE votes SET post_id = target_id WHERE target_type = 'post';
UPDATE votes v SET post_id = c.post_id FROM comments c WHERE v.target_type = 'comment' AND c.id = v.target_id;

-- With what the page needs of each vote, so reading them touches no table pages (an index-only scan): for a
-- benchmark reader with 79 votes on a busy thread, 0.1 ms against 0.5 ms reading them from the table.
CREATE INDEX votes_reader_post_idx ON votes (user_id, post_id) INCLUDE (target_id, axis, power, is_strong);

-- Filled on insert, whoever inserts (the vote function, the benchmark's loader, an import of an archive made
-- before this column existed). A comment never moves to another post, so it never needs changing.
CREATE FUNCTION lyceum_vote_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.post_id IS NULL THEN
    NEW.post_id := CASE WHEN NEW.target_type = 'post' THEN NEW.target_id
                        ELSE (SELECT post_id FROM comments WHERE id = NEW.target_id) END;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER votes_post BEFORE INSERT ON votes FOR EACH ROW EXECUTE FUNCTION lyceum_vote_post();
-- Also when rows are written with triggers off (session_replication_role = replica: import, db:move and the
-- benchmark loader, which write comments before votes).
ALTER TABLE votes ENABLE ALWAYS TRIGGER votes_post;
