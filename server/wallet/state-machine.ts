import type { ProviderEvent } from '../payments/provider.ts';
import type { KycStatus } from './kyc-rules.ts';

/**
 * The one place that decides what a provider fact means (STYLE: webhooks record facts, a state
 * machine decides). Pure functions: the current state and the fact in, the decision out.
 */

export type PayoutStatus = 'requested' | 'paid' | 'failed';

export type PayoutDecision =
  | { action: 'none' }
  | { action: 'mark_paid' }
  /** The money goes back to the available balance (PAY-5). */
  | { action: 'mark_failed'; reason: string };

/**
 * PAY-5: requested → paid | failed. A paid payout can still fail (the bank returns it days
 * later, as Stripe reports with `payout.failed` after `payout.paid`); failed is final. So a
 * late `payout.paid` after `payout.failed` (out of order) changes nothing.
 */
export function decidePayout(current: PayoutStatus, fact: { outcome: 'paid' } | { outcome: 'failed'; reason: string }): PayoutDecision {
  if (current === 'failed') return { action: 'none' };
  if (fact.outcome === 'paid') return current === 'requested' ? { action: 'mark_paid' } : { action: 'none' };
  return { action: 'mark_failed', reason: fact.reason };
}

export type KycDecision = { action: 'none' } | { action: 'set'; status: 'validated' } | { action: 'set'; status: 'refused'; reason: string };

/**
 * PAY-4: not_submitted → pending → validated | refused; a new submission goes back to pending.
 * The provider's verdict applies only to a submitted file, and a verdict older than the last
 * one applied (out-of-order webhooks) is ignored.
 */
export function decideKyc(
  current: { status: KycStatus; lastEventAt: Date | null; submittedAt: Date | null },
  event: Extract<ProviderEvent, { type: 'kyc.validated' | 'kyc.refused' }>,
): KycDecision {
  if (current.status === 'not_submitted') return { action: 'none' };
  if (current.lastEventAt && event.occurredAt < current.lastEventAt) return { action: 'none' };
  if (event.type === 'kyc.validated') return current.status === 'validated' ? { action: 'none' } : { action: 'set', status: 'validated' };
  return { action: 'set', status: 'refused', reason: event.reason };
}

export function assertUnreachable(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}
