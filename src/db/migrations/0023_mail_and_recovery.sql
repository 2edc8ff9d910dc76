-- The job queue (src/jobs/), mail (src/mail/) and account recovery (src/accounts/recovery*.ts).

-- Jobs: work done after the request that causes it (sending mail, fan-out). A job is enqueued in the same
-- transaction as the write that causes it, so both commit or neither does. A worker claims due jobs with
-- FOR UPDATE SKIP LOCKED (several workers never take the same one) and leases them until `locked_until`: a worker
-- that dies mid-job leaves it to be claimed again once the lease runs out. `key` is the idempotency key: a second
-- enqueue with the same key is a no-op, however long after the first.
CREATE TABLE jobs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  key text UNIQUE,
  state text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'done', 'failed')),
  run_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 5,
  last_error text,
  locked_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
-- What a worker looks for: waiting jobs by due time.
CREATE INDEX jobs_due ON jobs (run_at) WHERE state = 'waiting';

-- Every message Lyceum sent (through SMTP) or kept (no SMTP_URL: the admins' outbox, /admin/outbox). One row per
-- event: `key` is the mail job's idempotency key, and the row is written in the transaction that marks the job
-- done, so a message is recorded once however often its job runs. Bodies hold live links (reset, verification):
-- the table is left out of exports and shown to admins only.
CREATE TABLE mail_messages (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key text NOT NULL UNIQUE,
  to_address text NOT NULL,
  subject text NOT NULL,
  text_body text NOT NULL,
  html_body text NOT NULL,
  headers jsonb NOT NULL DEFAULT '{}',
  delivery text NOT NULL CHECK (delivery IN ('smtp', 'outbox')),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One-click unsubscribes (List-Unsubscribe): emails of `topic` (a notification event type, e.g. 'reply') are no
-- longer sent to the user.
CREATE TABLE mail_unsubscribes (
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  topic text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, topic)
);

-- Secrets Lyceum makes for itself (the key that signs unsubscribe links), created on first use, shared by every
-- process through the database. Left out of exports: a restored forum makes new ones.
CREATE TABLE app_secrets (
  name text PRIMARY KEY,
  secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One-time links sent by email: verifying an address, confirming a new one, resetting a password. Only the
-- token's hash is stored (as sessions do); `email` is the address the link was sent to (the new one for a change).
CREATE TABLE account_tokens (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('verify-email', 'change-email', 'reset-password')),
  email text NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);

-- When the member proved they read mail at `email`; NULL: no email is sent to them but the links that prove it.
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
