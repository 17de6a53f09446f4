-- ACC-4 as amended (no lock-out of the owner) and ACC-10 (verified email).

-- ACC-10: set when the 6-digit code emailed at signup is typed back.
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
-- Accounts opened before ACC-10 existed could not be asked for a code: they are taken as verified
-- rather than cut off from booking and payouts (docs/decisions.md).
UPDATE users SET email_verified_at = created_at;

-- ACC-10: the one code a user may type now; a new code replaces it. Stored hashed.
CREATE TABLE email_verification_codes (
  user_id uuid PRIMARY KEY REFERENCES users (id),
  code_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  -- Five wrong tries kill the code (429 until a new one is asked for).
  failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts BETWEEN 0 AND 5)
);

-- ACC-4: each failed sign-in, by the account typed (known or not: the same treatment, so nothing
-- tells whether an email exists), the source it came from and whether that source had signed
-- this account in before. Rows older than the throttling window are deleted as they age.
CREATE TABLE sign_in_failures (
  id bigserial PRIMARY KEY,
  account text NOT NULL,
  -- 'device:<sha256 of the device cookie>' for a known device, else 'address:<ip>'.
  source text NOT NULL,
  address text NOT NULL,
  trusted boolean NOT NULL,
  failed_at timestamptz NOT NULL
);
CREATE INDEX sign_in_failures_account_idx ON sign_in_failures (account, failed_at);
CREATE INDEX sign_in_failures_address_idx ON sign_in_failures (address, failed_at);
CREATE INDEX sign_in_failures_age_idx ON sign_in_failures (failed_at);

-- ACC-4: devices (a long-lived cookie, stored hashed) and addresses that signed this account in:
-- their attempts are the owner's and are not slowed by a stranger's guesses.
CREATE TABLE known_sign_in_sources (
  user_id uuid NOT NULL REFERENCES users (id),
  source text NOT NULL,
  last_success_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, source)
);
