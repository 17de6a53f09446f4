-- The embedded payment provider (PAY-6 "local"): its own bookkeeping of card holds, as a
-- real provider would keep on its side. Our ledger never reads these tables.

CREATE TABLE local_payment_holds (
  id text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  payment_method text NOT NULL,
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  captured_cents integer NOT NULL DEFAULT 0 CHECK (captured_cents >= 0),
  refunded_cents integer NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0),
  status text NOT NULL CHECK (status IN ('requires_action', 'authorised', 'captured', 'released')),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (captured_cents <= amount_cents AND refunded_cents <= captured_cents)
);

-- BILL-14: a replayed capture, release or refund returns the first answer.
CREATE TABLE local_payment_operations (
  idempotency_key text PRIMARY KEY,
  hold_id text NOT NULL REFERENCES local_payment_holds (id),
  operation text NOT NULL,
  amount_cents integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
