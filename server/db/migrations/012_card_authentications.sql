-- BOOK-3: a card hold waiting for the client's 3-D Secure step. Nothing is booked yet. The row
-- keeps the consultation id the hold's idempotency key was made with, so the booking made after
-- the step uses this very hold, once (the row is deleted in the transaction that books). An
-- unused one is released when it expires.
CREATE TABLE pending_card_authentications (
  hold_ref text PRIMARY KEY,
  consultation_id uuid NOT NULL UNIQUE,
  client_id uuid NOT NULL REFERENCES users (id),
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  payment_method_ref text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE INDEX pending_card_authentications_client_idx ON pending_card_authentications (client_id);

-- PAY-6 local: the simulated 3-D Secure step can also be refused by the client.
ALTER TABLE local_payment_holds DROP CONSTRAINT local_payment_holds_status_check;
ALTER TABLE local_payment_holds ADD CONSTRAINT local_payment_holds_status_check
  CHECK (status IN ('requires_action', 'authorised', 'captured', 'released', 'failed'));
