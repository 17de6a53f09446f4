-- Double-entry ledger (PAY-1, BILL-14). Balances are never stored: they are sums of postings.
-- Sign convention: a posting adds its amount to the account; every journal sums to zero, so
-- the sum over all accounts is always zero. Money received from clients makes their
-- client_payments account negative; what the platform and the experts hold is positive.

CREATE TABLE ledger_accounts (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN
    ('client_payments', 'wallet_pending', 'wallet_available', 'platform_fees', 'platform_telephony', 'payouts', 'refunds')),
  owner_id uuid REFERENCES users (id),
  CHECK ((kind IN ('client_payments', 'wallet_pending', 'wallet_available')) = (owner_id IS NOT NULL))
);

CREATE INDEX ledger_accounts_owner_idx ON ledger_accounts (owner_id) WHERE owner_id IS NOT NULL;

CREATE TABLE ledger_journal (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- BILL-14: replaying anything that moves money finds its key and posts nothing.
  idempotency_key text NOT NULL UNIQUE,
  kind text NOT NULL,
  consultation_id uuid REFERENCES consultations (id),
  created_at timestamptz NOT NULL
);

CREATE TABLE ledger_postings (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  journal_id bigint NOT NULL REFERENCES ledger_journal (id),
  account_id text NOT NULL REFERENCES ledger_accounts (id),
  amount_cents bigint NOT NULL CHECK (amount_cents <> 0),
  -- What the line is for (earnings, fee, telephony, commission, release, payout…): statements read it.
  purpose text NOT NULL
);

CREATE INDEX ledger_postings_account_idx ON ledger_postings (account_id);
CREATE INDEX ledger_postings_journal_idx ON ledger_postings (journal_id);

-- A journal that does not balance cannot be committed, whatever code wrote it.
CREATE FUNCTION ledger_assert_balanced(journal bigint) RETURNS void AS $$
DECLARE
  total bigint;
  line_count integer;
BEGIN
  SELECT COALESCE(sum(amount_cents), 0), count(*) INTO total, line_count
    FROM ledger_postings WHERE journal_id = journal;
  IF total <> 0 OR line_count < 2 THEN
    RAISE EXCEPTION 'ledger journal % does not balance: % lines summing to %', journal, line_count, total
      USING ERRCODE = '23514';
  END IF;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION ledger_postings_check_balance() RETURNS trigger AS $$
BEGIN
  PERFORM ledger_assert_balanced(NEW.journal_id);
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION ledger_journal_check_balance() RETURNS trigger AS $$
BEGIN
  PERFORM ledger_assert_balanced(NEW.id);
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledger_postings_balanced AFTER INSERT ON ledger_postings
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_postings_check_balance();

CREATE CONSTRAINT TRIGGER ledger_journal_has_postings AFTER INSERT ON ledger_journal
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_journal_check_balance();

-- The ledger is append-only: a correction is a new journal, never an edit.
CREATE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = '42501';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_postings_append_only BEFORE UPDATE OR DELETE ON ledger_postings
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_journal_append_only BEFORE UPDATE OR DELETE ON ledger_journal
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_postings_no_truncate BEFORE TRUNCATE ON ledger_postings
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_journal_no_truncate BEFORE TRUNCATE ON ledger_journal
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

-- PAY-3: earnings and commissions wait 7 days in the pending wallet (the complaint window).
CREATE TABLE wallet_holds (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  journal_id bigint NOT NULL REFERENCES ledger_journal (id),
  owner_id uuid NOT NULL REFERENCES users (id),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  -- Refunds taken from the hold before its release (TRUST-2, REF-3).
  refunded_cents bigint NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0 AND refunded_cents <= amount_cents),
  release_at timestamptz NOT NULL,
  released_journal_id bigint REFERENCES ledger_journal (id),
  UNIQUE (journal_id, owner_id)
);

CREATE INDEX wallet_holds_due_idx ON wallet_holds (release_at) WHERE released_journal_id IS NULL;
