/**
 * BOOK-1: what the client chooses (mode, timing, budget or package…) and where it lives so that
 * Back, Forward and a reload never lose it. The choice and the step are in the address
 * (`/consultation/<slug>?etape=paiement&mode=video&quand=maintenant&budget=20`): they describe the
 * booking, can be shared and contain nothing personal. What is personal (the number to call, the
 * name and email typed in the sign-up form, never the password) stays in this tab's
 * sessionStorage. Every value read back is checked against what the expert offers today.
 */
import { CANCELLATION_FREE_RATE_MINUTES, MAX_FREE_RATE_BUDGET_CENTS } from '../../../../server/billing/constants.ts';
import type { Mode, PackageOffer, PublicProfile } from './booking-types.ts';

/** The flow's screens after the expert's page itself; the step is in the address (`?etape=`). */
export type BookingStep = 'offer' | 'account' | 'payment';
const STEP_VALUES: Record<Exclude<BookingStep, 'offer'>, string> = { account: 'compte', payment: 'paiement' };

export interface BookingChoice {
  mode: Mode;
  timing: 'now' | 'slot';
  /** ISO start of the chosen slot, '' until one is chosen. */
  slot: string;
  /** 'budget' for a free-rate consultation, else a package id. */
  pricing: string;
  /** The budget as typed ("20", "12,50"), so a half-typed amount survives a reload. */
  budgetText: string;
  /** BILL-8: the country whose surcharge the page shows before a number is typed. */
  country: string;
  discountCode: string;
}

export const BUDGET = 'budget';
const PARAM = {
  step: 'etape',
  mode: 'mode',
  timing: 'quand',
  slot: 'creneau',
  budget: 'budget',
  package: 'forfait',
  country: 'pays',
  discount: 'remise',
} as const;
const TIMING_VALUES = { now: 'maintenant', slot: 'rdv' } as const;
const DISCOUNT_CODE_MAX_LENGTH = 32;
/** A budget typed in euros never needs more characters than "5 000,00 €". */
export const BUDGET_TEXT_MAX_LENGTH = 10;
/** A useful first budget: ten minutes at the rate, at least 20 €, at most the BILL-1 ceiling. */
const DEFAULT_BUDGET_FLOOR_CENTS = 2000;
const BUDGET_STEP_CENTS = 500;

export function rateFor(profile: PublicProfile, mode: Mode): number | null {
  return mode === 'video' ? profile.pricing.videoRatePerMinuteCents : profile.pricing.phoneRatePerMinuteCents;
}

export function packagesFor(profile: PublicProfile, mode: Mode): PackageOffer[] {
  return profile.pricing.packages.filter((offer) => offer.mode === mode);
}

/** EXP-4: a mode without a rate or a package is not offered. */
export function offeredModes(profile: PublicProfile): Mode[] {
  return (['video', 'phone'] as const).filter((mode) => rateFor(profile, mode) !== null || packagesFor(profile, mode).length > 0);
}

export function defaultBudgetCents(ratePerMinuteCents: number | null): number {
  const tenMinutes = (ratePerMinuteCents ?? 0) * CANCELLATION_FREE_RATE_MINUTES;
  const rounded = Math.ceil(tenMinutes / BUDGET_STEP_CENTS) * BUDGET_STEP_CENTS;
  return Math.min(MAX_FREE_RATE_BUDGET_CENTS, Math.max(DEFAULT_BUDGET_FLOOR_CENTS, rounded));
}

/** Cents as a budget is typed in the page's language: 2000 → "20", 1250 → "12,50" / "12.50". */
export function budgetText(cents: number, decimalSeparator: string): string {
  return cents % 100 === 0 ? String(cents / 100) : (cents / 100).toFixed(2).replace('.', decimalSeparator);
}

function defaultPricing(profile: PublicProfile, mode: Mode): string {
  return rateFor(profile, mode) !== null ? BUDGET : (packagesFor(profile, mode)[0]?.id ?? BUDGET);
}

/** The choice for a mode, keeping what still applies: a package of another mode does not. */
export function withMode(profile: PublicProfile, choice: BookingChoice, mode: Mode): BookingChoice {
  const pricingStillOffered =
    choice.pricing === BUDGET ? rateFor(profile, mode) !== null : packagesFor(profile, mode).some((offer) => offer.id === choice.pricing);
  return { ...choice, mode, pricing: pricingStillOffered ? choice.pricing : defaultPricing(profile, mode) };
}

/** The choice an address describes, or the defaults for what it leaves out or what is no longer offered. */
export function choiceFromQuery(query: URLSearchParams, profile: PublicProfile): BookingChoice {
  const modes = offeredModes(profile);
  const askedMode = query.get(PARAM.mode);
  const mode = modes.find((candidate) => candidate === askedMode) ?? modes[0] ?? 'video';
  const askedTiming = query.get(PARAM.timing) === TIMING_VALUES.slot ? 'slot' : query.get(PARAM.timing) === TIMING_VALUES.now ? 'now' : undefined;
  // "Now" only while the expert is available now (BOOK-1); an old link asking for it gets a slot.
  const timing = profile.availableNow ? (askedTiming ?? 'now') : 'slot';
  const slot = query.get(PARAM.slot) ?? '';
  const packageId = query.get(PARAM.package);
  const base: BookingChoice = {
    mode,
    timing,
    slot: timing === 'slot' && !Number.isNaN(Date.parse(slot)) ? slot : '',
    pricing: packageId ?? BUDGET,
    budgetText: (query.get(PARAM.budget) ?? '').slice(0, BUDGET_TEXT_MAX_LENGTH),
    country: /^[A-Z]{2}$/.test(query.get(PARAM.country) ?? '') ? query.get(PARAM.country)! : 'FR',
    discountCode: (query.get(PARAM.discount) ?? '').slice(0, DISCOUNT_CODE_MAX_LENGTH),
  };
  const choice = withMode(profile, base, mode);
  if (choice.budgetText === '') choice.budgetText = String(defaultBudgetCents(rateFor(profile, mode)) / 100);
  return choice;
}

export function stepFromQuery(query: URLSearchParams): BookingStep {
  const asked = query.get(PARAM.step);
  return asked === STEP_VALUES.account ? 'account' : asked === STEP_VALUES.payment ? 'payment' : 'offer';
}

export function queryOf(choice: BookingChoice, step: BookingStep): URLSearchParams {
  const query = new URLSearchParams();
  if (step !== 'offer') query.set(PARAM.step, STEP_VALUES[step]);
  query.set(PARAM.mode, choice.mode);
  query.set(PARAM.timing, TIMING_VALUES[choice.timing]);
  if (choice.timing === 'slot' && choice.slot) query.set(PARAM.slot, choice.slot);
  if (choice.pricing === BUDGET) query.set(PARAM.budget, choice.budgetText);
  else query.set(PARAM.package, choice.pricing);
  if (choice.mode === 'phone') query.set(PARAM.country, choice.country);
  if (choice.discountCode) query.set(PARAM.discount, choice.discountCode);
  return query;
}

export function bookingAddress(slug: string, choice: BookingChoice, step: BookingStep): string {
  return `/consultation/${encodeURIComponent(slug)}?${queryOf(choice, step).toString()}`;
}

/**
 * Writes a changed choice into the current history entry. A choice is not a navigation: the
 * focus stays in the control and nothing is drawn again; Back then returns to the previous step
 * with this choice, and a reload reads it back.
 */
export function rememberChoice(slug: string, choice: BookingChoice, step: BookingStep): void {
  history.replaceState(history.state, '', bookingAddress(slug, choice, step));
}

/** Budget typed in euros (`12,50`, `12.5`, `20 €`) to integer cents; undefined when it is not an amount. The API checks BILL-1 again. */
export function parseEuros(text: string): number | undefined {
  const compact = text.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  if (!/^\d{1,4}(\.\d{1,2})?$/.test(compact)) return undefined;
  const [whole, fraction = ''] = compact.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

// ---------------------------------------------------------------------------------------------
// What is personal stays in this tab only.

const DRAFT_KEY = 'consulto.bookingDraft';

export interface BookingDraft {
  /** As typed ("06 12 34 56 78"). */
  phoneNumber: string;
  /** TEL-6: the same number as the server read it (E.164), '' until it has. */
  phoneE164: string;
  firstName: string;
  lastName: string;
  email: string;
}

const EMPTY_DRAFT: BookingDraft = { phoneNumber: '', phoneE164: '', firstName: '', lastName: '', email: '' };

export function readDraft(slug: string): BookingDraft {
  try {
    const stored = JSON.parse(sessionStorage.getItem(DRAFT_KEY) ?? 'null') as { slug?: unknown; draft?: Partial<Record<keyof BookingDraft, unknown>> } | null;
    if (!stored || stored.slug !== slug || !stored.draft) return { ...EMPTY_DRAFT };
    const text = (value: unknown, maxLength: number) => (typeof value === 'string' ? value.slice(0, maxLength) : '');
    return {
      phoneNumber: text(stored.draft.phoneNumber, 40),
      phoneE164: text(stored.draft.phoneE164, 16),
      firstName: text(stored.draft.firstName, 100),
      lastName: text(stored.draft.lastName, 100),
      email: text(stored.draft.email, 254),
    };
  } catch {
    return { ...EMPTY_DRAFT };
  }
}

export function saveDraft(slug: string, change: Partial<BookingDraft>): void {
  try {
    sessionStorage.setItem(DRAFT_KEY, JSON.stringify({ slug, draft: { ...readDraft(slug), ...change } }));
  } catch {
    // storage disabled: the visitor types again after a reload
  }
}

/** Once booked, nothing of it is kept. */
export function forgetDraft(): void {
  try {
    sessionStorage.removeItem(DRAFT_KEY);
  } catch {
    // nothing stored
  }
}
