-- BILL-9: receipt numbers are the expert's own series (each expert is the issuer), unique per
-- expert through (expert_id, sequence_number). The printed number names the expert by the first
-- 8 characters of its id, which two experts can share (about 1 % of platforms of 10,000 experts):
-- their receipts of the same rank then print the same number, and the platform-wide UNIQUE on it
-- made the second settlement fail after its card was captured. Nothing looks a receipt up by its
-- number, so the constraint goes, with its index (one index entry fewer per settlement, §13).
ALTER TABLE receipts DROP CONSTRAINT receipts_number_key;
