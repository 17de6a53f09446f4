-- §10 notifications: one row per idempotency key, so a retried job never sends the same email twice.
-- `sending` is written before the transport is called; a row stuck there (crash during the send)
-- may be claimed again once its lease is over: at least once, never twice in a row by design.

CREATE TABLE notifications_sent (
  idempotency_key text PRIMARY KEY CHECK (length(idempotency_key) BETWEEN 1 AND 300),
  event text NOT NULL,
  user_id uuid NOT NULL REFERENCES users (id),
  status text NOT NULL CHECK (status IN ('sending', 'sent', 'skipped')),
  message_id text NOT NULL,
  subject text,
  attempts integer NOT NULL DEFAULT 1 CHECK (attempts > 0),
  claimed_at timestamptz NOT NULL,
  sent_at timestamptz,
  created_at timestamptz NOT NULL,
  CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);

CREATE INDEX notifications_sent_user_idx ON notifications_sent (user_id, created_at DESC);
