-- Wallets, identity checks and payouts (PAY-4, PAY-5, PAY-6, PAY-7, BILL-14, TRUST-4).
-- Balances stay in the ledger (PAY-1); these tables hold what the ledger cannot: statuses,
-- documents, provider references and the facts the provider told us.

-- One row per wallet owner. Payouts lock it (FOR UPDATE) so two payouts never read the same
-- available balance; TRUST-4: an admin blocks a wallet here (issue 8 adds the console).
CREATE TABLE wallets (
  user_id uuid PRIMARY KEY REFERENCES users (id),
  blocked boolean NOT NULL DEFAULT false,
  blocked_reason text,
  blocked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (blocked = (blocked_at IS NOT NULL))
);

-- PAY-4: the identity check of one expert (or sponsor) with the payment provider.
CREATE TABLE kyc_profiles (
  user_id uuid PRIMARY KEY REFERENCES users (id),
  status text NOT NULL DEFAULT 'not_submitted' CHECK (status IN ('not_submitted', 'pending', 'validated', 'refused')),
  refusal_reason text,
  iban text CHECK (iban ~ '^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$'),
  bic text CHECK (bic ~ '^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$'),
  company_name text CHECK (length(company_name) BETWEEN 1 AND 200),
  -- The connected account at the provider (Stripe Connect account id, or the local one).
  provider_account_ref text UNIQUE,
  submitted_at timestamptz,
  decided_at timestamptz,
  -- Provider events are applied only if not older than the last one applied (out-of-order webhooks).
  last_event_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'refused') = (refusal_reason IS NOT NULL))
);

-- PAY-4: the bytes live encrypted (AES-256-GCM) in DATA_DIR/documents; this is the index.
CREATE TABLE kyc_documents (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  kind text NOT NULL CHECK (kind IN ('id_document', 'proof_of_address', 'registry_extract', 'articles_of_association')),
  file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
  content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
  size_bytes integer NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 10485760),
  -- For documents that must be recent (less than 3 months old at upload).
  issued_on date,
  storage_path text NOT NULL,
  provider_file_ref text,
  uploaded_at timestamptz NOT NULL,
  -- A newer upload of the same kind replaces this one; the old file stays readable by admins.
  replaced_at timestamptz
);

CREATE UNIQUE INDEX kyc_documents_current_idx ON kyc_documents (user_id, kind) WHERE replaced_at IS NULL;

-- PAY-5: requested → paid | failed. The ledger journal `payout:<id>` moved the money first.
CREATE TABLE payouts (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  amount_cents bigint NOT NULL CHECK (amount_cents >= 5000),
  currency text NOT NULL DEFAULT 'eur',
  status text NOT NULL CHECK (status IN ('requested', 'paid', 'failed')),
  failure_reason text,
  -- BILL-14: the client's Idempotency-Key header; the same request twice is one payout.
  request_key text,
  iban_last4 text NOT NULL,
  provider_ref text,
  provider_called_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK ((status = 'failed') = (failure_reason IS NOT NULL))
);

CREATE INDEX payouts_user_idx ON payouts (user_id, created_at DESC);
CREATE UNIQUE INDEX payouts_request_key_idx ON payouts (user_id, request_key) WHERE request_key IS NOT NULL;
CREATE INDEX payouts_unsent_idx ON payouts (created_at) WHERE status = 'requested' AND provider_called_at IS NULL;

-- PAY-7: what we keep of a card: the provider's token, brand, last 4 digits, expiry. Never the number.
CREATE TABLE payment_customers (
  user_id uuid PRIMARY KEY REFERENCES users (id),
  provider text NOT NULL,
  customer_ref text NOT NULL
);

CREATE TABLE saved_cards (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id),
  provider text NOT NULL,
  setup_ref text NOT NULL UNIQUE,
  payment_method_ref text NOT NULL,
  brand text NOT NULL,
  last4 text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
  exp_month integer NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
  exp_year integer NOT NULL CHECK (exp_year BETWEEN 2000 AND 2200),
  created_at timestamptz NOT NULL
);

CREATE INDEX saved_cards_user_idx ON saved_cards (user_id, created_at DESC);

-- BILL-14: every provider event (webhook or local) is recorded once; a replay changes nothing.
CREATE TABLE payment_provider_events (
  provider text NOT NULL,
  event_id text NOT NULL,
  type text NOT NULL,
  occurred_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  payload jsonb NOT NULL,
  PRIMARY KEY (provider, event_id)
);

-- The local provider's side of connected accounts, identity checks and payouts (PAY-6 local).
CREATE TABLE local_connected_accounts (
  id text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  user_id uuid NOT NULL,
  -- Set by a submission: when the simulated verification answers, and what it answers.
  decide_at timestamptz,
  refuse boolean NOT NULL DEFAULT false,
  submission integer NOT NULL DEFAULT 0,
  decided_submission integer NOT NULL DEFAULT 0,
  last_submission_key text,
  iban text
);

CREATE INDEX local_connected_accounts_due_idx ON local_connected_accounts (decide_at) WHERE decided_submission < submission;

CREATE TABLE local_payouts (
  id text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  account_id text NOT NULL REFERENCES local_connected_accounts (id),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  status text NOT NULL CHECK (status IN ('paid', 'failed')),
  failure_reason text
);

CREATE TABLE local_card_setups (
  id text PRIMARY KEY,
  idempotency_key text NOT NULL UNIQUE,
  customer_ref text NOT NULL,
  payment_method text,
  status text NOT NULL CHECK (status IN ('requires_payment_method', 'succeeded'))
);
