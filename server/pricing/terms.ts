import type { Queryable } from '../platform/database.ts';
import { badRequest } from '../platform/errors.ts';
import {
  surchargePerMinuteForCountry,
  validateBudget,
  validateTermsStructure,
  type ConsultationMode,
  type ConsultationTerms,
  type SurchargeTable,
} from '../billing/index.ts';
import { feeScheduleAt, surchargeTableAt } from './fee-schedule.ts';
import { readExpertPricing, type ExpertPricingView } from './expert-pricing.ts';
import { resolveDiscountCode } from './discounts.ts';

export interface PricingChoice {
  mode: ConsultationMode;
  budgetCents?: number | undefined;
  packageId?: string | undefined;
  /** ISO 3166 alpha-2 of the number called (BILL-8); ignored for video. */
  country: string;
  discountCode?: string | undefined;
}

export interface TermsInForce {
  terms: ConsultationTerms;
  packageId: string | null;
  discountCodeId: string | null;
}

/** What terms are made of at a moment (BILL-13): the expert's offer and the platform's fee and surcharges in force. */
export interface PricingInputs {
  pricing: ExpertPricingView;
  feePerMinuteCents: number;
  surcharges: SurchargeTable;
}

/**
 * BILL-13: the terms a booking made now would freeze: the expert's current rate or package,
 * the fee schedule and surcharge table in force, and the discount. The quote route and the
 * booking both call this, then the same billing functions: the page and the bill cannot differ.
 * The quote passes `inputs` read with the consultation page (kept briefly, see PublicProfileCache);
 * the booking reads them here. A discount code is always checked in the database.
 */
export async function termsInForce(
  db: Queryable,
  input: { expertId: string; choice: PricingChoice; at: Date; clientId?: string | undefined; inputs?: PricingInputs },
): Promise<TermsInForce> {
  const { choice } = input;
  if ((choice.budgetCents === undefined) === (choice.packageId === undefined)) {
    throw badRequest('pricing_choice_required', 'Give either a budget (budgetCents) or a package (packageId).', 'budgetCents');
  }
  const { pricing, feePerMinuteCents, surcharges } = input.inputs ?? (await readPricingInputs(db, input.expertId, input.at));
  const discount = choice.discountCode
    ? await resolveDiscountCode(db, { expertId: input.expertId, code: choice.discountCode, at: input.at, clientId: input.clientId })
    : undefined;
  const common = {
    mode: choice.mode,
    feePerMinuteCents,
    surchargePerMinuteCents: choice.mode === 'phone' ? surchargePerMinuteForCountry(surcharges, choice.country) : 0,
    discountPercent: discount?.percentOff ?? 0,
  };
  let terms: ConsultationTerms;
  let packageId: string | null = null;
  if (choice.packageId !== undefined) {
    const offered = pricing.packages.find((candidate) => candidate.id === choice.packageId);
    if (!offered) throw badRequest('unknown_package', 'This expert offers no such package.', 'packageId');
    if (offered.mode !== choice.mode) throw badRequest('package_mode_mismatch', `This package is for ${offered.mode} consultations.`, 'packageId');
    terms = { ...common, pricing: 'package', packageMinutes: offered.minutes, packagePriceCents: offered.priceCents };
    packageId = offered.id;
  } else {
    const rate = choice.mode === 'video' ? pricing.videoRatePerMinuteCents : pricing.phoneRatePerMinuteCents;
    if (rate === null) throw badRequest('mode_not_offered', `This expert does not offer ${choice.mode} consultations by the minute.`, 'mode');
    terms = { ...common, pricing: 'free_rate', ratePerMinuteCents: rate, budgetCents: choice.budgetCents! };
    validateBudget(terms);
  }
  validateTermsStructure(terms);
  return { terms, packageId, discountCodeId: discount?.id ?? null };
}

async function readPricingInputs(db: Queryable, expertId: string, at: Date): Promise<PricingInputs> {
  const [pricing, fee, surcharges] = await Promise.all([readExpertPricing(db, expertId), feeScheduleAt(db, at), surchargeTableAt(db, at)]);
  return { pricing, feePerMinuteCents: fee.feePerMinuteCents, surcharges };
}
