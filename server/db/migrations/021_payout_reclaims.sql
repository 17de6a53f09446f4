-- PAY-5 with Stripe Connect: a payout is a transfer to the expert's connected account, then a
-- payout from it. When the bank returns a payout, the money lands back on the connected account
-- while our ledger returns it to the wallet; the transfer must be reversed once, even after a crash.

ALTER TABLE payouts ADD COLUMN provider_transfer_ref text;
ALTER TABLE payouts ADD COLUMN reclaimed_at timestamptz;

CREATE INDEX payouts_unreclaimed_idx ON payouts (updated_at) WHERE status = 'failed' AND reclaimed_at IS NULL;
