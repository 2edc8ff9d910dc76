-- Every vote rewrites its target author's row (karma). Karma is not indexed, so the rewrite can stay on the row's
-- own page (a HOT update) and touch no index, but only if the page has room: with pages filled whole, 17 % of
-- the benchmark's karma updates went to another page and added an entry to each index of users, two GIN indexes
-- (names, search) among them. With a fifth of each page kept free (pages written from now on, or rewritten by
-- VACUUM FULL) it was 0.9 %. Comments, whose scores every vote rewrites too, are wider than a tenth of a page:
-- room for them would cost a third of the largest table, so they are left as they are (see docs/ARCHITECTURE.md).
ALTER TABLE users SET (fillfactor = 80);
