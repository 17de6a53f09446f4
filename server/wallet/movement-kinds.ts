/**
 * Issue 13: a wallet movement says what it is in a stable word the page translates, never a
 * ledger code. One ledger journal kind (and, where a journal moves several things, the posting's
 * purpose) maps to one movement kind.
 */
export const MOVEMENT_KINDS = [
  /** Earnings of a consultation that took place (PAY-2), pending for 7 days. */
  'settlement',
  /** The expert's part of a late-cancellation or client no-show fee (BILL-10). */
  'late_cancellation',
  /** A sponsor's commission on a referred expert's consultation (REF-3). */
  'commission',
  /** BILL-12: the fee an expert's cancellation or no-show owes the platform. */
  'penalty',
  /** PAY-3: pending money becomes available after the complaint window. */
  'release',
  /** PAY-5: money sent to the bank. */
  'payout',
  /** PAY-5: the bank refused or returned it; the money is back. */
  'payout_failed',
  /** TRUST-2: earnings given back to a client after a complaint. */
  'refund',
  /** REF-3: the commission of a refunded consultation, reversed in proportion. */
  'commission_refund',
  /** Anything the ledger records that has no word yet; shown as an adjustment. */
  'adjustment',
] as const;

export type MovementKind = (typeof MOVEMENT_KINDS)[number];

export function movementKind(journalKind: string, purpose: string): MovementKind {
  switch (journalKind) {
    case 'consultation_settlement':
      return purpose === 'commission' ? 'commission' : 'settlement';
    case 'cancellation_settlement':
      return purpose === 'commission' ? 'commission' : 'late_cancellation';
    case 'expert_penalty':
      return 'penalty';
    case 'wallet_release':
      return 'release';
    case 'payout':
      return 'payout';
    case 'payout_failed':
      return 'payout_failed';
    case 'complaint_refund':
      return purpose === 'refund_commission' ? 'commission_refund' : 'refund';
    default:
      return 'adjustment';
  }
}

/** The payout or complaint a journal is about, read from its idempotency key (`payout:<id>`, `payout-failed:<id>`, `refund:<id>`). */
export function movementReferences(idempotencyKey: string): { payoutId: string | null; complaintId: string | null } {
  const payout = /^payout(?:-failed)?:([0-9a-f-]{36})$/.exec(idempotencyKey);
  const refund = /^refund:([0-9a-f-]{36})$/.exec(idempotencyKey);
  return { payoutId: payout?.[1] ?? null, complaintId: refund?.[1] ?? null };
}
