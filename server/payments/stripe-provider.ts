import Stripe from 'stripe';
import {
  PaymentDeclinedError,
  PayoutRejectedError,
  WebhookSignatureError,
  type AuthoriseRequest,
  type Authorisation,
  type CaptureRequest,
  type CardSetup,
  type CardSetupResult,
  type ConnectedAccountRequest,
  type IdentitySubmission,
  type KycDocumentKind,
  type PaymentProvider,
  type PayoutRequest,
  type PayoutResult,
  type ProviderEvent,
} from './provider.ts';

/** The only file that speaks Stripe (PAY-6): the domain sees the PaymentProvider interface. */
const CURRENCY = 'eur';
/** A Stripe call that takes longer than this is failed; the caller retries with the same idempotency key. */
const STRIPE_TIMEOUT_MS = 20_000;
/** The SDK retries network failures itself, safely, because every mutating call carries an idempotency key. */
const STRIPE_NETWORK_RETRIES = 2;

export interface StripeProviderOptions {
  secretKey: string;
  webhookSecret: string;
  /** stripe-mock or a test server instead of api.stripe.com. */
  apiUrl?: string | undefined;
}

export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe';
  readonly #stripe: Stripe;
  readonly #webhookSecret: string;

  constructor(options: StripeProviderOptions) {
    const api = options.apiUrl ? new URL(options.apiUrl) : undefined;
    this.#stripe = new Stripe(options.secretKey, {
      timeout: STRIPE_TIMEOUT_MS,
      maxNetworkRetries: STRIPE_NETWORK_RETRIES,
      ...(api
        ? { host: api.hostname, port: Number(api.port || (api.protocol === 'http:' ? 80 : 443)), protocol: api.protocol === 'http:' ? 'http' : 'https' }
        : {}),
    });
    this.#webhookSecret = options.webhookSecret;
  }

  /** BOOK-3: a PaymentIntent with manual capture is the hold; `requires_capture` means authorised. */
  async authorise(request: AuthoriseRequest): Promise<Authorisation> {
    const intent = await this.#card(() =>
      this.#stripe.paymentIntents.create(
        {
          amount: request.amountCents,
          currency: CURRENCY,
          capture_method: 'manual',
          payment_method: request.paymentMethod,
          // Confirmed server-side: no redirect-based method may be chosen (no return_url).
          automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
          confirm: true,
          description: request.description,
          ...(request.customerRef ? { customer: request.customerRef } : {}),
          ...(request.offSession ? { off_session: true } : {}),
        },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    switch (intent.status) {
      case 'requires_capture':
        return { status: 'authorised', holdRef: intent.id };
      case 'requires_action':
        if (request.offSession) throw new PaymentDeclinedError('authentication_required', 'The bank asks for 3-D Secure: the client must confirm the card.');
        return { status: 'requires_action', holdRef: intent.id, clientSecret: intent.client_secret ?? '' };
      default:
        throw new PaymentDeclinedError('card_declined', `The card was not authorised (${intent.status}).`);
    }
  }

  async retrieveAuthorisation(holdRef: string): Promise<Authorisation | { status: 'failed'; holdRef: string }> {
    const intent = await this.#stripe.paymentIntents.retrieve(holdRef);
    if (intent.status === 'requires_capture') return { status: 'authorised', holdRef };
    if (intent.status === 'requires_action') return { status: 'requires_action', holdRef, clientSecret: intent.client_secret ?? '' };
    // `requires_payment_method` after a failed 3-D Secure step, or `canceled`.
    return { status: 'failed', holdRef };
  }

  async capture(request: CaptureRequest): Promise<{ captureRef: string }> {
    const intent = await this.#stripe.paymentIntents.capture(
      request.holdRef,
      { amount_to_capture: request.amountCents },
      { idempotencyKey: request.idempotencyKey },
    );
    const charge = intent.latest_charge;
    return { captureRef: typeof charge === 'string' ? charge : (charge?.id ?? intent.id) };
  }

  /** Stripe captures one PaymentIntent per call: the calls go out together. */
  captureEach(requests: readonly CaptureRequest[]): Promise<PromiseSettledResult<{ captureRef: string }>[]> {
    return Promise.allSettled(requests.map((request) => this.capture(request)));
  }

  async release(request: { holdRef: string; idempotencyKey: string }): Promise<void> {
    await this.#stripe.paymentIntents.cancel(request.holdRef, {}, { idempotencyKey: request.idempotencyKey });
  }

  async refund(request: { holdRef: string; amountCents: number; idempotencyKey: string }): Promise<{ refundRef: string }> {
    const refund = await this.#stripe.refunds.create(
      { payment_intent: request.holdRef, amount: request.amountCents },
      { idempotencyKey: request.idempotencyKey },
    );
    return { refundRef: refund.id };
  }

  async createCardSetup(request: { userId: string; customerRef: string | undefined; idempotencyKey: string }): Promise<CardSetup> {
    const customerRef =
      request.customerRef ??
      (await this.#stripe.customers.create({ metadata: { user_id: request.userId } }, { idempotencyKey: `customer:${request.userId}` })).id;
    const setup = await this.#stripe.setupIntents.create(
      {
        customer: customerRef,
        usage: 'off_session',
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
        metadata: { user_id: request.userId },
      },
      { idempotencyKey: request.idempotencyKey },
    );
    return { setupRef: setup.id, customerRef, clientSecret: setup.client_secret ?? '' };
  }

  async retrieveCardSetup(setupRef: string): Promise<CardSetupResult> {
    const setup = await this.#stripe.setupIntents.retrieve(setupRef, { expand: ['payment_method'] });
    const method = setup.payment_method;
    if (setup.status !== 'succeeded' || !method || typeof method === 'string' || !method.card) return { status: 'incomplete' };
    const customer = typeof setup.customer === 'string' ? setup.customer : (setup.customer?.id ?? '');
    return {
      status: 'succeeded',
      customerRef: customer,
      card: { paymentMethodRef: method.id, brand: method.card.brand, last4: method.card.last4, expMonth: method.card.exp_month, expYear: method.card.exp_year },
    };
  }

  /** PAY-4: a Custom Connect account; sole traders are `individual` businesses at Stripe. */
  async createConnectedAccount(request: ConnectedAccountRequest): Promise<{ accountRef: string }> {
    const account = await this.#stripe.accounts.create(
      {
        type: 'custom',
        country: request.country,
        email: request.email,
        business_type: request.legalStatus === 'company' ? 'company' : 'individual',
        capabilities: { transfers: { requested: true } },
        metadata: { user_id: request.userId, legal_status: request.legalStatus },
      },
      { idempotencyKey: request.idempotencyKey },
    );
    return { accountRef: account.id };
  }

  /** PAY-4: each document becomes a Stripe File, then the account (or its representative) points at them. */
  async submitIdentity(request: IdentitySubmission): Promise<void> {
    const files = new Map<KycDocumentKind, string>();
    for (const document of request.documents) {
      const file = await this.#stripe.files.create(
        {
          purpose: document.kind === 'id_document' ? 'identity_document' : 'additional_verification',
          file: { data: document.bytes, name: document.fileName, type: document.contentType },
        },
        { idempotencyKey: `${request.idempotencyKey}:file:${document.kind}` },
      );
      files.set(document.kind, file.id);
    }
    const verification = {
      document: { front: files.get('id_document') },
      additional_document: { front: files.get('proof_of_address') },
    };
    const bankAccount = {
      object: 'bank_account' as const,
      country: request.bank.iban.slice(0, 2),
      currency: CURRENCY,
      account_number: request.bank.iban,
      account_holder_name: request.bank.holderName,
    };
    if (request.legalStatus === 'company') {
      await this.#stripe.accounts.createPerson(
        request.accountRef,
        { relationship: { representative: true }, verification },
        { idempotencyKey: `${request.idempotencyKey}:representative` },
      );
    }
    const registry = files.get('registry_extract');
    const articles = files.get('articles_of_association');
    await this.#stripe.accounts.update(
      request.accountRef,
      {
        external_account: bankAccount as never,
        ...(request.legalStatus === 'company' ? {} : { individual: { verification } }),
        ...(request.companyName ? { business_profile: { name: request.companyName } } : {}),
        ...(request.legalStatus === 'company' && request.companyName ? { company: { name: request.companyName } } : {}),
        documents: {
          ...(registry ? { company_registration_verification: { files: [registry] } } : {}),
          ...(articles ? { company_memorandum_of_association: { files: [articles] } } : {}),
        },
      },
      { idempotencyKey: `${request.idempotencyKey}:account` },
    );
  }

  /**
   * PAY-5: the platform transfers the amount to the connected account, which pays it out to the
   * expert's bank. Both calls carry keys derived from ours; the outcome usually comes later
   * (`payout.paid` / `payout.failed`), found again through `metadata.payout_id`.
   */
  async payOut(request: PayoutRequest): Promise<PayoutResult> {
    try {
      return await this.#payOut(request);
    } catch (error) {
      // A 4xx is Stripe's final word on this request (the same key would get the same answer); 5xx and network errors are retried.
      const type = (error as { type?: string }).type;
      if (type === 'StripeInvalidRequestError' || type === 'StripePermissionError') throw new PayoutRejectedError((error as Error).message);
      throw error;
    }
  }

  async #payOut(request: PayoutRequest): Promise<PayoutResult> {
    const metadata = { payout_id: request.payoutId };
    const transfer = await this.#stripe.transfers.create(
      { amount: request.amountCents, currency: CURRENCY, destination: request.accountRef, metadata },
      { idempotencyKey: `${request.idempotencyKey}:transfer` },
    );
    let payout: Stripe.Payout;
    try {
      payout = await this.#stripe.payouts.create(
        { amount: request.amountCents, currency: CURRENCY, metadata },
        { idempotencyKey: `${request.idempotencyKey}:payout`, stripeAccount: request.accountRef },
      );
    } catch (error) {
      const type = (error as { type?: string }).type;
      if (type === 'StripeInvalidRequestError' || type === 'StripePermissionError') {
        // Refused for good: take the transfer back, or the money would sit on the connected account while our ledger returns it.
        await this.#stripe.transfers.createReversal(
          transfer.id,
          { amount: request.amountCents, metadata },
          { idempotencyKey: `${request.idempotencyKey}:reversal` },
        );
      }
      throw error;
    }
    const refs = { payoutRef: payout.id, transferRef: transfer.id };
    if (payout.status === 'paid') return { status: 'paid', ...refs };
    if (payout.status === 'failed' || payout.status === 'canceled') {
      return { status: 'failed', ...refs, reason: payout.failure_message ?? payout.failure_code ?? 'The payout failed.' };
    }
    return { status: 'pending', ...refs };
  }

  /** The bank returned the payout to the connected account: the platform takes the transfer back (same key as a refused payout's reversal). */
  async reclaimFailedPayout(request: { payoutId: string; transferRef: string | null; amountCents: number; idempotencyKey: string }): Promise<void> {
    if (!request.transferRef) return;
    await this.#stripe.transfers.createReversal(
      request.transferRef,
      { amount: request.amountCents, metadata: { payout_id: request.payoutId } },
      { idempotencyKey: request.idempotencyKey },
    );
  }

  /** Verifies `Stripe-Signature` on the raw body, then translates the event into a provider-neutral fact. */
  parseWebhook(rawBody: Buffer, signatureHeader: string | undefined): ProviderEvent {
    if (!signatureHeader) throw new WebhookSignatureError('missing Stripe-Signature header');
    let event: Stripe.Event;
    try {
      event = this.#stripe.webhooks.constructEvent(rawBody, signatureHeader, this.#webhookSecret);
    } catch (error) {
      throw new WebhookSignatureError((error as Error).message);
    }
    return translateEvent(event);
  }

  /** Card refusals are expected (a typed error the booking answers with 402); anything else is a bug or an outage. */
  async #card<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const stripeError = error as { type?: string; code?: string; param?: string; message?: string };
      if (stripeError.type === 'StripeCardError') {
        throw new PaymentDeclinedError(
          stripeError.code === 'authentication_required' ? 'authentication_required' : 'card_declined',
          stripeError.message ?? 'The card was declined.',
        );
      }
      // A token that does not exist, or that belongs to another customer.
      if (stripeError.type === 'StripeInvalidRequestError' && (stripeError.code === 'resource_missing' || stripeError.param === 'payment_method')) {
        throw new PaymentDeclinedError('invalid_payment_method', 'Unknown payment method.');
      }
      throw error;
    }
  }
}

function translateEvent(event: Stripe.Event): ProviderEvent {
  const common = { id: event.id, occurredAt: new Date(event.created * 1000), providerType: event.type };
  switch (event.type) {
    case 'account.updated': {
      const account = event.data.object;
      const requirements = account.requirements;
      const rejected = requirements?.disabled_reason?.startsWith('rejected');
      const errors = requirements?.errors ?? [];
      if (rejected || errors.length > 0) {
        return {
          ...common,
          type: 'kyc.refused',
          accountRef: account.id,
          reason: errors[0]?.reason ?? `Refused by the payment provider (${requirements?.disabled_reason}).`,
        };
      }
      if (account.payouts_enabled && (requirements?.currently_due ?? []).length === 0) return { ...common, type: 'kyc.validated', accountRef: account.id };
      return { ...common, type: 'ignored' };
    }
    case 'payout.paid':
    case 'payout.failed': {
      const payout = event.data.object;
      const payoutId = payout.metadata?.['payout_id'];
      return event.type === 'payout.paid'
        ? { ...common, type: 'payout.paid', payoutId, payoutRef: payout.id }
        : { ...common, type: 'payout.failed', payoutId, payoutRef: payout.id, reason: payout.failure_message ?? payout.failure_code ?? 'The payout failed.' };
    }
    default:
      return { ...common, type: 'ignored' };
  }
}
