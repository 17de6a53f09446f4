import { maxSecondsForBudget } from './budget.ts';
import { MAX_FREE_RATE_BUDGET_CENTS, ONE_THIRD_RULE_MAX_PACKAGE_MINUTES, SECONDS_PER_MINUTE } from './constants.ts';
import { BillingRuleError, invariant } from './errors.ts';
import { floorDiv, isNonNegativeSafeInteger, multiply, roundHalfUpDiv } from './integer.ts';
import {
  assertUnreachable,
  clientPricePerMinuteCents,
  discountedPackagePriceCents,
  validateTermsStructure,
  type ConsultationTerms,
  type FreeRateTerms,
  type PackageTerms,
} from './terms.ts';

/** What a consultation costs and who gets what; also the quote (SPEC §11), computed by the same code. */
export interface Settlement {
  /** What the client pays: `feeCents + surchargeCents + expertEarningsCents`. */
  chargeCents: number;
  /** BILL-7: the platform's operating fee. */
  feeCents: number;
  /** BILL-8: the phone surcharge, to the platform in full. */
  surchargeCents: number;
  /** BILL-7: `charge − fee − surcharge`, never negative. */
  expertEarningsCents: number;
  /** The connected seconds that were billed: `connectedSeconds` cut at `maxSeconds` (BILL-2, BILL-5). */
  billedSeconds: number;
  /** Where the platform ends the consultation: what the budget buys (BILL-1) or the package minutes (BILL-5). */
  maxSeconds: number;
  /** BILL-5: the client paid `floor(P / 3)`. */
  oneThirdRuleApplied: boolean;
}

/**
 * Prices a finished consultation from its frozen terms (BILL-13) and connected
 * seconds (BILL-4), or quotes one for the requested seconds. `t = 0` costs
 * nothing: every money field is 0 (BILL-5); `maxSeconds` still says what the
 * terms buy, since the consultation page shows it (BOOK-2).
 */
export function settleConsultation(terms: ConsultationTerms, connectedSeconds: number): Settlement {
  if (!isNonNegativeSafeInteger(connectedSeconds)) {
    throw new BillingRuleError('invalid_seconds', 'Connected time is a whole, non-negative number of seconds.', 'connectedSeconds');
  }
  validateTermsStructure(terms);
  let settlement: Settlement;
  switch (terms.pricing) {
    case 'free_rate':
      settlement = settleFreeRate(terms, connectedSeconds);
      break;
    case 'package':
      settlement = settlePackage(terms, connectedSeconds);
      break;
    default:
      assertUnreachable(terms);
  }
  assertSettlementInvariants(terms, connectedSeconds, settlement);
  return settlement;
}

function settleFreeRate(terms: FreeRateTerms, connectedSeconds: number): Settlement {
  const maxSeconds = maxSecondsForBudget(terms); // BILL-1, validates the budget
  // BILL-2 / BILL-3: the platform cuts the consultation at the maximum duration, so nothing beyond is billed.
  const billedSeconds = Math.min(connectedSeconds, maxSeconds);
  // BILL-2 with BILL-6: per second, priced per minute, on the discounted rate plus the surcharge.
  const pricedCents = roundHalfUpDiv(multiply(clientPricePerMinuteCents(terms), billedSeconds), SECONDS_PER_MINUTE);
  const chargeCents = Math.min(terms.budgetCents, pricedCents);
  // BILL-2: the surcharge part. It never exceeds the charge, because s ≤ r + s and s × t / 60 ≤ B once t is cut.
  const surchargeCents = roundHalfUpDiv(multiply(terms.surchargePerMinuteCents, billedSeconds), SECONDS_PER_MINUTE);
  // BILL-7: the fee is per connected minute, capped by what is left once the platform took the surcharge.
  const nominalFeeCents = roundHalfUpDiv(multiply(terms.feePerMinuteCents, billedSeconds), SECONDS_PER_MINUTE);
  const feeCents = Math.min(chargeCents - surchargeCents, nominalFeeCents);
  return {
    chargeCents,
    feeCents,
    surchargeCents,
    expertEarningsCents: chargeCents - feeCents - surchargeCents,
    billedSeconds,
    maxSeconds,
    oneThirdRuleApplied: false,
  };
}

function settlePackage(terms: PackageTerms, connectedSeconds: number): Settlement {
  const { packageMinutes, feePerMinuteCents } = terms;
  // BILL-5: the consultation is ended at M minutes.
  const maxSeconds = multiply(packageMinutes, SECONDS_PER_MINUTE);
  const billedSeconds = Math.min(connectedSeconds, maxSeconds);
  if (billedSeconds === 0) {
    // BILL-5: nothing consumed, nothing owed; a missed appointment is BILL-10 / BILL-12's business.
    return { chargeCents: 0, feeCents: 0, surchargeCents: 0, expertEarningsCents: 0, billedSeconds, maxSeconds, oneThirdRuleApplied: false };
  }
  // BILL-5: `0 < t ≤ M × 60 / 3`, written `3t ≤ M × 60` to stay in integers, and only for `M ≤ 60`.
  const oneThirdRuleApplied = packageMinutes <= ONE_THIRD_RULE_MAX_PACKAGE_MINUTES && multiply(3, billedSeconds) <= maxSeconds;
  const packagePriceCents = discountedPackagePriceCents(terms); // BILL-6: P' before any other rule
  const packageChargeCents = oneThirdRuleApplied ? floorDiv(packagePriceCents, 3) : packagePriceCents;
  // BILL-5: phone surcharge on top of the package price, per connected second.
  const surchargeCents = roundHalfUpDiv(multiply(terms.surchargePerMinuteCents, billedSeconds), SECONDS_PER_MINUTE);
  // BILL-7: `f × M`, or `floor(f × M / 3)` under the one-third rule. Capped by the package part of the
  // charge (our decision, the SPEC is silent): a large discount (BILL-6, EXP-7) or a fee raised after
  // pricing can bring P' below the fee, and the expert's earnings must never be negative (BILL-7).
  const nominalFeeCents = oneThirdRuleApplied ? floorDiv(multiply(feePerMinuteCents, packageMinutes), 3) : multiply(feePerMinuteCents, packageMinutes);
  const feeCents = Math.min(nominalFeeCents, packageChargeCents);
  return {
    chargeCents: packageChargeCents + surchargeCents,
    feeCents,
    surchargeCents,
    expertEarningsCents: packageChargeCents - feeCents,
    billedSeconds,
    maxSeconds,
    oneThirdRuleApplied,
  };
}

/** The post-conditions of every settlement and quote (STYLE: money code asserts its invariants). */
function assertSettlementInvariants(terms: ConsultationTerms, connectedSeconds: number, s: Settlement): void {
  const where = `settlement of ${connectedSeconds} s`;
  for (const [name, value] of Object.entries(s)) {
    if (typeof value === 'number') invariant(isNonNegativeSafeInteger(value), `${where}: ${name} = ${value}`);
  }
  invariant(s.billedSeconds <= s.maxSeconds && s.billedSeconds <= connectedSeconds, `${where}: billed ${s.billedSeconds} s`);
  invariant(
    s.chargeCents === s.feeCents + s.surchargeCents + s.expertEarningsCents,
    `${where}: charge ${s.chargeCents} ≠ fee ${s.feeCents} + surcharge ${s.surchargeCents} + earnings ${s.expertEarningsCents}`,
  );
  invariant(s.feeCents <= s.chargeCents - s.surchargeCents, `${where}: fee ${s.feeCents} above charge − surcharge`);
  if (s.billedSeconds === 0) invariant(s.chargeCents === 0, `${where}: charge ${s.chargeCents} for no time`);
  if (terms.pricing === 'free_rate') {
    invariant(
      s.chargeCents <= terms.budgetCents && terms.budgetCents <= MAX_FREE_RATE_BUDGET_CENTS,
      `${where}: charge ${s.chargeCents} > budget ${terms.budgetCents} or budget > ${MAX_FREE_RATE_BUDGET_CENTS}`,
    );
    invariant(!s.oneThirdRuleApplied, `${where}: one-third rule on a free-rate consultation`);
  } else {
    const packagePriceCents = discountedPackagePriceCents(terms);
    const packageChargeCents = s.chargeCents - s.surchargeCents;
    const allowed = s.billedSeconds === 0 ? [0] : s.oneThirdRuleApplied ? [floorDiv(packagePriceCents, 3)] : [packagePriceCents];
    invariant(allowed.includes(packageChargeCents), `${where}: package part ${packageChargeCents} is not one of ${allowed.join(', ')}`);
  }
}
