-- BOOK-7 rescheduling. A move changes an appointment's start (and its reserved range, still under
-- the EXP-6 exclusion constraint) and bumps `schedule_version`, which keys the new deadline jobs,
-- the new emails and the calendar SEQUENCE (BOOK-8), so nothing of the old time survives.
ALTER TABLE consultations ADD COLUMN schedule_version integer NOT NULL DEFAULT 0 CHECK (schedule_version >= 0);
ALTER TABLE consultations ADD COLUMN rescheduled_at timestamptz;
-- BOOK-3: when the card hold in `payment_hold_ref` was placed. A card authorisation lasts about a
-- week, so a move keeps a hold only while the new start stays within 6 days of it (docs/decisions.md).
-- NULL with a hold means "placed at booking" (rows from before this column): created_at stands in.
ALTER TABLE consultations ADD COLUMN hold_placed_at timestamptz;

-- BOOK-7: within 48 h of the start only the expert moves an appointment, and only with the client's
-- consent: a proposal the client accepts or refuses. One open proposal per consultation.
CREATE TABLE reschedule_proposals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  consultation_id uuid NOT NULL REFERENCES consultations (id),
  proposed_by uuid NOT NULL REFERENCES users (id),
  -- The appointment's start and version when proposed: accepting moves that appointment, not a later one.
  current_start_at timestamptz NOT NULL,
  schedule_version integer NOT NULL CHECK (schedule_version >= 0),
  proposed_start_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'refused', 'withdrawn', 'expired')),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  decided_at timestamptz,
  CHECK (proposed_start_at <> current_start_at),
  CHECK (expires_at > created_at),
  CHECK ((status = 'pending') = (decided_at IS NULL))
);

CREATE UNIQUE INDEX reschedule_proposals_one_open_key ON reschedule_proposals (consultation_id) WHERE status = 'pending';
CREATE INDEX reschedule_proposals_consultation_idx ON reschedule_proposals (consultation_id, created_at DESC);
