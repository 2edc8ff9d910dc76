-- Every comment rewrites its post's row (its count and last activity; last_activity_at is indexed, so never as a
-- HOT update), which adds the row's title entries to these GIN indexes again. With fastupdate they gathered in a
-- pending list that every search of posts, and every suggestion, read whole until a vacuum: 36,600 entries after
-- the benchmarks' writes, 7 ms of each search. A title is a few entries, so they go straight into the index.
ALTER INDEX posts_title_search_idx SET (fastupdate = off);
ALTER INDEX posts_title_trgm_idx SET (fastupdate = off);
SELECT gin_clean_pending_list('posts_title_search_idx'::regclass);
SELECT gin_clean_pending_list('posts_title_trgm_idx'::regclass);
