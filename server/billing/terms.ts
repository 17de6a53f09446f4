import {
  MAX_DISCOUNT_PERCENT,
  MAX_FEE_PER_MINUTE_CENTS,
  MAX_PACKAGE_MINUTES,
  MAX_PACKAGE_PRICE_CENTS,
  MAX_RATE_PER_MINUTE_CENTS,
  MAX_SURCHARGE_PER_MINUTE_CENTS,
  MIN_PACKAGE_MINUTES,
  MIN_RATE_PER_MINUTE_CENTS,
} from './constants.ts';
import { BillingRuleError, InvariantViolation, invariant } from './errors.ts';
import { isNonNegativeSafeInteger, multiply, roundHalfUpDiv } from './integer.ts';

export type ConsultationMode = 'video' | 'phone';

/** Fields every consultation freezes at booking (BILL-13). */
interface CommonTerms {
  mode: ConsultationMode;
  /** BILL-8: phone surcharge of the called country; 0 for video. Never discounted: it pays the telephony. */
  surchargePerMinuteCents: number;
  /** BILL-7: operating fee per minute of the fee schedule in force at booking. */
  feePerMinuteCents: number;
  /** BILL-6 / EXP-7: whole percentage off the rate or package price, 0 = no discount. */
  discountPercent: number;
}

/** A free-rate consultation: per-minute billing within the client's budget (BILL-1, BILL-2). */
export interface FreeRateTerms extends CommonTerms {
  pricing: 'free_rate';
  /** The expert's undiscounted rate for the mode (EXP-4). */
  ratePerMinuteCents: number;
  /** What the client authorised, in what the client actually pays (BILL-6). */
  budgetCents: number;
}

/** A package consultation: fixed price for fixed minutes (BILL-5). */
export interface PackageTerms extends CommonTerms {
  pricing: 'package';
  packageMinutes: number;
  /** The undiscounted package price (EXP-5). */
  packagePriceCents: number;
}

/** BILL-13: the terms frozen at booking; settlement and cancellation use only these. */
export type ConsultationTerms = FreeRateTerms | PackageTerms;

/**
 * BILL-6: the discount applies to `r` or `P` before any other rule. The
 * discounted amount is rounded half up to the cent, like every SPEC §6 "round".
 */
export function applyDiscountCents(amountCents: number, discountPercent: number): number {
  return roundHalfUpDiv(multiply(amountCents, MAX_DISCOUNT_PERCENT - discountPercent), MAX_DISCOUNT_PERCENT);
}

/** BILL-6: the per-minute rate `r` after the discount. */
export function discountedRatePerMinuteCents(terms: FreeRateTerms): number {
  return applyDiscountCents(terms.ratePerMinuteCents, terms.discountPercent);
}

/** BILL-6: the package price `P` after the discount. */
export function discountedPackagePriceCents(terms: PackageTerms): number {
  return applyDiscountCents(terms.packagePriceCents, terms.discountPercent);
}

/** BOOK-2: the per-minute price shown to the client, `r + s` after the discount (BILL-1, BILL-6). */
export function clientPricePerMinuteCents(terms: FreeRateTerms): number {
  return discountedRatePerMinuteCents(terms) + terms.surchargePerMinuteCents;
}

/**
 * Checks frozen terms before any pricing. The discount is a person's choice
 * (an expert's code), so a bad one is a `BillingRuleError`; every other field
 * was validated when the expert priced (EXP-4, EXP-5) or the admin configured
 * it, so a bad one is a bug (`InvariantViolation`). The budget is checked by
 * `validateBudget` (BILL-1), which needs these checks first.
 */
export function validateTermsStructure(terms: ConsultationTerms): void {
  if (!isNonNegativeSafeInteger(terms.discountPercent) || terms.discountPercent > MAX_DISCOUNT_PERCENT) {
    throw new BillingRuleError('invalid_discount', `A discount is a whole percentage between 0 and ${MAX_DISCOUNT_PERCENT}.`, 'discountPercent');
  }
  invariant(terms.mode === 'video' || terms.mode === 'phone', `unknown mode ${String(terms.mode)}`);
  invariant(
    isNonNegativeSafeInteger(terms.feePerMinuteCents) && terms.feePerMinuteCents <= MAX_FEE_PER_MINUTE_CENTS,
    `fee per minute ${terms.feePerMinuteCents} is not an integer in 0..${MAX_FEE_PER_MINUTE_CENTS}`,
  );
  invariant(
    isNonNegativeSafeInteger(terms.surchargePerMinuteCents) && terms.surchargePerMinuteCents <= MAX_SURCHARGE_PER_MINUTE_CENTS,
    `surcharge per minute ${terms.surchargePerMinuteCents} is not an integer in 0..${MAX_SURCHARGE_PER_MINUTE_CENTS}`,
  );
  // BILL-8: only a phone call has a called country, so only it can carry a surcharge.
  invariant(terms.mode === 'phone' || terms.surchargePerMinuteCents === 0, 'a video consultation carries a phone surcharge');
  switch (terms.pricing) {
    case 'free_rate':
      // EXP-4. Not "strictly above the fee": the fee schedule in force at booking may have risen since pricing.
      invariant(
        Number.isSafeInteger(terms.ratePerMinuteCents) &&
          terms.ratePerMinuteCents >= MIN_RATE_PER_MINUTE_CENTS &&
          terms.ratePerMinuteCents <= MAX_RATE_PER_MINUTE_CENTS,
        `rate ${terms.ratePerMinuteCents} is outside EXP-4's ${MIN_RATE_PER_MINUTE_CENTS}..${MAX_RATE_PER_MINUTE_CENTS}`,
      );
      return;
    case 'package':
      // EXP-5, same remark about the fee.
      invariant(
        Number.isSafeInteger(terms.packageMinutes) && terms.packageMinutes >= MIN_PACKAGE_MINUTES && terms.packageMinutes <= MAX_PACKAGE_MINUTES,
        `package minutes ${terms.packageMinutes} are outside EXP-5's ${MIN_PACKAGE_MINUTES}..${MAX_PACKAGE_MINUTES}`,
      );
      invariant(
        isNonNegativeSafeInteger(terms.packagePriceCents) && terms.packagePriceCents <= MAX_PACKAGE_PRICE_CENTS,
        `package price ${terms.packagePriceCents} is not an integer in 0..${MAX_PACKAGE_PRICE_CENTS}`,
      );
      return;
    default:
      assertUnreachable(terms);
  }
}

/** Ends an exhaustive `switch`: reaching it means a value the types ruled out, so a bug. */
export function assertUnreachable(value: never): never {
  throw new InvariantViolation(`unexpected value ${JSON.stringify(value)}`);
}
