-- Consultations (BOOK, BILL-13): the terms are frozen in `terms` at booking and are the only
-- input of settlement and cancellation pricing.

CREATE TABLE consultations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  expert_id uuid NOT NULL REFERENCES users (id),
  client_id uuid NOT NULL REFERENCES users (id),
  mode text NOT NULL CHECK (mode IN ('video', 'phone')),
  pricing text NOT NULL CHECK (pricing IN ('free_rate', 'package')),
  status text NOT NULL CHECK (status IN
    ('requested', 'scheduled', 'live', 'ended', 'cancelled', 'expired', 'no_show_client', 'no_show_expert')),
  -- NULL for an immediate request (BOOK-4).
  start_at timestamptz,
  reserved_minutes integer NOT NULL CHECK (reserved_minutes BETWEEN 1 AND 90),
  reserved_during tstzrange,
  terms jsonb NOT NULL,
  package_id uuid REFERENCES packages (id),
  discount_code_id uuid REFERENCES discount_codes (id),
  phone_number text CHECK (phone_number ~ '^\+[1-9][0-9]{6,14}$'),
  -- BOOK-1: both ticks, with their time.
  terms_accepted_at timestamptz NOT NULL,
  withdrawal_waived_at timestamptz NOT NULL,
  payment_method_ref text,
  payment_hold_ref text,
  created_at timestamptz NOT NULL,
  live_at timestamptz,
  ended_at timestamptz,
  end_reason text,
  connected_seconds integer NOT NULL DEFAULT 0 CHECK (connected_seconds >= 0),
  cancelled_by text CHECK (cancelled_by IN ('client', 'expert', 'platform')),
  cancelled_at timestamptz,
  CHECK (mode = 'video' OR phone_number IS NOT NULL),
  CHECK ((start_at IS NULL) = (reserved_during IS NULL)),
  -- EXP-6: one expert's appointments never overlap, whatever the concurrency.
  EXCLUDE USING gist (expert_id WITH =, reserved_during WITH &&)
    WHERE (status IN ('scheduled', 'live') AND reserved_during IS NOT NULL)
);

CREATE INDEX consultations_expert_idx ON consultations (expert_id, created_at DESC);
CREATE INDEX consultations_client_idx ON consultations (client_id, created_at DESC);
CREATE INDEX consultations_open_idx ON consultations (status) WHERE status IN ('requested', 'scheduled', 'live', 'ended');
