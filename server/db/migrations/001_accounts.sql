-- Accounts and sessions (ACC-1 … ACC-7, EXP-1).

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  role text NOT NULL CHECK (role IN ('client', 'expert', 'admin')),
  email text NOT NULL,
  password_hash text NOT NULL,
  first_name text NOT NULL CHECK (length(first_name) BETWEEN 1 AND 100),
  last_name text NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),
  language text NOT NULL DEFAULT 'fr' CHECK (language IN ('fr', 'en')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
  -- ACC-1: terms accepted at signup, with their version and the time.
  terms_version text NOT NULL,
  terms_accepted_at timestamptz NOT NULL,
  -- ACC-2: optional client-area fields (experts give theirs at signup, ACC-3).
  civility text CHECK (civility IN ('mr', 'ms', 'mx')),
  birth_date date,
  phone_landline text,
  phone_mobile text,
  address jsonb,
  profession text,
  created_at timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz NOT NULL DEFAULT now()
);

-- One account per email whatever its case (ACC-6).
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE expert_profiles (
  user_id uuid PRIMARY KEY REFERENCES users (id),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  legal_status text NOT NULL CHECK (legal_status IN ('individual', 'sole_trader', 'company')),
  category text NOT NULL,
  vat_number text,
  siret text,
  certified_adult_at timestamptz NOT NULL,
  certified_liability_insurance_at timestamptz NOT NULL,
  headline text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  photo bytea,
  photo_content_type text CHECK (photo_content_type IN ('image/png', 'image/jpeg')),
  photo_updated_at timestamptz,
  -- REF-2: the direct sponsor, fixed at signup, never the expert themself.
  sponsor_id uuid REFERENCES users (id) CHECK (sponsor_id <> user_id),
  available_now boolean NOT NULL DEFAULT false
);

CREATE INDEX expert_profiles_sponsor_idx ON expert_profiles (sponsor_id) WHERE sponsor_id IS NOT NULL;

-- ACC-5: a session is one login; its refresh tokens rotate inside it.
CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  revoked_reason text
);

CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Refresh tokens are stored hashed; a used one presented again revokes its session.
CREATE TABLE refresh_tokens (
  token_hash text PRIMARY KEY,
  session_id uuid NOT NULL REFERENCES sessions (id),
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

-- ACC-4: login failures and signups counted in the database, so every API node sees them.
CREATE TABLE rate_limit_events (
  bucket text NOT NULL,
  subject text NOT NULL,
  occurred_at timestamptz NOT NULL
);

CREATE INDEX rate_limit_events_lookup_idx ON rate_limit_events (bucket, subject, occurred_at);
