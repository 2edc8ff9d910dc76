-- Votes on two axes (karma on posts and comments, agreement on comments), the counters they maintain, and the
-- stored frontpage "magic" score. Schema only: magic_score of existing posts is filled by refreshMagicScores.

CREATE TABLE votes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id),
  target_type text NOT NULL CHECK (target_type IN ('post', 'comment')),
  -- A post's or a comment's id (no foreign key: the target table depends on target_type).
  target_id text NOT NULL,
  axis text NOT NULL CHECK (axis IN ('karma', 'agreement')),
  -- Signed vote power at the time of voting: positive up/agree, negative down/disagree. Stored, so cancelling
  -- or switching later subtracts exactly what was added even if the voter's karma has changed since.
  power smallint NOT NULL CHECK (power <> 0 AND power BETWEEN -16 AND 16),
  is_strong boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- One vote per user, target and axis: a double submit can never count twice.
  UNIQUE (user_id, target_type, target_id, axis),
  CHECK (axis = 'karma' OR target_type = 'comment')
);
-- Recount and per-target lookups; the unique index above serves "this user's votes on these targets".
CREATE INDEX votes_target_idx ON votes (target_type, target_id, axis);

-- Every vote action (cast, switch, cancel) of the last hour, for the rate limit: cancelling a vote must not
-- give the quota back, or cast/cancel loops would be unlimited. castVote prunes a voter's old rows.
CREATE TABLE vote_actions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  acted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vote_actions_user_idx ON vote_actions (user_id, acted_at);

ALTER TABLE comments ADD COLUMN agreement_score integer NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN agreement_vote_count integer NOT NULL DEFAULT 0;

-- (base_score + bonus) / (age_hours + 2) ^ 1.15, refreshed on each vote and periodically (votes/ranking.ts);
-- NULL for drafts and for posts not scored yet, which sort last.
ALTER TABLE posts ADD COLUMN magic_score double precision;
CREATE INDEX posts_magic_idx ON posts (magic_score DESC NULLS LAST, id)
  WHERE status = 'published' AND deleted_at IS NULL;
