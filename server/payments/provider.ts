/**
 * PAY-6: the one interface the domain uses to move card money. Implementations: `local`
 * (embedded default) and `stripe`. Every mutating call carries an idempotency key (BILL-14):
 * calling it again with the same key returns the first result and moves nothing.
 */
export interface PaymentProvider {
  readonly name: string;
  /** BOOK-3: holds the budget or package price on the card. */
  authorise(request: AuthoriseRequest): Promise<Authorisation>;
  /** BOOK-3: where a hold stands after the browser's 3-D Secure step (the provider is the only one who knows). */
  retrieveAuthorisation(holdRef: string): Promise<Authorisation | { status: 'failed'; holdRef: string }>;
  /** PAY-2: takes the actual amount (≤ the hold); the rest of the hold is released. */
  capture(request: CaptureRequest): Promise<{ captureRef: string }>;
  /**
   * PAY-2: the captures of consultations settled together, each with its own key and its own
   * outcome (in the order asked): one that fails does not fail the others.
   */
  captureEach(requests: readonly CaptureRequest[]): Promise<PromiseSettledResult<{ captureRef: string }>[]>;
  /** Gives the whole hold back (nothing charged). */
  release(request: { holdRef: string; idempotencyKey: string }): Promise<void>;
  /** Returns captured money to the card (TRUST-2 refunds). */
  refund(request: { holdRef: string; amountCents: number; idempotencyKey: string }): Promise<{ refundRef: string }>;

  /** BOOK-3, PAY-7: starts saving a card for later (SetupIntent); the browser confirms it with the provider. */
  createCardSetup(request: { userId: string; customerRef: string | undefined; idempotencyKey: string }): Promise<CardSetup>;
  /** Reads a setup the browser confirmed: the saved card's token, brand, last 4 digits and expiry. */
  retrieveCardSetup(setupRef: string): Promise<CardSetupResult>;

  /** PAY-4: the expert's account at the provider, where identity is checked and payouts go. */
  createConnectedAccount(request: ConnectedAccountRequest): Promise<{ accountRef: string }>;
  /** PAY-4: sends the documents and bank details; the answer comes later as a `kyc.*` event. */
  submitIdentity(request: IdentitySubmission): Promise<void>;
  /** PAY-5: pays out to the connected account's bank; the status may come later as a `payout.*` event. */
  payOut(request: PayoutRequest): Promise<PayoutResult>;
  /** PAY-5: takes back what a failed payout left on the connected account (Stripe: reverses the transfer). */
  reclaimFailedPayout(request: { payoutId: string; transferRef: string | null; amountCents: number; idempotencyKey: string }): Promise<void>;

  /** Verifies a webhook's signature and translates it into provider-neutral facts; throws WebhookSignatureError. */
  parseWebhook(rawBody: Buffer, signatureHeader: string | undefined): ProviderEvent;
}

export interface CaptureRequest {
  holdRef: string;
  amountCents: number;
  idempotencyKey: string;
}

export interface AuthoriseRequest {
  amountCents: number;
  /** The provider's token for the card (PAY-7): never a card number. */
  paymentMethod: string;
  idempotencyKey: string;
  description: string;
  /** The provider's customer a saved card belongs to (PAY-7): Stripe only charges an attached card with it. */
  customerRef?: string | undefined;
  /**
   * BOOK-3: a hold placed without the client present (24 h before a far appointment, or a late
   * cancellation charged at settlement); a bank asking for 3-D Secure then fails with `authentication_required`.
   */
  offSession?: boolean;
}

export interface CardSetup {
  setupRef: string;
  customerRef: string;
  /** Handed to the browser (Stripe Elements `confirmCardSetup`); never a card number. */
  clientSecret: string;
}

export type CardSetupResult = { status: 'succeeded'; card: SavedCardDetails; customerRef: string } | { status: 'incomplete' };

/** PAY-7: all we ever keep of a card. */
export interface SavedCardDetails {
  paymentMethodRef: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export type LegalStatus = 'individual' | 'sole_trader' | 'company';

export interface ConnectedAccountRequest {
  userId: string;
  email: string;
  legalStatus: LegalStatus;
  country: string;
  idempotencyKey: string;
}

export type KycDocumentKind = 'id_document' | 'proof_of_address' | 'registry_extract' | 'articles_of_association';

export interface IdentitySubmission {
  accountRef: string;
  legalStatus: LegalStatus;
  documents: readonly { kind: KycDocumentKind; fileName: string; contentType: string; bytes: Buffer }[];
  bank: { iban: string; bic: string; holderName: string };
  companyName: string | undefined;
  idempotencyKey: string;
}

export interface PayoutRequest {
  payoutId: string;
  accountRef: string;
  amountCents: number;
  idempotencyKey: string;
}

/** `pending`: the provider accepted it and will tell the outcome later (webhook). */
export type PayoutResult = { payoutRef: string; transferRef?: string } & ({ status: 'paid' } | { status: 'pending' } | { status: 'failed'; reason: string });

/**
 * A fact the provider told us, already translated out of its vocabulary. Facts are recorded
 * once (by `id`) and their meaning is decided in one place (server/wallet/state-machine.ts).
 */
export type ProviderEvent = { id: string; occurredAt: Date; providerType: string } & (
  | { type: 'kyc.validated'; accountRef: string }
  | { type: 'kyc.refused'; accountRef: string; reason: string }
  | { type: 'payout.paid'; payoutId: string | undefined; payoutRef: string }
  | { type: 'payout.failed'; payoutId: string | undefined; payoutRef: string; reason: string }
  | { type: 'ignored' }
);

/** A webhook whose signature does not verify: answered 400, nothing recorded. */
export class WebhookSignatureError extends Error {}

export type Authorisation =
  | { status: 'authorised'; holdRef: string }
  /** 3-D Secure: the browser must complete the step before the hold exists. */
  | { status: 'requires_action'; holdRef: string; clientSecret: string };

/** An expected refusal by the card's bank; the booking answers 402 with this code. */
export class PaymentDeclinedError extends Error {
  readonly code: 'card_declined' | 'authentication_required' | 'authentication_failed' | 'invalid_payment_method';

  constructor(code: PaymentDeclinedError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/** The provider refused a payout for good (closed account, insufficient platform balance…): it fails, and is not retried. */
export class PayoutRejectedError extends Error {}
