-- SPEC §11: `Idempotency-Key` on POST /api/consultations and POST /api/payouts, as Stripe does it
-- (server/platform/idempotency.ts). One row per (user, key): claimed by the first request before
-- it runs, its answer stored when it ends; copies of the request answer that answer again.
CREATE TABLE idempotent_requests (
  user_id uuid NOT NULL REFERENCES users (id),
  idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  -- sha256 of the operation and the request body: the same key with another body is refused (422).
  fingerprint text NOT NULL,
  -- Null while the first request runs.
  response_status integer CHECK (response_status BETWEEN 200 AND 499),
  response_body jsonb,
  created_at timestamptz NOT NULL,
  -- Stripe keeps keys 24 hours; after that the same key is a new request.
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, idempotency_key),
  CHECK ((response_status IS NULL) = (response_body IS NULL))
);
CREATE INDEX idempotent_requests_expiry_idx ON idempotent_requests (expires_at);

-- The payout route's own key column is replaced by the table above (one mechanism for both routes).
DROP INDEX payouts_request_key_idx;
ALTER TABLE payouts DROP COLUMN request_key;
