import type { Queryable } from '../platform/database.ts';
import {
  MAX_FREE_RATE_BUDGET_CENTS,
  ONE_THIRD_RULE_MAX_PACKAGE_MINUTES,
  SECONDS_PER_MINUTE,
  settleConsultation,
  type ConsultationMode,
  type ConsultationTerms,
} from '../billing/index.ts';

/**
 * EXP-4, EXP-5, BILL-7 for the rates form: the operating fee per minute in force and what the
 * expert keeps, per minute and per package. Nothing is computed here: each figure is a
 * settlement of one minute (or of the whole package, or of one second under the one-third rule)
 * by `settleConsultation`, the function that bills real consultations, so the form and the bill
 * cannot disagree. Video and phone keep the same per minute: the phone surcharge (BILL-8) is paid
 * by the client on top and goes to the platform in full.
 */

export interface RateBreakdown {
  ratePerMinuteCents: number;
  feePerMinuteCents: number;
  netPerMinuteCents: number;
}

export interface PackageBreakdown {
  id: string | null;
  mode: ConsultationMode;
  minutes: number;
  priceCents: number;
  feeCents: number;
  netCents: number;
  /** BILL-5: a package used for a third of its minutes or less (and of 60 minutes at most) costs a third. */
  oneThirdRule: { chargeCents: number; feeCents: number; netCents: number } | null;
}

export interface PricingBreakdown {
  feePerMinuteCents: number;
  video: RateBreakdown | null;
  phone: RateBreakdown | null;
  packages: PackageBreakdown[];
}

export interface PricingToBreakDown {
  videoRatePerMinuteCents?: number | null | undefined;
  phoneRatePerMinuteCents?: number | null | undefined;
  packages: readonly { id?: string; mode: ConsultationMode; minutes: number; priceCents: number }[];
}

/** The pricing must be valid first (`validatePricing`): these are the rules applied to it. */
export function pricingBreakdown(pricing: PricingToBreakDown, feePerMinuteCents: number): PricingBreakdown {
  const common = { surchargePerMinuteCents: 0, feePerMinuteCents, discountPercent: 0 };
  const rate = (mode: ConsultationMode, ratePerMinuteCents: number | null | undefined): RateBreakdown | null => {
    if (ratePerMinuteCents === null || ratePerMinuteCents === undefined) return null;
    // The largest budget buys at least one minute at any allowed rate (EXP-4 ≤ BILL-1's ceiling).
    const terms: ConsultationTerms = { ...common, mode, pricing: 'free_rate', ratePerMinuteCents, budgetCents: MAX_FREE_RATE_BUDGET_CENTS };
    const minute = settleConsultation(terms, SECONDS_PER_MINUTE);
    return { ratePerMinuteCents, feePerMinuteCents: minute.feeCents, netPerMinuteCents: minute.expertEarningsCents };
  };
  return {
    feePerMinuteCents,
    video: rate('video', pricing.videoRatePerMinuteCents),
    phone: rate('phone', pricing.phoneRatePerMinuteCents),
    packages: pricing.packages.map((offer) => {
      const terms: ConsultationTerms = { ...common, mode: offer.mode, pricing: 'package', packageMinutes: offer.minutes, packagePriceCents: offer.priceCents };
      const whole = settleConsultation(terms, offer.minutes * SECONDS_PER_MINUTE);
      const third = offer.minutes <= ONE_THIRD_RULE_MAX_PACKAGE_MINUTES ? settleConsultation(terms, 1) : null;
      return {
        id: offer.id ?? null,
        mode: offer.mode,
        minutes: offer.minutes,
        priceCents: offer.priceCents,
        feeCents: whole.feeCents,
        netCents: whole.expertEarningsCents,
        oneThirdRule: third ? { chargeCents: third.chargeCents, feeCents: third.feeCents, netCents: third.expertEarningsCents } : null,
      };
    }),
  };
}

/** BILL-13: the next fee change already scheduled, so the form can say what changes and when. */
export async function upcomingFeeChange(db: Queryable, now: Date): Promise<{ feePerMinuteCents: number; effectiveFrom: string } | null> {
  const [row] = await db.query<{ fee_per_minute_cents: number; effective_from: Date }>(
    'SELECT fee_per_minute_cents, effective_from FROM fee_schedules WHERE effective_from > $1 ORDER BY effective_from LIMIT 1',
    [now],
  );
  return row ? { feePerMinuteCents: row.fee_per_minute_cents, effectiveFrom: row.effective_from.toISOString() } : null;
}
