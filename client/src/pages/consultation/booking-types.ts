/**
 * The shapes of the API answers the consultation page and the booking flow read (SPEC §11),
 * taken from the server's own types where it exports them, so the page and the API cannot drift.
 */
import type { PublicExpertProfile } from '../../../../server/experts/public-profile.ts';

export type Mode = 'video' | 'phone';

/** `GET /api/experts/:slug`. */
export type { PublicExpertProfile as PublicProfile } from '../../../../server/experts/public-profile.ts';
export type PackageOffer = PublicExpertProfile['pricing']['packages'][number];

/** `GET /api/consultations/:id` (its parties): what the booking answers and the status page shows. */
export type { ConsultationView } from '../../../../server/bookings/view.ts';

/** An item of `GET /api/payments/cards` (PAY-7): a token, a brand, 4 digits, never a card number. */
export type { SavedCard } from '../../../../server/payments/routes.ts';

/** `GET /api/experts/:slug/quote`: computed by the settlement, hold and cancellation code (BILL-13). */
export interface Quote {
  chargeCents: number;
  feeCents: number;
  surchargeCents: number;
  expertEarningsCents: number;
  maxSeconds: number;
  oneThirdRuleApplied: boolean;
  /** BOOK-2: the rate plus the phone surcharge, after any discount; null for a package. */
  pricePerMinuteCents: number | null;
  /** BOOK-3: what the card hold blocks. */
  holdCents: number;
  /** BILL-10: what a late cancellation or a no-show would cost. */
  lateCancellationCents: number;
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

/** `POST /api/payments/cards/setup`: the browser confirms the setup with the provider, then saves the card. */
export interface CardSetupStarted {
  setupRef: string;
  clientSecret: string;
  provider: string;
}

/** `GET /api/experts/:slug/reviews` (TRUST-1). */
export interface PublicReview {
  id: string;
  stars: number;
  comment: string | null;
  authorFirstName: string | null;
  createdAt: string;
}
