import {
  MAX_FEE_PER_MINUTE_CENTS,
  MAX_PACKAGE_MINUTES,
  MAX_PACKAGE_PRICE_CENTS,
  MAX_PACKAGES_PER_EXPERT,
  MAX_RATE_PER_MINUTE_CENTS,
  MIN_PACKAGE_MINUTES,
  MIN_RATE_PER_MINUTE_CENTS,
} from './constants.ts';
import { BillingRuleError, invariant } from './errors.ts';
import { isNonNegativeSafeInteger, multiply } from './integer.ts';
import type { ConsultationMode } from './terms.ts';

export interface PackageOffer {
  mode: ConsultationMode;
  minutes: number;
  priceCents: number;
}

/** The body of `PUT /api/experts/me/pricing`; a mode without a rate is not offered (EXP-4). */
export interface ExpertPricing {
  videoRatePerMinuteCents?: number | null | undefined;
  phoneRatePerMinuteCents?: number | null | undefined;
  packages: readonly PackageOffer[];
}

/**
 * EXP-4 and EXP-5 against the fee per minute in force now (BILL-7). Throws the
 * first `BillingRuleError` found, with `param` the dotted path of the field as
 * in the public error shape (`packages.2.priceCents`).
 */
export function validatePricing(pricing: ExpertPricing, feePerMinuteCents: number): void {
  invariant(
    isNonNegativeSafeInteger(feePerMinuteCents) && feePerMinuteCents <= MAX_FEE_PER_MINUTE_CENTS,
    `fee per minute ${feePerMinuteCents} is not an integer in 0..${MAX_FEE_PER_MINUTE_CENTS}`,
  );
  validateRate(pricing.videoRatePerMinuteCents, feePerMinuteCents, 'videoRatePerMinuteCents');
  validateRate(pricing.phoneRatePerMinuteCents, feePerMinuteCents, 'phoneRatePerMinuteCents');
  if (pricing.packages.length > MAX_PACKAGES_PER_EXPERT) {
    throw new BillingRuleError('too_many_packages', `An expert offers at most ${MAX_PACKAGES_PER_EXPERT} packages (EXP-5).`, 'packages');
  }
  pricing.packages.forEach((offer, index) => validatePackage(offer, feePerMinuteCents, `packages.${index}`));
}

function validateRate(rateCents: number | null | undefined, feePerMinuteCents: number, param: string): void {
  if (rateCents === undefined || rateCents === null) return; // EXP-4: the mode is not offered
  if (!Number.isSafeInteger(rateCents) || rateCents < MIN_RATE_PER_MINUTE_CENTS || rateCents > MAX_RATE_PER_MINUTE_CENTS) {
    throw new BillingRuleError(
      'rate_out_of_range',
      `A rate is a whole number of cents per minute between ${MIN_RATE_PER_MINUTE_CENTS} and ${MAX_RATE_PER_MINUTE_CENTS} (EXP-4).`,
      param,
    );
  }
  if (rateCents <= feePerMinuteCents) {
    throw new BillingRuleError(
      'rate_not_above_fee',
      `A rate must be strictly above the operating fee of ${feePerMinuteCents} cents per minute (EXP-4, BILL-7).`,
      param,
    );
  }
}

function validatePackage(offer: PackageOffer, feePerMinuteCents: number, path: string): void {
  if (offer.mode !== 'video' && offer.mode !== 'phone') {
    throw new BillingRuleError('invalid_mode', 'A package is for "video" or "phone".', `${path}.mode`);
  }
  if (!Number.isSafeInteger(offer.minutes) || offer.minutes < MIN_PACKAGE_MINUTES || offer.minutes > MAX_PACKAGE_MINUTES) {
    throw new BillingRuleError(
      'package_minutes_out_of_range',
      `A package lasts a whole number of minutes between ${MIN_PACKAGE_MINUTES} and ${MAX_PACKAGE_MINUTES} (EXP-5).`,
      `${path}.minutes`,
    );
  }
  if (!Number.isSafeInteger(offer.priceCents)) {
    throw new BillingRuleError('invalid_amount', 'A package price is a whole number of cents.', `${path}.priceCents`);
  }
  const feeCents = multiply(feePerMinuteCents, offer.minutes);
  if (offer.priceCents <= feeCents) {
    throw new BillingRuleError(
      'package_price_not_above_fee',
      `This package must cost more than the operating fee for its minutes: ${feeCents} cents (EXP-5, BILL-7).`,
      `${path}.priceCents`,
    );
  }
  // Our limit, not the SPEC's: a package costs no more per minute than the highest rate (constants.ts).
  const maxPriceCents = multiply(MAX_RATE_PER_MINUTE_CENTS, offer.minutes);
  invariant(maxPriceCents <= MAX_PACKAGE_PRICE_CENTS, `package ceiling ${maxPriceCents} above ${MAX_PACKAGE_PRICE_CENTS}`);
  if (offer.priceCents > maxPriceCents) {
    throw new BillingRuleError(
      'package_price_too_high',
      `This package costs at most ${maxPriceCents} cents: ${MAX_RATE_PER_MINUTE_CENTS} per minute (EXP-4's highest rate).`,
      `${path}.priceCents`,
    );
  }
}
