-- Reports and the review queue (the tables are 0019's): what their pages need beyond them.

-- How many of a reporter's reports were resolved since they last opened /reports. A resolution changes the
-- user's row, so it reaches their cached session (user:<id>, migration 0009) and the header's "Your reports"
-- link with no query on any page.
ALTER TABLE users ADD COLUMN unseen_report_resolutions integer NOT NULL DEFAULT 0;

-- How many comments of this user are in pending_comments (waiting, or rejected and kept for them to read). The
-- post page looks for a reader's pending comments only when it is above 0, so other readers pay nothing.
ALTER TABLE users ADD COLUMN pending_comment_count integer NOT NULL DEFAULT 0;

-- A rejected comment stays with its reason, shown to its author on the post page; it leaves the queue.
ALTER TABLE pending_comments ADD COLUMN rejected_at timestamptz;
ALTER TABLE pending_comments ADD COLUMN rejected_by text REFERENCES users (id);
ALTER TABLE pending_comments ADD COLUMN rejection_reason text NOT NULL DEFAULT '';
CREATE INDEX pending_comments_waiting_idx ON pending_comments (created_at, id) WHERE rejected_at IS NULL;

-- A rejected post goes back to its author's drafts with the moderator's reason, cleared when they submit again.
ALTER TABLE posts ADD COLUMN review_rejection text;
