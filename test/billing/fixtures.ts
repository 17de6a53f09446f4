import { expect } from 'chai';
import fc from 'fast-check';
import {
  BillingRuleError,
  InvariantViolation,
  MAX_FREE_RATE_BUDGET_CENTS,
  MAX_RATE_PER_MINUTE_CENTS,
  MIN_RATE_PER_MINUTE_CENTS,
  type BillingRuleCode,
  type FreeRateTerms,
  type PackageTerms,
} from '../../server/billing/index.ts';

/** Number of runs of every property: thousands, as issue 3 asks. */
export const NUM_RUNS = 5000;

export function freeRate(overrides: Partial<FreeRateTerms> = {}): FreeRateTerms {
  return {
    pricing: 'free_rate',
    mode: 'video',
    ratePerMinuteCents: 100,
    surchargePerMinuteCents: 0,
    feePerMinuteCents: 15,
    discountPercent: 0,
    budgetCents: 5000,
    ...overrides,
  };
}

export function pkg(overrides: Partial<PackageTerms> = {}): PackageTerms {
  return {
    pricing: 'package',
    mode: 'video',
    packageMinutes: 15,
    packagePriceCents: 7500,
    surchargePerMinuteCents: 0,
    feePerMinuteCents: 15,
    discountPercent: 0,
    ...overrides,
  };
}

export function expectRuleError(action: () => unknown, code: BillingRuleCode, param?: string): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected BillingRuleError ${code}`).to.be.instanceOf(BillingRuleError);
  expect((thrown as BillingRuleError).code).to.equal(code);
  if (param !== undefined) expect((thrown as BillingRuleError).param).to.equal(param);
}

export function expectInvariantViolation(action: () => unknown): void {
  expect(action).to.throw(InvariantViolation);
}

/** SPEC §6 "round", written independently of the code under test (exact for these magnitudes). */
export function specRound(numerator: number, denominator: number): number {
  return Math.round(numerator / denominator);
}

export function specDiscount(amountCents: number, discountPercent: number): number {
  return specRound(amountCents * (100 - discountPercent), 100);
}

const discountPercentArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 99 }) },
  { weight: 1, arbitrary: fc.constantFrom(50, 90, 99, 100) },
);

/** Mostly realistic fees, sometimes a fee raised after pricing up to or above the rate. */
const feePerMinuteArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 100 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: MAX_RATE_PER_MINUTE_CENTS }) },
);

const modeAndSurchargeArb = fc.oneof(
  fc.record({ mode: fc.constant('video' as const), surchargePerMinuteCents: fc.constant(0) }),
  fc.record({
    mode: fc.constant('phone' as const),
    surchargePerMinuteCents: fc.oneof(fc.constantFrom(0, 20, 50), fc.integer({ min: 0, max: 500 })),
  }),
);

const rateArb = fc.oneof(
  fc.integer({ min: MIN_RATE_PER_MINUTE_CENTS, max: 300 }),
  fc.integer({ min: MIN_RATE_PER_MINUTE_CENTS, max: MAX_RATE_PER_MINUTE_CENTS }),
);

/** Valid free-rate terms: the budget lies between one minute's price and 5000 (BILL-1, BILL-6). */
export const freeRateTermsArb: fc.Arbitrary<FreeRateTerms> = fc
  .record({
    modeAndSurcharge: modeAndSurchargeArb,
    ratePerMinuteCents: rateArb,
    feePerMinuteCents: feePerMinuteArb,
    discountPercent: discountPercentArb,
  })
  .filter(({ modeAndSurcharge, ratePerMinuteCents, discountPercent }) => {
    const minuteCents = specDiscount(ratePerMinuteCents, discountPercent) + modeAndSurcharge.surchargePerMinuteCents;
    return minuteCents > 0 && minuteCents <= MAX_FREE_RATE_BUDGET_CENTS;
  })
  .chain(({ modeAndSurcharge, ratePerMinuteCents, feePerMinuteCents, discountPercent }) => {
    const minuteCents = specDiscount(ratePerMinuteCents, discountPercent) + modeAndSurcharge.surchargePerMinuteCents;
    const budgetArb = fc.oneof(fc.constantFrom(minuteCents, MAX_FREE_RATE_BUDGET_CENTS), fc.integer({ min: minuteCents, max: MAX_FREE_RATE_BUDGET_CENTS }));
    return budgetArb.map((budgetCents): FreeRateTerms => ({
      pricing: 'free_rate',
      ...modeAndSurcharge,
      ratePerMinuteCents,
      feePerMinuteCents,
      discountPercent,
      budgetCents,
    }));
  });

/** Valid package terms (EXP-5), including prices that a discount or a later fee brought below the fee. */
export const packageTermsArb: fc.Arbitrary<PackageTerms> = fc
  .record({
    modeAndSurcharge: modeAndSurchargeArb,
    packageMinutes: fc.oneof(fc.constantFrom(5, 15, 30, 59, 60, 61, 90), fc.integer({ min: 5, max: 90 })),
    feePerMinuteCents: feePerMinuteArb,
    discountPercent: discountPercentArb,
    pricePerMinuteCents: fc.oneof(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: MAX_RATE_PER_MINUTE_CENTS })),
    extraCents: fc.integer({ min: 0, max: 99 }),
  })
  .map(({ modeAndSurcharge, packageMinutes, feePerMinuteCents, discountPercent, pricePerMinuteCents, extraCents }): PackageTerms => ({
    pricing: 'package',
    ...modeAndSurcharge,
    packageMinutes,
    packagePriceCents: Math.max(0, pricePerMinuteCents * packageMinutes - extraCents),
    feePerMinuteCents,
    discountPercent,
  }));

export const termsArb = fc.oneof(freeRateTermsArb, packageTermsArb);

/** Connected seconds around the interesting boundaries and far beyond any maximum. */
export const connectedSecondsArb = fc.oneof(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 5400 + 60 }), fc.integer({ min: 0, max: 400_000 }));
