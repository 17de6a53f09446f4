-- Settlement (PAY-2): one row per consultation, so it can only ever be settled once.
-- `capturing` is written before the provider is asked to capture; a crash leaves it there
-- and the start-up recovery finishes the job with the same idempotency keys.

CREATE TABLE settlements (
  consultation_id uuid PRIMARY KEY REFERENCES consultations (id),
  kind text NOT NULL CHECK (kind IN ('consultation', 'cancellation')),
  status text NOT NULL CHECK (status IN ('capturing', 'settled')),
  charge_cents integer NOT NULL CHECK (charge_cents >= 0),
  fee_cents integer NOT NULL CHECK (fee_cents >= 0),
  surcharge_cents integer NOT NULL CHECK (surcharge_cents >= 0),
  expert_earnings_cents integer NOT NULL CHECK (expert_earnings_cents >= 0),
  expert_penalty_cents integer NOT NULL DEFAULT 0 CHECK (expert_penalty_cents >= 0),
  commission_cents integer NOT NULL DEFAULT 0 CHECK (commission_cents >= 0),
  sponsor_id uuid REFERENCES users (id),
  billed_seconds integer NOT NULL DEFAULT 0 CHECK (billed_seconds >= 0),
  one_third_rule_applied boolean NOT NULL DEFAULT false,
  capture_ref text,
  journal_id bigint REFERENCES ledger_journal (id),
  created_at timestamptz NOT NULL,
  settled_at timestamptz,
  CHECK (charge_cents = fee_cents + surcharge_cents + expert_earnings_cents),
  CHECK (commission_cents <= fee_cents),
  CHECK ((status = 'settled') = (settled_at IS NOT NULL))
);

CREATE INDEX settlements_capturing_idx ON settlements (created_at) WHERE status = 'capturing';

-- BILL-9: receipts issued on behalf of the expert, numbered without gaps per expert, and
-- frozen: `content` keeps what was printed even if the profile changes later.
CREATE TABLE receipts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  consultation_id uuid NOT NULL UNIQUE REFERENCES consultations (id),
  expert_id uuid NOT NULL REFERENCES users (id),
  client_id uuid NOT NULL REFERENCES users (id),
  sequence_number integer NOT NULL CHECK (sequence_number > 0),
  number text NOT NULL UNIQUE,
  issued_at timestamptz NOT NULL,
  content jsonb NOT NULL,
  UNIQUE (expert_id, sequence_number)
);
