import { BillingRuleError, invariant } from './errors.ts';
import { floorDiv, isNonNegativeSafeInteger, multiply } from './integer.ts';

/**
 * Who holds the money of a settled charge: what is still refundable of each
 * part. `sponsorCommissionCents` is the part of `feeCents` the platform paid
 * on to the sponsor (REF-3); the charge is `expertEarnings + fee + surcharge`.
 * For a second partial refund, pass what the first one left.
 */
export interface RefundableParts {
  expertEarningsCents: number;
  feeCents: number;
  surchargeCents: number;
  sponsorCommissionCents: number;
}

/**
 * Where a refund comes back from. `expertEarningsCents + feeCents +
 * surchargeCents` is the refund; `sponsorCommissionCents` is the part of
 * `feeCents` the sponsor gives back (the platform bears the rest of `feeCents`).
 */
export type RefundSplit = RefundableParts;

/**
 * REF-3 ("reversed in proportion when the consultation is refunded"), used for
 * refunds after a complaint: the refund is taken from every part in
 * proportion to its size. The sponsor's commission is treated as a part of
 * its own, so it goes back in the same proportion as the fee it came from.
 *
 * Whole cents by the largest-remainder method: each part first gives
 * `floor(part × refund / charge)`; the few cents still missing (fewer than
 * the number of parts) come one each from the parts with the largest
 * remainders. Ties go to the platform first (net fee, then surcharge), then
 * the sponsor, then the expert, so a rounding cent is never taken from the
 * expert when the platform could give it. The parts sum exactly to the
 * refund, and none gives back more than it holds.
 */
export function refundSplit(parts: RefundableParts, refundCents: number): RefundSplit {
  for (const [name, value] of Object.entries(parts)) {
    invariant(isNonNegativeSafeInteger(value), `refundable ${name} = ${String(value)}`);
  }
  invariant(parts.sponsorCommissionCents <= parts.feeCents, `sponsor commission ${parts.sponsorCommissionCents} above fee ${parts.feeCents}`);
  if (!Number.isSafeInteger(refundCents) || refundCents < 0) {
    throw new BillingRuleError('invalid_amount', 'A refund is a whole, non-negative number of cents.', 'amountCents');
  }
  const chargeCents = parts.expertEarningsCents + parts.feeCents + parts.surchargeCents;
  if (refundCents > chargeCents) {
    throw new BillingRuleError('refund_too_large', `At most ${chargeCents} cents can still be refunded.`, 'amountCents');
  }
  // In tie-break order: the platform's net fee, the surcharge, the sponsor's commission, the expert's earnings.
  const held = [parts.feeCents - parts.sponsorCommissionCents, parts.surchargeCents, parts.sponsorCommissionCents, parts.expertEarningsCents];
  const given = largestRemainderShares(held, refundCents, chargeCents);
  const [platformFeeCents = 0, surchargeCents = 0, sponsorCommissionCents = 0, expertEarningsCents = 0] = given;
  const split: RefundSplit = {
    expertEarningsCents,
    feeCents: platformFeeCents + sponsorCommissionCents,
    surchargeCents,
    sponsorCommissionCents,
  };
  invariant(
    split.expertEarningsCents + split.feeCents + split.surchargeCents === refundCents,
    `refund split ${JSON.stringify(split)} does not sum to ${refundCents}`,
  );
  held.forEach((heldCents, index) => {
    const givenCents = given[index] ?? -1;
    invariant(givenCents >= 0 && givenCents <= heldCents, `refund part ${index} gives ${givenCents} of ${heldCents}`);
  });
  return split;
}

/** Shares of `amount` proportional to `weights` (which sum to `total`), in whole units summing exactly to `amount`. */
function largestRemainderShares(weights: readonly number[], amount: number, total: number): number[] {
  if (total === 0) return weights.map(() => 0);
  const shares = weights.map((weight) => floorDiv(multiply(weight, amount), total));
  const remainders = weights.map((weight, index) => ({ index, remainder: multiply(weight, amount) % total }));
  let missing = amount - shares.reduce((sum, share) => sum + share, 0);
  invariant(missing >= 0 && missing < weights.length, `largest remainder: ${missing} units missing`);
  // Stable sort: equal remainders keep the tie-break order of `weights`.
  remainders.sort((a, b) => b.remainder - a.remainder);
  for (const { index, remainder } of remainders) {
    if (missing === 0) break;
    // A part with no remainder already gives its exact share; only a fractional one can give one more unit.
    invariant(remainder > 0, 'largest remainder: a unit is missing but no part has a fraction left');
    shares[index] = (shares[index] ?? 0) + 1;
    missing -= 1;
  }
  return shares;
}
