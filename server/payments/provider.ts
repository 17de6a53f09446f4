/**
 * PAY-6: the one interface the domain uses to move card money. Implementations: `local`
 * (embedded default) and `stripe`. Every mutating call carries an idempotency key (BILL-14):
 * calling it again with the same key returns the first result and moves nothing.
 */
export interface PaymentProvider {
  readonly name: string;
  /** BOOK-3: holds the budget or package price on the card. */
  authorise(request: AuthoriseRequest): Promise<Authorisation>;
  /** PAY-2: takes the actual amount (≤ the hold); the rest of the hold is released. */
  capture(request: { holdRef: string; amountCents: number; idempotencyKey: string }): Promise<{ captureRef: string }>;
  /** Gives the whole hold back (nothing charged). */
  release(request: { holdRef: string; idempotencyKey: string }): Promise<void>;
  /** Returns captured money to the card (TRUST-2 refunds). */
  refund(request: { holdRef: string; amountCents: number; idempotencyKey: string }): Promise<{ refundRef: string }>;
}

export interface AuthoriseRequest {
  amountCents: number;
  /** The provider's token for the card (PAY-7): never a card number. */
  paymentMethod: string;
  idempotencyKey: string;
  description: string;
}

export type Authorisation =
  | { status: 'authorised'; holdRef: string }
  /** 3-D Secure: the browser must complete the step before the hold exists. */
  | { status: 'requires_action'; holdRef: string; clientSecret: string };

/** An expected refusal by the card's bank; the booking answers 402 with this code. */
export class PaymentDeclinedError extends Error {
  readonly code: 'card_declined' | 'authentication_required' | 'invalid_payment_method';

  constructor(code: PaymentDeclinedError['code'], message: string) {
    super(message);
    this.code = code;
  }
}
