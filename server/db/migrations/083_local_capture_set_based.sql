-- PAY-6 local, SPEC §13: the captures of consultations settled together cost three set-based
-- statements, not three per capture (the function looped over local_payment_capture). Same
-- contract: a replayed key changes nothing; if one capture cannot be taken (hold not authorised,
-- amount not positive or above the hold, one hold captured twice) the whole call raises and keeps
-- nothing. The keys arrive sorted, and are inserted in that order: two calls sharing a key wait
-- for each other in the same order. Its statements keep one plan for any number of captures:
-- PostgreSQL would otherwise plan them again for every call of fewer than 10.
CREATE OR REPLACE FUNCTION local_payment_capture_each(operation_keys text[], holds text[], capture_cents integer[]) RETURNS void AS $$
DECLARE
  refused record;
BEGIN
  WITH new_operations AS (
    INSERT INTO local_payment_operations (idempotency_key, hold_id, operation, amount_cents)
    SELECT asked.operation_key, asked.hold_id, 'capture', asked.amount_cents
      FROM unnest(operation_keys, holds, capture_cents) WITH ORDINALITY AS asked (operation_key, hold_id, amount_cents, position)
     ORDER BY asked.position
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING hold_id, amount_cents
  ), once AS (
    SELECT hold_id, min(amount_cents) AS amount_cents FROM new_operations GROUP BY hold_id HAVING count(*) = 1
  ), captured AS (
    UPDATE local_payment_holds h SET status = 'captured', captured_cents = once.amount_cents
      FROM once
     WHERE h.id = once.hold_id AND h.status = 'authorised' AND once.amount_cents > 0 AND once.amount_cents <= h.amount_cents
    RETURNING h.id
  )
  SELECT n.hold_id, n.amount_cents INTO refused
    FROM new_operations n WHERE n.hold_id NOT IN (SELECT id FROM captured) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'capture of % on hold % refused: not authorised, not within the hold, or asked twice', refused.amount_cents, refused.hold_id
      USING ERRCODE = 'P0001';
  END IF;
END
$$ LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan;
