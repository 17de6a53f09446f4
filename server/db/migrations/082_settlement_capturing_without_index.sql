-- SPEC §13: the settlement statement finds its `capturing` rows by primary key. The partial index
-- on `status = 'capturing'` was read by no query, yet PostgreSQL's generic plan for that statement
-- preferred it (few rows expected) and then visited every row ever written as `capturing` that
-- vacuum had not yet cleared, more with each settlement. Without it, and with room left on each
-- page, the update from `capturing` to `settled` is also a HOT update: no new index entry.
DROP INDEX settlements_capturing_idx;
ALTER TABLE settlements SET (fillfactor = 80);
