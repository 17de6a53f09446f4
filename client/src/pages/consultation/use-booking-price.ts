/**
 * BOOK-2: what the current choice costs, read from the quote route, which runs the settlement,
 * hold and cancellation code (BILL-13): the page never computes a price of its own.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, apiCall } from '../../api.ts';
import { MAX_FREE_RATE_BUDGET_CENTS, MAX_PACKAGE_MINUTES, SECONDS_PER_MINUTE } from '../../../../server/billing/constants.ts';
import { BUDGET, parseEuros, type BookingChoice } from './booking-choice.ts';
import type { PublicProfile, Quote } from './booking-types.ts';

/** Wait for the visitor to stop typing before asking for a quote. */
const QUOTE_DEBOUNCE_MS = 300;

export interface BookingPrice {
  /** Free rate: the rate plus the phone surcharge, after any discount. Null for a package. */
  pricePerMinuteCents: number | null;
  /** BILL-8: the part of each minute that is the phone surcharge. */
  surchargePerMinuteCents: number;
  /** Package: its price after any discount, and the surcharge of all its minutes. */
  packagePriceCents: number | null;
  packageSurchargeCents: number;
  packageMinutes: number | null;
  /** BILL-1 / BILL-5: the longest the consultation can last. */
  maxSeconds: number;
  /** BOOK-3: what the card hold blocks. */
  holdCents: number;
  /** BILL-10: a late cancellation or a no-show. */
  lateCancellationCents: number;
  /** SPEC §11: the minutes an appointment reserves in the expert's diary. */
  reservedMinutes: number;
}

/** Why there is no price: the field to fix (or none) and the API's or the page's code. */
export interface PriceProblem {
  field: 'budget' | 'discountCode' | '';
  code: string;
  /** The API's answer, for a message when the code is not one the page words itself. */
  error?: unknown;
}

export type PriceState = { state: 'loading' } | { state: 'ready'; price: BookingPrice } | { state: 'invalid'; problem: PriceProblem };

const PROBLEM_FIELDS: Record<string, PriceProblem['field']> = {
  budget_too_small: 'budget',
  budget_too_large: 'budget',
  invalid_discount_code: 'discountCode',
};

export function useBookingPrice(profile: PublicProfile, choice: BookingChoice): PriceState {
  const [state, setState] = useState<PriceState>({ state: 'loading' });
  // The first quote goes at once; later ones wait for the typing to stop.
  const asked = useRef(false);
  const { mode, pricing, budgetText, country, discountCode } = choice;
  useEffect(() => {
    let current = true;
    const budgetCents = pricing === BUDGET ? parseEuros(budgetText) : undefined;
    if (pricing === BUDGET && budgetCents === undefined) {
      setState({ state: 'invalid', problem: { field: 'budget', code: 'budget_format' } });
      return;
    }
    if (budgetCents !== undefined && budgetCents > MAX_FREE_RATE_BUDGET_CENTS) {
      setState({ state: 'invalid', problem: { field: 'budget', code: 'budget_too_large' } });
      return;
    }
    const offer = profile.pricing.packages.find((candidate) => candidate.id === pricing);
    const timer = setTimeout(
      () => {
        const query = new URLSearchParams({ mode, country: mode === 'phone' ? country : 'FR' });
        if (offer) {
          query.set('packageId', offer.id);
          query.set('seconds', String(offer.minutes * SECONDS_PER_MINUTE));
        } else {
          query.set('budgetCents', String(budgetCents));
          // One minute: its charge is the per-minute price, surcharge included (BILL-2).
          query.set('seconds', String(SECONDS_PER_MINUTE));
        }
        if (discountCode) query.set('discountCode', discountCode);
        apiCall<Quote>('GET', `/api/experts/${encodeURIComponent(profile.slug)}/quote?${query.toString()}`).then(
          (quote) => current && setState({ state: 'ready', price: priceOf(quote, offer?.minutes ?? null) }),
          (error: unknown) => {
            if (!current) return;
            const code = error instanceof ApiError ? error.code : 'unexpected';
            setState({ state: 'invalid', problem: { field: PROBLEM_FIELDS[code] ?? '', code, error } });
          },
        );
      },
      asked.current ? QUOTE_DEBOUNCE_MS : 0,
    );
    asked.current = true;
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [profile, mode, pricing, budgetText, country, discountCode]);
  return state;
}

function priceOf(quote: Quote, packageMinutes: number | null): BookingPrice {
  if (packageMinutes !== null) {
    return {
      pricePerMinuteCents: null,
      surchargePerMinuteCents: Math.round(quote.surchargeCents / packageMinutes),
      packagePriceCents: quote.chargeCents - quote.surchargeCents,
      packageSurchargeCents: quote.surchargeCents,
      packageMinutes,
      maxSeconds: quote.maxSeconds,
      holdCents: quote.holdCents,
      lateCancellationCents: quote.lateCancellationCents,
      reservedMinutes: packageMinutes,
    };
  }
  return {
    pricePerMinuteCents: quote.pricePerMinuteCents,
    surchargePerMinuteCents: quote.surchargeCents,
    packagePriceCents: null,
    packageSurchargeCents: 0,
    packageMinutes: null,
    maxSeconds: quote.maxSeconds,
    holdCents: quote.holdCents,
    lateCancellationCents: quote.lateCancellationCents,
    reservedMinutes: Math.min(MAX_PACKAGE_MINUTES, Math.ceil(quote.maxSeconds / SECONDS_PER_MINUTE)),
  };
}
