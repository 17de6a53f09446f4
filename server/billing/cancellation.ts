import { validateBudget } from './budget.ts';
import { CANCELLATION_FREE_RATE_MINUTES, CANCELLATION_PACKAGE_PERCENT, LATE_CANCELLATION_HOURS } from './constants.ts';
import { BillingRuleError, invariant } from './errors.ts';
import { isNonNegativeSafeInteger, multiply, roundHalfUpDiv } from './integer.ts';
import { assertUnreachable, clientPricePerMinuteCents, discountedPackagePriceCents, validateTermsStructure, type ConsultationTerms } from './terms.ts';

/** What ended a consultation before anyone was connected. The booking state machine decides which one happened. */
export type CancellationEvent =
  /** BILL-10. Negative hours mean after the start. */
  | { kind: 'client_cancellation'; hoursBeforeStart: number }
  /** BOOK-5 / BILL-10: charged as a late cancellation. */
  | { kind: 'client_no_show' }
  /** BILL-12 */
  | { kind: 'expert_cancellation' }
  /** BOOK-5 / BILL-12 */
  | { kind: 'expert_no_show' }
  /** BILL-11: cancelled by the client before the expert joined. */
  | { kind: 'immediate_request_cancelled' }
  /** BOOK-4: the expert did not join within 5 minutes; no one is penalised. */
  | { kind: 'immediate_request_expired' }
  /** BOOK-3: the deferred hold failed and was not fixed in time; cancelled with no fee. */
  | { kind: 'payment_hold_failed' };

export interface CancellationPrice {
  /** What the client pays: `feeCents + surchargeCents + expertEarningsCents`. */
  clientChargeCents: number;
  feeCents: number;
  surchargeCents: number;
  expertEarningsCents: number;
  /** BILL-12: what the expert owes the platform, debited from the wallet; non-zero only when the client pays nothing. */
  expertPenaltyCents: number;
}

const NOTHING: CancellationPrice = {
  clientChargeCents: 0,
  feeCents: 0,
  surchargeCents: 0,
  expertEarningsCents: 0,
  expertPenaltyCents: 0,
};

/** Prices a cancellation or no-show from the terms frozen at booking (BILL-13). */
export function priceCancellation(terms: ConsultationTerms, event: CancellationEvent): CancellationPrice {
  validateTermsStructure(terms);
  if (terms.pricing === 'free_rate') validateBudget(terms);
  let price: CancellationPrice;
  switch (event.kind) {
    case 'client_cancellation':
      price = isLateCancellation(event.hoursBeforeStart) ? priceLateClientCancellation(terms) : NOTHING;
      break;
    case 'client_no_show':
      price = priceLateClientCancellation(terms); // BOOK-5: a client no-show is a late cancellation
      break;
    case 'expert_cancellation':
    case 'expert_no_show':
      price = { ...NOTHING, expertPenaltyCents: expertPenaltyCents(terms) };
      break;
    case 'immediate_request_cancelled': // BILL-11
    case 'immediate_request_expired': // BOOK-4
    case 'payment_hold_failed': // BOOK-3
      price = NOTHING;
      break;
    default:
      assertUnreachable(event);
  }
  assertCancellationInvariants(terms, event, price);
  return { ...price };
}

/**
 * BILL-10: "free up to 48 hours before its start". We read "up to" as
 * inclusive: cancelling exactly 48 h before (or more) is free; any moment
 * later is late.
 */
export function isLateCancellation(hoursBeforeStart: number): boolean {
  if (!Number.isFinite(hoursBeforeStart)) {
    throw new BillingRuleError('invalid_hours', 'Hours before the start must be a finite number.', 'hoursBeforeStart');
  }
  return hoursBeforeStart < LATE_CANCELLATION_HOURS;
}

/** BILL-10: a late cancellation or client no-show. */
function priceLateClientCancellation(terms: ConsultationTerms): CancellationPrice {
  switch (terms.pricing) {
    case 'free_rate': {
      // `min(B, 10 × (r + s))` on the discounted rate (BILL-6); surcharge, then fee, come first to the platform.
      const chargeCents = Math.min(terms.budgetCents, multiply(CANCELLATION_FREE_RATE_MINUTES, clientPricePerMinuteCents(terms)));
      const surchargeCents = Math.min(chargeCents, multiply(CANCELLATION_FREE_RATE_MINUTES, terms.surchargePerMinuteCents));
      const feeCents = Math.min(chargeCents - surchargeCents, multiply(CANCELLATION_FREE_RATE_MINUTES, terms.feePerMinuteCents));
      return {
        clientChargeCents: chargeCents,
        feeCents,
        surchargeCents,
        expertEarningsCents: chargeCents - surchargeCents - feeCents,
        expertPenaltyCents: 0,
      };
    }
    case 'package': {
      // `round(P' × 15 / 100)`; the platform keeps `round(f × M × 15 / 100)`, capped like BILL-7's package fee
      // so that the expert's part is never negative when a discount brought P' below the fee.
      const chargeCents = percentOfCents(discountedPackagePriceCents(terms), CANCELLATION_PACKAGE_PERCENT);
      const feeCents = Math.min(chargeCents, packagePercentFeeCents(terms.feePerMinuteCents, terms.packageMinutes));
      return {
        clientChargeCents: chargeCents,
        feeCents,
        surchargeCents: 0, // BILL-5: a package's surcharge is per connected second, and none were
        expertEarningsCents: chargeCents - feeCents,
        expertPenaltyCents: 0,
      };
    }
    default:
      return assertUnreachable(terms);
  }
}

/** BILL-12: the operating fee the consultation would have produced. Undiscounted: EXP-7 never reduces the fee. */
function expertPenaltyCents(terms: ConsultationTerms): number {
  switch (terms.pricing) {
    case 'free_rate':
      return multiply(CANCELLATION_FREE_RATE_MINUTES, terms.feePerMinuteCents);
    case 'package':
      return packagePercentFeeCents(terms.feePerMinuteCents, terms.packageMinutes);
    default:
      return assertUnreachable(terms);
  }
}

/** BILL-10 / BILL-12: `round(f × M × 15 / 100)`. */
function packagePercentFeeCents(feePerMinuteCents: number, packageMinutes: number): number {
  return percentOfCents(multiply(feePerMinuteCents, packageMinutes), CANCELLATION_PACKAGE_PERCENT);
}

function percentOfCents(amountCents: number, percent: number): number {
  return roundHalfUpDiv(multiply(amountCents, percent), 100);
}

function assertCancellationInvariants(terms: ConsultationTerms, event: CancellationEvent, p: CancellationPrice): void {
  const where = `${event.kind} of a ${terms.pricing} consultation`;
  for (const [name, value] of Object.entries(p)) {
    invariant(isNonNegativeSafeInteger(value), `${where}: ${name} = ${String(value)}`);
  }
  invariant(
    p.clientChargeCents === p.feeCents + p.surchargeCents + p.expertEarningsCents,
    `${where}: charge ${p.clientChargeCents} ≠ fee + surcharge + earnings`,
  );
  invariant(p.feeCents <= p.clientChargeCents - p.surchargeCents, `${where}: fee ${p.feeCents} above charge − surcharge`);
  invariant(p.expertPenaltyCents === 0 || p.clientChargeCents === 0, `${where}: both a client charge and an expert penalty`);
  if (terms.pricing === 'free_rate') {
    invariant(p.clientChargeCents <= terms.budgetCents, `${where}: charge ${p.clientChargeCents} above budget ${terms.budgetCents}`);
  }
}
