import { accounts } from '../ledger/accounts.ts';
import type { JournalLine } from '../ledger/journal.ts';
import type { Outcome } from './outcome.ts';

/**
 * Pure: the double-entry lines of a settlement (PAY-1, PAY-2). The client's payment is split
 * into the expert's pending earnings, the platform's fee (less the sponsor's commission, which
 * REF-3 pays from the platform's share) and the telephony surcharge. Sums to zero by construction.
 */
export function settlementLines(
  parties: { clientId: string; expertId: string; sponsorId: string | null },
  outcome: Outcome,
  commissionCents: number,
): JournalLine[] {
  const lines: JournalLine[] = [
    { account: accounts.clientPayments(parties.clientId), amountCents: -outcome.chargeCents, purpose: 'charge' },
    { account: accounts.walletPending(parties.expertId), amountCents: outcome.expertEarningsCents, purpose: 'earnings' },
    { account: accounts.platformFees, amountCents: outcome.feeCents - commissionCents, purpose: 'fee' },
    { account: accounts.platformTelephony, amountCents: outcome.surchargeCents, purpose: 'telephony' },
  ];
  if (parties.sponsorId && commissionCents > 0) {
    lines.push({ account: accounts.walletPending(parties.sponsorId), amountCents: commissionCents, purpose: 'commission' });
  }
  return lines;
}

/** BILL-12: the expert owes the platform the fee the consultation would have produced. */
export function penaltyLines(expertId: string, penaltyCents: number): JournalLine[] {
  return [
    { account: accounts.walletAvailable(expertId), amountCents: -penaltyCents, purpose: 'penalty' },
    { account: accounts.platformFees, amountCents: penaltyCents, purpose: 'penalty' },
  ];
}
