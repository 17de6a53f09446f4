-- PAY-1, SPEC §13: the check each new journal gets at commit (at least two lines, summing to
-- zero) reads its lines itself instead of calling ledger_assert_balanced: one PL/pgSQL call per
-- journal instead of two. Same rule, same error.
CREATE OR REPLACE FUNCTION ledger_journal_check_balance() RETURNS trigger AS $$
DECLARE
  total bigint;
  line_count integer;
BEGIN
  SELECT COALESCE(sum(amount_cents), 0), count(*) INTO total, line_count FROM ledger_postings WHERE journal_id = NEW.id;
  IF total <> 0 OR line_count < 2 THEN
    RAISE EXCEPTION 'ledger journal % does not balance: % lines summing to %', NEW.id, line_count, total USING ERRCODE = '23514';
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;
