import { invariant } from './errors.ts';
import { floorDiv, isNonNegativeSafeInteger, multiply } from './integer.ts';

/**
 * REF-3: the sponsor earns `commissionPercent` of the operating fee the
 * platform collected on a consultation. Rounded down (the SPEC names no
 * rounding): the commission is paid from the platform's share, so it must
 * never exceed that share's exact percentage.
 */
export function referralCommissionCents(feeCents: number, commissionPercent: number): number {
  invariant(isNonNegativeSafeInteger(feeCents), `fee ${feeCents} is not a non-negative integer of cents`);
  // The percent is configuration (REFERRAL_COMMISSION_PERCENT), validated at start-up: a bad one here is a bug.
  invariant(isNonNegativeSafeInteger(commissionPercent) && commissionPercent <= 100, `commission percent ${commissionPercent} is not an integer in 0..100`);
  const commissionCents = floorDiv(multiply(feeCents, commissionPercent), 100);
  invariant(commissionCents <= feeCents, `commission ${commissionCents} above fee ${feeCents}`);
  return commissionCents;
}
