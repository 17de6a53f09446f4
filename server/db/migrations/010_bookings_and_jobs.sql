-- Booking (BOOK), availability (EXP-6) and the durable job table that carries every booking
-- deadline (expiry, no-show, reminders, deferred hold) across restarts.

-- BOOK-5: a no-show is decided by who joined; the media and telephony layers report it.
ALTER TABLE consultations ADD COLUMN expert_joined_at timestamptz;
ALTER TABLE consultations ADD COLUMN client_joined_at timestamptz;
-- BOOK-3: appointments more than 6 days ahead keep the card and place the hold 24 h before.
-- Each refused attempt is counted so the next one uses a fresh idempotency key, while a crash
-- after a successful attempt replays the same key (and gets the same hold back).
ALTER TABLE consultations ADD COLUMN hold_failures integer NOT NULL DEFAULT 0 CHECK (hold_failures >= 0);
ALTER TABLE consultations ADD COLUMN hold_failed_at timestamptz;

CREATE INDEX consultations_expert_start_idx ON consultations (expert_id, start_at) WHERE status IN ('scheduled', 'live');

-- EXP-6: weekly opening hours in the expert's time zone plus dated exceptions, replaced as a
-- whole by PUT /api/experts/me/availability; validated by server/availability/schedule.ts.
CREATE TABLE expert_availability (
  expert_id uuid PRIMARY KEY REFERENCES users (id),
  time_zone text NOT NULL,
  weekly jsonb NOT NULL,
  exceptions jsonb NOT NULL,
  updated_at timestamptz NOT NULL
);

-- Durable jobs (server/jobs/queue.ts): claimed with FOR UPDATE SKIP LOCKED and a lease, so
-- several nodes can poll one table and a crashed worker's job runs again after its lease.
CREATE TABLE jobs (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  -- One job per deadline: enqueueing the same key again is a no-op.
  dedupe_key text NOT NULL UNIQUE,
  run_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  locked_until timestamptz,
  last_error text,
  done_at timestamptz,
  failed_at timestamptz,
  created_at timestamptz NOT NULL
);

CREATE INDEX jobs_due_idx ON jobs (run_at) WHERE done_at IS NULL AND failed_at IS NULL;
