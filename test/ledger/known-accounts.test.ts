import { expect } from 'chai';
import { KnownLedgerAccounts } from '../../server/ledger/known-accounts.ts';

describe('PAY-1 ledger accounts are created once (KnownLedgerAccounts)', () => {
  it('remembers committed accounts up to its limit, then starts over; forget() empties it', () => {
    const known = new KnownLedgerAccounts({ maxAccounts: 3 });
    known.remember(['platform_fees', 'wallet_pending:a', 'wallet_pending:a']);
    expect(known.has('platform_fees')).to.equal(true);
    expect(known.has('wallet_pending:b')).to.equal(false);
    known.remember(['wallet_pending:b', 'wallet_pending:c']);
    expect(known.has('wallet_pending:c')).to.equal(true);
    expect(known.has('platform_fees')).to.equal(false);
    known.forget();
    expect(known.has('wallet_pending:c')).to.equal(false);
  });
});
