import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

/**
 * A local HTTP server that answers like Stripe's REST API (api.stripe.com/v1) for the calls
 * the adapter makes: form-encoded requests, Bearer secret key, `Idempotency-Key` replayed like
 * Stripe does (same key → same answer), `Stripe-Account` for connected accounts, and the
 * documented object shapes (PaymentIntent, SetupIntent, Customer, Account, Person, File,
 * Transfer, Payout, Refund) and error shape (`{error: {type, code, message}}`). Stripe.js's own
 * calls (test/payments/fake-stripe-js.ts) come with the publishable key instead: a typed test card
 * number becomes a PaymentMethod, intents are confirmed with their client secret, and a bank's
 * 3-D Secure step is answered through a test ACS route (`POST /v1/_test/three_d_secure/:intent`).
 */
export interface RecordedRequest {
  method: string;
  path: string;
  params: URLSearchParams;
  idempotencyKey: string | undefined;
  stripeAccount: string | undefined;
  contentType: string;
  rawBody: Buffer;
}

const TEST_CARDS: Record<string, { brand: string; last4: string }> = {
  pm_card_visa: { brand: 'visa', last4: '4242' },
  pm_card_chargeDeclined: { brand: 'visa', last4: '0002' },
  pm_card_authenticationRequired: { brand: 'visa', last4: '3184' },
};

/** Stripe's test card numbers a browser types into the Card Element (docs.stripe.com/testing). */
const TEST_CARD_NUMBERS: Record<string, { brand: string; last4: string }> = {
  '4242424242424242': { brand: 'visa', last4: '4242' },
  '4000000000000002': { brand: 'visa', last4: '0002' },
  '4000002760003184': { brand: 'visa', last4: '3184' },
  '4000000000009995': { brand: 'visa', last4: '9995' },
  // The card a browser wallet (Google Pay, Apple Pay) hands over in the fake Stripe.js.
  '5555555555554444': { brand: 'mastercard', last4: '4444' },
};

/** What the test card's bank answers, by its last 4 digits (the magic tokens and the typed numbers alike). */
const BANK_ANSWERS: Record<string, 'approve' | 'decline' | 'insufficient_funds' | 'authenticate'> = {
  '4242': 'approve',
  '4444': 'approve',
  '0002': 'decline',
  '9995': 'insufficient_funds',
  '3184': 'authenticate',
};

const DECLINES = {
  decline: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
  insufficient_funds: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
} as const;

/** Stripe.js reaches these with the publishable key; an intent's own routes also need its client secret. */
const PUBLISHABLE_ROUTES = [
  /^POST \/v1\/payment_methods$/,
  /^POST \/v1\/setup_intents\/([^/]+)\/confirm$/,
  /^GET \/v1\/(?:setup|payment)_intents\/([^/]+)$/,
  /^POST \/v1\/_test\/three_d_secure\/([^/]+)$/,
];

const AUTHENTICATION_FAILURE = 'We are unable to authenticate your payment method. Please choose a different payment method and try again.';

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const now = () => Math.floor(Date.now() / 1000);

export class FakeStripe {
  readonly requests: RecordedRequest[] = [];
  readonly paymentIntents = new Map<string, Record<string, any>>();
  readonly setupIntents = new Map<string, Record<string, any>>();
  /** PaymentMethods Stripe.js created from a typed card number. */
  readonly paymentMethods = new Map<string, Record<string, any>>();
  readonly accounts = new Map<string, Record<string, any>>();
  readonly files = new Map<string, Record<string, any>>();
  readonly payouts = new Map<string, Record<string, any>>();
  readonly transfers = new Map<string, Record<string, any>>();
  /** Payment method → the customer a confirmed SetupIntent attached it to. */
  readonly attachedTo = new Map<string, string>();
  /** What the next payouts answer: `pending` (Stripe's usual) or `paid`. */
  payoutStatus: 'pending' | 'paid' = 'pending';
  /** Makes the API unreachable-like (500) to test retries. */
  failNext = 0;
  readonly #idempotent = new Map<string, { status: number; body: unknown }>();
  #server: Server | undefined;
  url = '';

  static async start(): Promise<FakeStripe> {
    const fake = new FakeStripe();
    fake.#server = createServer((req, res) => void fake.#handle(req, res));
    await new Promise<void>((resolve) => fake.#server!.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.#server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server!.close(() => resolve()));
  }

  mutating(): RecordedRequest[] {
    return this.requests.filter((request) => request.method !== 'GET');
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    const contentType = String(req.headers['content-type'] ?? '');
    const params = contentType.startsWith('multipart/form-data')
      ? multipartFields(rawBody, contentType)
      : new URLSearchParams(req.method === 'GET' ? url.search : rawBody.toString('utf8'));
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      params,
      idempotencyKey: header(req, 'idempotency-key'),
      stripeAccount: header(req, 'stripe-account'),
      contentType,
      rawBody,
    };
    this.requests.push(request);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') });
      res.end(JSON.stringify(body));
    };
    if (!String(req.headers['authorization'] ?? '').startsWith('Bearer sk_test_')) {
      const refusal = this.#refusePublishable(request);
      if (refusal) return send(...refusal);
    }
    if (this.failNext > 0) {
      this.failNext--;
      return send(500, { error: { type: 'api_error', message: 'Simulated outage' } });
    }
    const replayKey = request.idempotencyKey ? `${request.stripeAccount ?? ''}|${request.idempotencyKey}` : undefined;
    if (replayKey && this.#idempotent.has(replayKey)) {
      const first = this.#idempotent.get(replayKey)!;
      res.setHeader('idempotent-replayed', 'true');
      return send(first.status, first.body);
    }
    const [status, body] = this.#route(request);
    if (replayKey && request.method === 'POST') this.#idempotent.set(replayKey, { status, body });
    send(status, body);
  }

  #route(request: RecordedRequest): [number, unknown] {
    const { method, path, params } = request;
    const segments = path.split('/').filter(Boolean);
    const missing = (what: string): [number, unknown] => [
      404,
      { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${what}` } },
    ];
    if (segments[0] !== 'v1') return missing('route');
    const [, resource, objectId, action] = segments;
    if (method === 'POST' && resource === '_test' && objectId === 'three_d_secure') return this.#answerChallenge(action ?? '', params);
    switch (`${method} ${resource}${objectId ? '/:id' : ''}${action ? `/${action}` : ''}`) {
      case 'POST payment_intents':
        return this.#createPaymentIntent(params);
      case 'GET payment_intents/:id': {
        const intent = this.paymentIntents.get(objectId!);
        return intent ? [200, intent] : missing('payment_intent');
      }
      case 'POST payment_intents/:id/confirm': {
        const intent = this.paymentIntents.get(objectId!);
        if (!intent) return missing('payment_intent');
        intent['status'] = intent['capture_method'] === 'manual' ? 'requires_capture' : 'succeeded';
        intent['next_action'] = null;
        return [200, intent];
      }
      case 'POST payment_intents/:id/capture': {
        const intent = this.paymentIntents.get(objectId!);
        if (!intent) return missing('payment_intent');
        if (intent['status'] !== 'requires_capture')
          return [400, { error: { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: `status ${intent['status']}` } }];
        intent['status'] = 'succeeded';
        intent['amount_received'] = Number(params.get('amount_to_capture') ?? intent['amount']);
        intent['latest_charge'] = id('ch');
        return [200, intent];
      }
      case 'POST payment_intents/:id/cancel': {
        const intent = this.paymentIntents.get(objectId!);
        if (!intent) return missing('payment_intent');
        intent['status'] = 'canceled';
        intent['canceled_at'] = now();
        return [200, intent];
      }
      case 'POST refunds': {
        const intent = this.paymentIntents.get(params.get('payment_intent') ?? '');
        if (!intent) return missing('payment_intent');
        return [
          200,
          {
            id: id('re'),
            object: 'refund',
            amount: Number(params.get('amount')),
            currency: 'eur',
            payment_intent: intent['id'],
            charge: intent['latest_charge'],
            status: 'succeeded',
            created: now(),
            metadata: {},
          },
        ];
      }
      case 'POST customers':
        return [200, { id: id('cus'), object: 'customer', created: now(), metadata: metadata(params), livemode: false }];
      case 'POST setup_intents': {
        const setup = {
          id: id('seti'),
          object: 'setup_intent',
          client_secret: '',
          customer: params.get('customer'),
          status: 'requires_payment_method',
          usage: params.get('usage') ?? 'off_session',
          payment_method: null as unknown,
          metadata: metadata(params),
          created: now(),
          livemode: false,
        };
        setup.client_secret = `${setup.id}_secret_${randomBytes(8).toString('hex')}`;
        this.setupIntents.set(setup.id, setup);
        return [200, setup];
      }
      case 'POST payment_methods':
        return this.#createPaymentMethod(params);
      case 'POST setup_intents/:id/confirm': {
        const setup = this.setupIntents.get(objectId!);
        if (!setup) return missing('setup_intent');
        if (setup['status'] === 'succeeded') {
          return [
            400,
            {
              error: {
                type: 'invalid_request_error',
                code: 'setup_intent_unexpected_state',
                message: 'You cannot confirm this SetupIntent because it has already succeeded.',
              },
            },
          ];
        }
        const card = this.#cardOf(params.get('payment_method') ?? '');
        if (!card) return missing('payment_method');
        setup['payment_method'] = params.get('payment_method');
        const answer = BANK_ANSWERS[card.last4];
        if (answer === 'decline' || answer === 'insufficient_funds') {
          setup['status'] = 'requires_payment_method';
          setup['last_setup_error'] = DECLINES[answer];
          return [402, { error: { ...DECLINES[answer], setup_intent: { ...setup } } }];
        }
        if (answer === 'authenticate') {
          setup['status'] = 'requires_action';
          setup['next_action'] = { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } };
          return [200, setup];
        }
        this.#setupSucceeded(setup);
        return [200, setup];
      }
      case 'GET setup_intents/:id': {
        const setup = this.setupIntents.get(objectId!);
        if (!setup) return missing('setup_intent');
        const expand = params.getAll('expand[]').includes('payment_method') || params.getAll('expand[0]').includes('payment_method');
        const method = setup['payment_method'] as string | null;
        return [200, { ...setup, payment_method: expand && method ? (this.paymentMethods.get(method) ?? paymentMethod(method)) : method }];
      }
      case 'POST accounts': {
        const account = {
          id: id('acct'),
          object: 'account',
          type: params.get('type'),
          country: params.get('country'),
          email: params.get('email'),
          business_type: params.get('business_type'),
          charges_enabled: false,
          payouts_enabled: false,
          details_submitted: false,
          capabilities: { transfers: 'inactive' },
          requirements: {
            currently_due: ['individual.verification.document', 'external_account'],
            eventually_due: [],
            past_due: [],
            errors: [],
            disabled_reason: 'requirements.past_due',
          },
          metadata: metadata(params),
          created: now(),
        };
        this.accounts.set(account.id, account);
        return [200, account];
      }
      case 'POST accounts/:id': {
        const account = this.accounts.get(objectId!);
        if (!account) return missing('account');
        account['details_submitted'] = true;
        account['requirements'] = { ...account['requirements'], currently_due: [], pending_verification: ['individual.verification.document'] };
        return [200, account];
      }
      case 'POST accounts/:id/persons':
        if (!this.accounts.has(objectId!)) return missing('account');
        return [200, { id: id('person'), object: 'person', account: objectId, relationship: { representative: true }, created: now() }];
      case 'POST files': {
        const file = {
          id: id('file'),
          object: 'file',
          purpose: params.get('purpose'),
          filename: params.get('file.filename'),
          size: Number(params.get('file.size')),
          type: params.get('file.type'),
          created: now(),
        };
        this.files.set(file.id, file);
        return [200, file];
      }
      case 'POST transfers': {
        const transfer = {
          id: id('tr'),
          object: 'transfer',
          amount: Number(params.get('amount')),
          currency: params.get('currency'),
          destination: params.get('destination'),
          metadata: metadata(params),
          created: now(),
        };
        this.transfers.set(transfer.id, transfer);
        return [200, transfer];
      }
      case 'POST transfers/:id/reversals': {
        const transfer = this.transfers.get(objectId!);
        if (!transfer) return missing('transfer');
        transfer['reversed'] = true;
        return [
          200,
          {
            id: id('trr'),
            object: 'transfer_reversal',
            amount: Number(params.get('amount')),
            currency: transfer['currency'],
            transfer: transfer['id'],
            metadata: metadata(params),
            created: now(),
          },
        ];
      }
      case 'POST payouts': {
        if (!request.stripeAccount || !this.accounts.has(request.stripeAccount)) return missing('account');
        const payout = {
          id: id('po'),
          object: 'payout',
          amount: Number(params.get('amount')),
          currency: params.get('currency'),
          status: this.payoutStatus,
          arrival_date: now() + 86400,
          failure_code: null,
          failure_message: null,
          metadata: metadata(params),
          method: 'standard',
          type: 'bank_account',
          created: now(),
          livemode: false,
        };
        this.payouts.set(payout.id, payout);
        return [200, payout];
      }
      default:
        return missing(`route ${method} ${path}`);
    }
  }

  #createPaymentIntent(params: URLSearchParams): [number, unknown] {
    const method = params.get('payment_method') ?? '';
    const intent: Record<string, any> = {
      id: id('pi'),
      object: 'payment_intent',
      amount: Number(params.get('amount')),
      amount_capturable: 0,
      amount_received: 0,
      currency: params.get('currency'),
      capture_method: params.get('capture_method') ?? 'automatic',
      confirmation_method: 'automatic',
      customer: params.get('customer'),
      description: params.get('description'),
      payment_method: method,
      latest_charge: null,
      next_action: null,
      last_payment_error: null,
      status: 'requires_confirmation',
      created: now(),
      livemode: false,
      metadata: metadata(params),
    };
    intent['client_secret'] = `${intent['id']}_secret_${randomBytes(8).toString('hex')}`;
    this.paymentIntents.set(intent['id'], intent);
    const card = this.#cardOf(method);
    if (!card)
      return [
        400,
        { error: { type: 'invalid_request_error', code: 'resource_missing', param: 'payment_method', message: `No such PaymentMethod: '${method}'` } },
      ];
    const answer = BANK_ANSWERS[card.last4];
    const owner = this.attachedTo.get(method);
    if (owner && owner !== params.get('customer')) {
      return [
        400,
        {
          error: {
            type: 'invalid_request_error',
            param: 'payment_method',
            message: `The provided PaymentMethod belongs to customer ${owner}; pass it as \`customer\`.`,
          },
        },
      ];
    }
    if (params.get('confirm') !== 'true') return [200, intent];
    if (answer === 'decline' || answer === 'insufficient_funds') {
      intent['status'] = 'requires_payment_method';
      intent['last_payment_error'] = DECLINES[answer];
      return [402, { error: { ...DECLINES[answer], payment_intent: { ...intent } } }];
    }
    if (answer === 'authenticate') {
      if (params.get('off_session') === 'true') {
        intent['status'] = 'requires_payment_method';
        return [
          402,
          {
            error: {
              type: 'card_error',
              code: 'authentication_required',
              decline_code: 'authentication_required',
              message: 'Your card was declined. This transaction requires authentication.',
              payment_intent: intent,
            },
          },
        ];
      }
      intent['status'] = 'requires_action';
      intent['next_action'] = { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect' } };
      return [200, intent];
    }
    this.#authorised(intent);
    return [200, intent];
  }

  #authorised(intent: Record<string, any>): void {
    intent['status'] = intent['capture_method'] === 'manual' ? 'requires_capture' : 'succeeded';
    intent['amount_capturable'] = intent['capture_method'] === 'manual' ? intent['amount'] : 0;
    intent['next_action'] = null;
  }

  #setupSucceeded(setup: Record<string, any>): void {
    setup['status'] = 'succeeded';
    setup['next_action'] = null;
    // Stripe's magic test tokens (pm_card_visa…) stand for a new card each time: never attached.
    if (!String(setup['payment_method']).startsWith('pm_card_')) this.attachedTo.set(String(setup['payment_method']), String(setup['customer']));
  }

  /** The brand and last 4 digits behind a magic test token or a PaymentMethod Stripe.js created. */
  #cardOf(methodId: string): { brand: string; last4: string } | undefined {
    return TEST_CARDS[methodId] ?? this.paymentMethods.get(methodId)?.['card'];
  }

  /** Stripe.js's `POST /v1/payment_methods`: the typed number becomes a token; only test numbers are accepted. */
  #createPaymentMethod(params: URLSearchParams): [number, unknown] {
    const card = TEST_CARD_NUMBERS[(params.get('card[number]') ?? '').replace(/\D/g, '')];
    if (params.get('type') !== 'card' || !card) {
      return [402, { error: { type: 'card_error', code: 'incorrect_number', param: 'card[number]', message: 'Your card number is incorrect.' } }];
    }
    const expMonth = Number(params.get('card[exp_month]'));
    const expYear = Number(params.get('card[exp_year]'));
    if (!(expMonth >= 1 && expMonth <= 12) || !(expYear >= new Date().getFullYear())) {
      return [402, { error: { type: 'card_error', code: 'invalid_expiry_year', param: 'card[exp_year]', message: "Your card's expiration date is invalid." } }];
    }
    const method = {
      id: id('pm'),
      object: 'payment_method',
      type: 'card',
      card: { brand: card.brand, last4: card.last4, exp_month: expMonth, exp_year: expYear, funding: 'credit', country: 'US' },
      customer: null,
      created: now(),
      livemode: false,
    };
    this.paymentMethods.set(method.id, method);
    return [200, method];
  }

  /** Stripe's test 3-D Secure page, answered through the fake Stripe.js: the intent moves on as the bank decided. */
  #answerChallenge(intentId: string, params: URLSearchParams): [number, unknown] {
    const payment = this.paymentIntents.get(intentId);
    const setup = this.setupIntents.get(intentId);
    const intent = payment ?? setup;
    if (!intent) return [404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such intent: '${intentId}'` } }];
    if (intent['status'] !== 'requires_action') {
      return [
        400,
        { error: { type: 'invalid_request_error', code: 'unexpected_state', message: `The intent is ${intent['status']}, not waiting for authentication.` } },
      ];
    }
    if (params.get('outcome') === 'complete') {
      if (payment) this.#authorised(payment);
      else this.#setupSucceeded(intent);
      return [200, intent];
    }
    intent['status'] = 'requires_payment_method';
    intent['next_action'] = null;
    intent[payment ? 'last_payment_error' : 'last_setup_error'] = {
      type: 'card_error',
      code: payment ? 'payment_intent_authentication_failure' : 'setup_intent_authentication_failure',
      message: AUTHENTICATION_FAILURE,
    };
    return [200, intent];
  }

  /** A publishable-key call: only Stripe.js's routes, and an intent only with its client secret. */
  #refusePublishable(request: RecordedRequest): [number, unknown] | undefined {
    const invalidKey: [number, unknown] = [401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } }];
    if (!request.params.get('key')?.startsWith('pk_test_')) return invalidKey;
    const route = `${request.method} ${request.path}`;
    const match = PUBLISHABLE_ROUTES.map((pattern) => pattern.exec(route)).find(Boolean);
    if (!match) return invalidKey;
    const intentId = match[1];
    if (intentId === undefined) return undefined;
    const intent = this.setupIntents.get(intentId) ?? this.paymentIntents.get(intentId);
    if (intent && intent['client_secret'] === request.params.get('client_secret')) return undefined;
    return [400, { error: { type: 'invalid_request_error', code: 'resource_missing', message: 'The client_secret provided does not match the intent.' } }];
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function metadata(params: URLSearchParams): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of params) {
    const match = /^metadata\[(.+)\]$/.exec(key);
    if (match) result[match[1]!] = value;
  }
  return result;
}

function paymentMethod(methodId: string) {
  const card = TEST_CARDS[methodId] ?? { brand: 'visa', last4: '4242' };
  return {
    id: methodId,
    object: 'payment_method',
    type: 'card',
    card: { brand: card.brand, last4: card.last4, exp_month: 12, exp_year: 2034, funding: 'credit', country: 'US' },
    created: now(),
    livemode: false,
  };
}

/** Enough of multipart/form-data for Stripe's file upload: fields, and the file's name, size and type. */
function multipartFields(body: Buffer, contentType: string): URLSearchParams {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  const fields = new URLSearchParams();
  if (!boundary) return fields;
  const text = body.toString('latin1');
  for (const part of text.split(`--${boundary}`)) {
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const headers = part.slice(0, headerEnd);
    const content = part.slice(headerEnd + 4).replace(/\r\n$/, '');
    const name = /name="([^"]+)"/.exec(headers)?.[1];
    if (!name) continue;
    const filename = /filename="([^"]*)"/.exec(headers)?.[1];
    if (filename !== undefined) {
      fields.set(`${name}.filename`, filename);
      fields.set(`${name}.size`, String(Buffer.byteLength(content, 'latin1')));
      fields.set(`${name}.type`, /Content-Type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? '');
      fields.set(`${name}.head`, content.slice(0, 8));
    } else {
      fields.set(name, content);
    }
  }
  return fields;
}
