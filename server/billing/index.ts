/**
 * The billing rules of SPEC §6 as pure functions: plain values in, plain
 * values out, no clock, no database, no I/O. Integer cents everywhere.
 * Routes, settlement and the ledger import from here only.
 */
export * from './constants.ts';
export { BillingRuleError, InvariantViolation, type BillingRuleCode } from './errors.ts';
export {
  applyDiscountCents,
  clientPricePerMinuteCents,
  discountedPackagePriceCents,
  discountedRatePerMinuteCents,
  validateTermsStructure,
  type ConsultationMode,
  type ConsultationTerms,
  type FreeRateTerms,
  type PackageTerms,
} from './terms.ts';
export { maxSecondsForBudget, validateBudget } from './budget.ts';
export { settleConsultation, type Settlement } from './settlement.ts';
export { isLateCancellation, priceCancellation, type CancellationEvent, type CancellationPrice } from './cancellation.ts';
export {
  EU_COUNTRY_CODES,
  FRANCE_COUNTRY_CODES,
  surchargePerMinuteForCountry,
  surchargeZoneForCountry,
  type SurchargeTable,
  type SurchargeZone,
} from './surcharge.ts';
export { validatePricing, type ExpertPricing, type PackageOffer } from './pricing-validation.ts';
export { referralCommissionCents } from './referral.ts';
export { refundSplit, type RefundableParts, type RefundSplit } from './refund.ts';
export { holdAmountCents } from './hold.ts';
