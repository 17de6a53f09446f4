-- Settlement at the database's speed (SPEC §13): a settlement posts its journal, holds, receipt and
-- `settled` in one statement, for one consultation or a batch. The guards of 004 and 005 stay;
-- this changes how some are enforced so that they cost one check per statement or per journal.

-- BILL-9: each expert's last receipt number, bumped by the statement that issues receipts. Its
-- row lock, held to commit, keeps the numbers gapless without reading max() first; a rolled-back
-- settlement gives its number back with the rest.
CREATE TABLE receipt_sequences (
  expert_id uuid PRIMARY KEY REFERENCES users (id),
  last_sequence_number integer NOT NULL CHECK (last_sequence_number > 0)
);

INSERT INTO receipt_sequences (expert_id, last_sequence_number)
  SELECT expert_id, max(sequence_number) FROM receipts GROUP BY expert_id;

-- The printed number, `R<sequence on at least 6 digits>-<first 8 characters of the expert id>`.
-- lpad alone would cut a seventh digit off, hence the CASE.
CREATE FUNCTION receipt_number(sequence_number integer, expert_id uuid) RETURNS text AS $$
  SELECT 'R' || CASE WHEN sequence_number < 1000000 THEN lpad(sequence_number::text, 6, '0') ELSE sequence_number::text END
    || '-' || upper(left(expert_id::text, 8))
$$ LANGUAGE sql IMMUTABLE;

-- PAY-1: a settled charge always has its journal. The settlement statement writes both or neither;
-- this makes any other outcome (a journal key that already existed, a bug) abort the statement.
ALTER TABLE settlements ADD CONSTRAINT settlements_charge_has_journal
  CHECK (status <> 'settled' OR charge_cents = 0 OR journal_id IS NOT NULL);

-- PAY-1: the lines an INSERT adds to ledger_postings must sum to zero per journal, checked once per
-- statement over the added rows (it was once per row, at commit, over the whole journal). With
-- ledger_journal_has_postings, still deferred to commit for every new journal (at least two lines,
-- summing to zero), every journal balances: a new one is checked whole, and what is added to an
-- old one sums to zero. A journal's lines must now be inserted by one statement (postJournal and
-- the settlement statement do).
DROP TRIGGER ledger_postings_balanced ON ledger_postings;
DROP FUNCTION ledger_postings_check_balance();

CREATE FUNCTION ledger_postings_check_added_lines() RETURNS trigger AS $$
DECLARE
  unbalanced record;
BEGIN
  SELECT journal_id, sum(amount_cents) AS total, count(*) AS line_count INTO unbalanced
    FROM added_postings GROUP BY journal_id HAVING sum(amount_cents) <> 0 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger journal % does not balance: % lines added summing to %', unbalanced.journal_id, unbalanced.line_count, unbalanced.total
      USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_postings_balanced AFTER INSERT ON ledger_postings
  REFERENCING NEW TABLE AS added_postings FOR EACH STATEMENT EXECUTE FUNCTION ledger_postings_check_added_lines();

-- PAY-6 local: a capture is one call, as at a real provider: the operation's idempotency key, the
-- hold's checks and its new state in one statement. A replayed key changes nothing; a capture the
-- hold cannot take raises, so its key is not kept either (it was a transaction of four statements).
CREATE FUNCTION local_payment_capture(operation_key text, hold text, capture_cents integer) RETURNS void AS $$
DECLARE
  held record;
BEGIN
  INSERT INTO local_payment_operations (idempotency_key, hold_id, operation, amount_cents)
    VALUES (operation_key, hold, 'capture', capture_cents) ON CONFLICT (idempotency_key) DO NOTHING;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  SELECT status, amount_cents INTO held FROM local_payment_holds WHERE id = hold FOR UPDATE;
  IF held.status IS DISTINCT FROM 'authorised' THEN
    RAISE EXCEPTION 'capture of hold % in state %', hold, held.status USING ERRCODE = 'P0001';
  END IF;
  IF capture_cents <= 0 OR capture_cents > held.amount_cents THEN
    RAISE EXCEPTION 'capture of % on a hold of %', capture_cents, held.amount_cents USING ERRCODE = 'P0001';
  END IF;
  UPDATE local_payment_holds SET status = 'captured', captured_cents = capture_cents WHERE id = hold;
END
$$ LANGUAGE plpgsql;

-- PAY-6 local: the captures of consultations settled together, in one statement. One that the
-- hold cannot take raises and the whole statement keeps nothing (the caller then captures each
-- alone); the caller sorts them, so two batches lock shared holds in the same order.
CREATE FUNCTION local_payment_capture_each(operation_keys text[], holds text[], capture_cents integer[]) RETURNS void AS $$
BEGIN
  FOR i IN 1 .. coalesce(array_length(operation_keys, 1), 0) LOOP
    PERFORM local_payment_capture(operation_keys[i], holds[i], capture_cents[i]);
  END LOOP;
END
$$ LANGUAGE plpgsql;
