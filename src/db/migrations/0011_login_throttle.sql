-- Login throttling as one draining counter per key (src/accounts/throttle.ts) instead of a row per failure.
-- A key is one account tried from one address, one address, or one account from anywhere. Each attempt
-- adds 1 to `level` in the same statement that reads it back (INSERT … ON CONFLICT DO UPDATE … RETURNING),
-- so concurrent attempts cannot all pass a check made before any of them was counted. The level drains by
-- one every `drain_seconds` (applied lazily, on the next attempt, from `updated_at`).
CREATE TABLE login_throttle (
  key text PRIMARY KEY,
  level double precision NOT NULL,
  drain_seconds double precision NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Failures recorded under the old scheme expire within its 15-minute window; nothing to carry over.
DROP TABLE login_failures;
