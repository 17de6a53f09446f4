/**
 * The shapes of the public consultation page's API answers (SPEC §11) and the small
 * formatting helpers the page and the booking form share.
 */
import { language } from '../i18n/index.ts';
import type { PublicExpertProfile } from '../../../server/experts/public-profile.ts';

export type Mode = 'video' | 'phone';

/** `GET /api/experts/:slug`: the server's own type, so the page and the API cannot drift apart. */
export type { PublicExpertProfile as PublicProfile } from '../../../server/experts/public-profile.ts';

export type PackageOffer = PublicExpertProfile['pricing']['packages'][number];

/** `GET /api/experts/:slug/quote`: computed by the settlement code, so the page and the bill agree (BILL-13). */
export interface Quote {
  chargeCents: number;
  feeCents: number;
  surchargeCents: number;
  expertEarningsCents: number;
  maxSeconds: number;
  oneThirdRuleApplied: boolean;
}

/** `GET /api/experts/:slug/slots`. */
export interface SlotsAnswer {
  timeZone: string;
  minutes: number;
  slots: string[];
}

/** `GET /api/payments/config` (PAY-7). */
export interface PaymentsConfig {
  provider: 'local' | 'stripe';
  publishableKey: string | null;
  testCards?: string[];
}

/** An item of `GET /api/payments/cards` (PAY-7): the server's own type, never a card number. */
export type { SavedCard } from '../../../server/payments/routes.ts';

/** `POST /api/payments/cards/setup`: the browser confirms the setup with the provider, then saves the card. */
export interface CardSetupStarted {
  setupRef: string;
  clientSecret: string;
  provider: string;
}

/** The part of `GET /api/consultations/:id` the confirmation shows. */
export interface BookedConsultation {
  id: string;
  status: string;
  mode: Mode;
  pricing: 'free_rate' | 'package';
  startAt: string | null;
  reservedMinutes: number;
  budgetCents: number | null;
  packageMinutes: number | null;
  paymentHoldPlaced: boolean;
  expert: { slug: string; firstName: string; lastName: string };
  terms:
    | { pricing: 'free_rate'; budgetCents: number; surchargePerMinuteCents: number; discountPercent: number }
    | { pricing: 'package'; packageMinutes: number; packagePriceCents: number; surchargePerMinuteCents: number; discountPercent: number };
}

/** BILL-1: a free-rate consultation never exceeds 50.00 € TTC. */
export const MAX_BUDGET_CENTS = 5000;
/** SPEC §11: an appointment reserves at most this many minutes for a budget. */
export const MAX_RESERVED_MINUTES = 90;
/** BILL-10: free cancellation up to this many hours before the start. */
export const FREE_CANCELLATION_HOURS = 48;
/** BILL-10: minutes of the rate a late free-rate cancellation costs. */
export const LATE_CANCELLATION_MINUTES = 10;
/** BILL-10: share of the package price a late cancellation costs. */
export const LATE_CANCELLATION_PACKAGE_PERCENT = 15;

const locale = () => (language() === 'fr' ? 'fr-FR' : 'en-GB');

/** fr `12,50 €`, en `€12.50`. */
export function money(cents: number): string {
  return new Intl.NumberFormat(locale(), { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

/** `12 min 30 s`, `1 h 05 min`: a duration people read at a glance. */
export function duration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const parts: string[] = [];
  if (hours > 0) parts.push(`${hours} h`);
  if (minutes > 0 || (hours > 0 && rest > 0)) parts.push(hours > 0 ? `${String(minutes).padStart(2, '0')} min` : `${minutes} min`);
  if (rest > 0) parts.push(`${rest} s`);
  return parts.join(' ') || '0 s';
}

/** The visitor's own time zone, as the browser knows it (the confirmation shows times in it). */
export function visitorTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'full', timeStyle: 'short' }).format(new Date(iso));
}

export function formatDay(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(iso));
}

export function formatTime(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

/**
 * Budget typed in euros (`12,50`, `12.5`, `20 €`) to integer cents; undefined when it is not an
 * amount. The API checks BILL-1 again.
 */
export function parseEuros(text: string): number | undefined {
  const compact = text.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  if (!/^\d{1,6}(\.\d{1,2})?$/.test(compact)) return undefined;
  const [whole, fraction = ''] = compact.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** French national numbers become E.164 (+33…); anything else must already be E.164 (BOOK-1). */
export function toE164(text: string): string | undefined {
  const compact = text.replace(/[\s.()-]/g, '').replace(/^00/, '+');
  const candidate = /^0[1-9]\d{8}$/.test(compact) ? `+33${compact.slice(1)}` : compact;
  return /^\+[1-9]\d{6,14}$/.test(candidate) ? candidate : undefined;
}

/**
 * BOOK-3: what the hold blocks on the card, from the terms frozen at booking, as the server
 * computes it (server/billing/hold.ts): the budget, or the discounted package price plus the
 * phone surcharge of its minutes.
 */
export function heldCents(consultation: BookedConsultation): number {
  const terms = consultation.terms;
  if (terms.pricing === 'free_rate') return terms.budgetCents;
  const discounted = Math.floor((terms.packagePriceCents * (100 - terms.discountPercent) + 50) / 100);
  return discounted + terms.surchargePerMinuteCents * terms.packageMinutes;
}
