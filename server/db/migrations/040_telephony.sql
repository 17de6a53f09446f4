-- Phone consultations (TEL-1 … TEL-4). Provider callbacks are recorded as facts first; the phone
-- runner (server/telephony/phone-consultations.ts) alone decides what they mean.

-- One row per phone consultation the platform started calling for.
CREATE TABLE phone_sessions (
  consultation_id uuid PRIMARY KEY REFERENCES consultations (id),
  provider text NOT NULL CHECK (provider IN ('twilio', 'simulator')),
  conference_name text NOT NULL UNIQUE,
  -- The provider's conference id, known once a leg joined (needed to announce and to end it).
  conference_id text,
  started_at timestamptz NOT NULL,
  -- BOOK-4 / BOOK-5: both parties must have answered by then.
  join_deadline_at timestamptz NOT NULL,
  finished_at timestamptz,
  outcome text CHECK (outcome IN ('party_left', 'budget_exhausted', 'package_exhausted', 'connection_lost', 'platform',
                                  'expert_never_answered', 'client_never_answered'))
);

-- Every call leg placed, in order; a party may have several (retries, call-back after a drop).
CREATE TABLE phone_calls (
  call_id text PRIMARY KEY,
  consultation_id uuid NOT NULL REFERENCES consultations (id),
  party text NOT NULL CHECK (party IN ('expert', 'client')),
  placed_at timestamptz NOT NULL
);
CREATE INDEX phone_calls_consultation_idx ON phone_calls (consultation_id, placed_at);

-- TEL-2: each provider callback once. `fact_id` is the callback's identity (for Twilio:
-- CallSid + CallStatus + SequenceNumber, or the conference event with its sequence), so a
-- duplicated or replayed webhook is recorded once and decided once.
CREATE TABLE phone_call_events (
  id bigserial PRIMARY KEY,
  fact_id text NOT NULL UNIQUE,
  consultation_id uuid NOT NULL REFERENCES consultations (id),
  call_id text NOT NULL,
  party text NOT NULL CHECK (party IN ('expert', 'client')),
  kind text NOT NULL CHECK (kind IN ('call_status', 'conference_joined', 'conference_left')),
  call_status text,
  conference_id text,
  received_at timestamptz NOT NULL
);
CREATE INDEX phone_call_events_consultation_idx ON phone_call_events (consultation_id, id);
