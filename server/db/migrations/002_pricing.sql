-- Pricing: the platform's fee schedule and surcharge table with effective dates (BILL-7, BILL-8,
-- BILL-13), the experts' rates and packages (EXP-4, EXP-5) and discount codes (EXP-7).

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE fee_schedules (
  id serial PRIMARY KEY,
  fee_per_minute_cents integer NOT NULL CHECK (fee_per_minute_cents BETWEEN 0 AND 1000),
  effective_from timestamptz NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users (id)
);

CREATE TABLE surcharge_tables (
  id serial PRIMARY KEY,
  france_cents integer NOT NULL CHECK (france_cents BETWEEN 0 AND 1000),
  eu_cents integer NOT NULL CHECK (eu_cents BETWEEN 0 AND 1000),
  world_cents integer NOT NULL CHECK (world_cents BETWEEN 0 AND 1000),
  effective_from timestamptz NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users (id)
);

-- SPEC defaults, in force since before the platform existed.
INSERT INTO fee_schedules (fee_per_minute_cents, effective_from) VALUES (15, '2000-01-01T00:00:00Z');
INSERT INTO surcharge_tables (france_cents, eu_cents, world_cents, effective_from) VALUES (0, 20, 50, '2000-01-01T00:00:00Z');

-- EXP-4: a mode without a rate is not offered.
CREATE TABLE expert_rates (
  expert_id uuid PRIMARY KEY REFERENCES users (id),
  video_rate_per_minute_cents integer CHECK (video_rate_per_minute_cents BETWEEN 50 AND 5000),
  phone_rate_per_minute_cents integer CHECK (phone_rate_per_minute_cents BETWEEN 50 AND 5000),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- EXP-5: replacing the pricing retires packages instead of deleting them, so a booked
-- consultation still points at the package it bought (its terms are frozen anyway, BILL-13).
CREATE TABLE packages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  expert_id uuid NOT NULL REFERENCES users (id),
  mode text NOT NULL CHECK (mode IN ('video', 'phone')),
  minutes integer NOT NULL CHECK (minutes BETWEEN 5 AND 90),
  price_cents integer NOT NULL CHECK (price_cents > 0),
  position integer NOT NULL,
  retired_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX packages_offered_idx ON packages (expert_id, position) WHERE retired_at IS NULL;

-- EXP-7: codes are unique per expert, case-insensitively.
CREATE TABLE discount_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  expert_id uuid NOT NULL REFERENCES users (id),
  code text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{3,32}$'),
  percent_off integer NOT NULL CHECK (percent_off BETWEEN 1 AND 100),
  expires_at timestamptz,
  max_uses integer CHECK (max_uses > 0),
  first_consultation_only boolean NOT NULL DEFAULT false,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX discount_codes_code_key ON discount_codes (expert_id, upper(code));
