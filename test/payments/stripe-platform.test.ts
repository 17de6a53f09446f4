import { expect } from 'chai';
import Stripe from 'stripe';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpExpert, type SignedUp } from '../support/fixtures.ts';
import { walletBalances, sumOfAllAccountsCents } from '../../server/ledger/balances.ts';
import { loadConfig, ConfigError } from '../../server/config.ts';
import { PACKAGE_EARNINGS_CENTS, earn, signInAgain, submitKyc } from '../wallet/support.ts';
import { HOUR_MS, bookingBody, consultationCount, setUpClient, setUpExpert } from '../support/bookings.ts';
import { tryPlaceHold } from '../../server/bookings/jobs.ts';
import { FakeStripe } from './fake-stripe.ts';
import { SECRET_KEY, WEBHOOK_SECRET, signedEvent } from './stripe-support.ts';

describe('PAY-6 PAYMENT_PROVIDER=stripe: the whole platform on Stripe, webhooks included', () => {
  let fake: FakeStripe;
  let platform: TestPlatform;

  before(async () => {
    fake = await FakeStripe.start();
    platform = await startTestPlatform({
      environment: {
        PAYMENT_PROVIDER: 'stripe',
        STRIPE_SECRET_KEY: SECRET_KEY,
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_PUBLISHABLE_KEY: 'pk_test_consulto',
        STRIPE_API_URL: fake.url,
      },
    });
  });
  after(async () => {
    await platform.close();
    await fake.close();
  });

  const deliver = (event: { payload: string; header: string }) =>
    platform.http.request('POST', '/webhooks/stripe', {
      rawBody: event.payload,
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': event.header },
    });
  const eventCount = async () => (await platform.db.query('SELECT 1 FROM payment_provider_events')).length;
  const accountOf = async (userId: string) =>
    (await platform.db.query<{ provider_account_ref: string }>('SELECT provider_account_ref FROM kyc_profiles WHERE user_id = $1', [userId]))[0]!
      .provider_account_ref;
  const verified = (accountRef: string) => ({
    ...fake.accounts.get(accountRef),
    payouts_enabled: true,
    charges_enabled: true,
    requirements: { currently_due: [], eventually_due: [], past_due: [], errors: [], disabled_reason: null },
  });
  const payoutRow = async (id: string) =>
    (await platform.db.query<{ status: string; provider_ref: string }>('SELECT status, provider_ref FROM payouts WHERE id = $1', [id]))[0]!;
  const stripePayout = (id: string, status: string, extra: Record<string, unknown> = {}) => {
    const providerPayout = [...fake.payouts.values()].find((payout) => payout['metadata']['payout_id'] === id)!;
    return { ...providerPayout, status, ...extra };
  };

  async function validatedExpert(): Promise<SignedUp> {
    const expert = await signUpExpert(platform.http);
    await submitKyc(platform, expert);
    const accountRef = await accountOf(expert.user.id);
    expect(fake.accounts.get(accountRef)!['type']).to.equal('custom');
    const response = await deliver(signedEvent('account.updated', verified(accountRef), { account: accountRef }));
    expect(response.status).to.equal(200);
    await earn(platform, expert.user.id);
    return signInAgain(platform, expert);
  }

  it('tells the browser to use Stripe Elements with the publishable key, and has no local test routes', async () => {
    const config = await platform.http.get('/api/payments/config');
    expect(config.body).to.deep.equal({ provider: 'stripe', publishableKey: 'pk_test_consulto' });
    const expert = await signUpExpert(platform.http);
    expect((await platform.http.post('/api/payments/local/holds/x/confirm', {}, expert.accessToken)).status).to.equal(404);
  });

  it("PAY-7 opens the Content-Security-Policy to Stripe.js's script, frames and API, and to nothing else", async () => {
    const policy = (await platform.http.get('/api/health')).headers.get('content-security-policy')!;
    const directive = (name: string) =>
      policy
        .split(';')
        .map((part) => part.trim())
        .find((part) => part.startsWith(`${name} `));
    expect(directive('script-src')).to.equal("script-src 'self' https://js.stripe.com");
    expect(directive('frame-src')).to.equal("frame-src 'self' https://js.stripe.com https://hooks.stripe.com");
    expect(directive('connect-src')).to.equal("connect-src 'self' https://api.stripe.com");
    expect(directive('default-src')).to.equal("default-src 'self'");
  });

  it('PAY-2 over Stripe: the hold is a PaymentIntent, settlement captures it', async () => {
    const expert = await signUpExpert(platform.http);
    await earn(platform, expert.user.id);
    const captured = [...fake.paymentIntents.values()].filter((intent) => intent['status'] === 'succeeded');
    expect(captured.map((intent) => intent['amount_received'])).to.include(7500);
    expect((await walletBalances(platform.db, expert.user.id)).availableCents).to.equal(PACKAGE_EARNINGS_CENTS);
  });

  describe('BOOK-3, PAY-7 booking over Stripe: saved cards and 3-D Secure', () => {
    /** Plays Stripe.js in the browser: confirms intents against the same API. */
    let browser: Stripe;
    let expert: Awaited<ReturnType<typeof setUpExpert>>;
    let client: Awaited<ReturnType<typeof setUpClient>>;
    let hour = 30;
    const appointment = (overrides: Record<string, unknown> = {}) =>
      bookingBody(expert.slug, { startAt: new Date(platform.clock.now().getTime() + hour++ * HOUR_MS).toISOString(), ...overrides });
    const intentCreations = () => fake.requests.filter((request) => request.method === 'POST' && request.path === '/v1/payment_intents');

    before(async () => {
      const url = new URL(fake.url);
      browser = new Stripe(SECRET_KEY, { host: url.hostname, port: Number(url.port), protocol: 'http' });
      expert = await setUpExpert(platform.http);
      client = await setUpClient(platform.http);
    });

    it('PAY-7 saves a card the browser confirmed (SetupIntent) and books with it on its customer; a far appointment is held off-session at T−24 h', async () => {
      const setup = await platform.http.post('/api/payments/cards/setup', undefined, client.token);
      expect(setup.status).to.equal(201);
      await browser.setupIntents.confirm(setup.body.setupRef, { payment_method: 'pm_card_visa' });
      const saved = await platform.http.post('/api/payments/cards', { setupRef: setup.body.setupRef }, client.token);
      expect(saved.status).to.equal(201);
      expect(saved.body).to.include({ paymentMethod: 'pm_card_visa', brand: 'visa', last4: '4242' });
      const customer = fake.setupIntents.get(setup.body.setupRef)!['customer'];

      const booked = await platform.http.post('/api/consultations', appointment({ paymentMethod: saved.body.paymentMethod }), client.token);
      expect(booked.status, JSON.stringify(booked.body)).to.equal(201);
      const onSession = Object.fromEntries(intentCreations().at(-1)!.params);
      expect(onSession).to.include({ customer, payment_method: 'pm_card_visa', capture_method: 'manual' });
      expect(onSession).to.not.have.property('off_session');

      const far = await platform.http.post(
        '/api/consultations',
        bookingBody(expert.slug, { startAt: new Date(platform.clock.now().getTime() + 10 * 24 * HOUR_MS).toISOString(), paymentMethod: 'pm_card_visa' }),
        client.token,
      );
      expect(far.status).to.equal(201);
      expect(far.body.paymentHoldPlaced).to.equal(false);
      expect(
        await tryPlaceHold({ db: platform.db, payments: platform.services.payments, consultationId: far.body.id, now: platform.clock.now() }),
      ).to.deep.equal({ outcome: 'placed' });
      expect(Object.fromEntries(intentCreations().at(-1)!.params)).to.include({ customer, off_session: 'true' });
    });

    it('PAY-7 two cards saved at the same instant get two SetupIntents; keeping a setup twice answers the card kept first', async () => {
      const first = await platform.http.post('/api/payments/cards/setup', undefined, client.token);
      const second = await platform.http.post('/api/payments/cards/setup', undefined, client.token);
      expect(first.body.setupRef).to.not.equal(second.body.setupRef);
      await browser.setupIntents.confirm(first.body.setupRef, { payment_method: 'pm_card_visa' });
      const kept = await platform.http.post('/api/payments/cards', { setupRef: first.body.setupRef }, client.token);
      const keptAgain = await platform.http.post('/api/payments/cards', { setupRef: first.body.setupRef }, client.token);
      expect(keptAgain.body).to.deep.equal(kept.body);
    });

    it('3-D Secure: the PaymentIntent waits (requires_action) for Stripe.js; booking again after the step books on that intent, once', async () => {
      const body = appointment({ paymentMethod: 'pm_card_authenticationRequired' });
      const first = await platform.http.post('/api/consultations', body, client.token);
      expect(first.status).to.equal(402);
      const { holdRef, clientSecret } = first.body.error;
      const intent = fake.paymentIntents.get(holdRef)!;
      expect(intent['status']).to.equal('requires_action');
      expect(clientSecret).to.equal(intent['client_secret']);
      expect((await platform.http.post('/api/consultations', { ...body, authenticatedHoldRef: holdRef }, client.token)).body.error.code).to.equal(
        'authentication_required',
      );

      await browser.paymentIntents.confirm(holdRef, {});
      const booked = await platform.http.post('/api/consultations', { ...body, authenticatedHoldRef: holdRef }, client.token);
      expect(booked.status, JSON.stringify(booked.body)).to.equal(201);
      expect(booked.body.paymentHoldPlaced).to.equal(true);
      expect(intent['status']).to.equal('requires_capture');
      const again = await platform.http.post('/api/consultations', { ...body, authenticatedHoldRef: holdRef }, client.token);
      expect(again.body.error.code).to.equal('authentication_expired');
      expect(intent['status']).to.equal('requires_capture');
    });

    it('3-D Secure failed at the bank: 402 authentication_failed, nothing booked, the PaymentIntent cancelled with our key', async () => {
      const body = appointment({ paymentMethod: 'pm_card_authenticationRequired' });
      const { holdRef } = (await platform.http.post('/api/consultations', body, client.token)).body.error;
      const intent = fake.paymentIntents.get(holdRef)!;
      // What Stripe leaves after a failed challenge.
      Object.assign(intent, {
        status: 'requires_payment_method',
        next_action: null,
        last_payment_error: { type: 'card_error', code: 'payment_intent_authentication_failure' },
      });
      const before = await consultationCount(platform.db);
      const failed = await platform.http.post('/api/consultations', { ...body, authenticatedHoldRef: holdRef }, client.token);
      expect(failed.status).to.equal(402);
      expect(failed.body.error.code).to.equal('authentication_failed');
      expect(await consultationCount(platform.db)).to.equal(before);
      expect(intent['status']).to.equal('canceled');
      expect(fake.requests.find((request) => request.path === `/v1/payment_intents/${holdRef}/cancel`)!.idempotencyKey).to.match(/^release:/);
    });
  });

  describe('PAY-4 identity check driven by account.updated webhooks', () => {
    it('goes pending at submission, validated on the verified event; a duplicate event changes nothing', async () => {
      const expert = await signUpExpert(platform.http);
      expect((await submitKyc(platform, expert)).status).to.equal('pending');
      const accountRef = await accountOf(expert.user.id);
      const event = signedEvent('account.updated', verified(accountRef), { account: accountRef });
      const first = await deliver(event);
      expect(first.body).to.deep.equal({ received: true, duplicate: false });
      expect((await platform.http.get('/api/wallet/kyc', expert.accessToken)).body.status).to.equal('validated');
      const count = await eventCount();
      const again = await deliver(event);
      expect(again.status).to.equal(200);
      expect(again.body.duplicate).to.equal(true);
      expect(await eventCount()).to.equal(count);
    });

    it('answers 502 when Stripe cannot be reached at submission, leaves the status as it was, and a retry works', async () => {
      const expert = await signUpExpert(platform.http);
      const { upload } = await import('../wallet/support.ts');
      for (const type of ['id_document', 'proof_of_address']) await upload(platform, expert.accessToken, type);
      await platform.http.put('/api/wallet/kyc/details', { iban: 'FR1420041010050500013M02606', bic: 'BNPAFRPP' }, expert.accessToken);
      fake.failNext = 100;
      const failed = await platform.http.post('/api/wallet/kyc/submit', undefined, expert.accessToken);
      fake.failNext = 0;
      expect(failed.status).to.equal(502);
      expect(failed.body.error.code).to.equal('payment_provider_unavailable');
      expect((await platform.http.get('/api/wallet/kyc', expert.accessToken)).body.status).to.equal('not_submitted');
      const retried = await platform.http.post('/api/wallet/kyc/submit', undefined, expert.accessToken);
      expect(retried.status).to.equal(200);
      expect(retried.body.status).to.equal('pending');
    });

    it('is refused with the reason from requirements.errors; an older event arriving late is ignored', async () => {
      const expert = await signUpExpert(platform.http);
      await submitKyc(platform, expert);
      const accountRef = await accountOf(expert.user.id);
      const created = Math.floor(Date.now() / 1000);
      const refusal = {
        ...fake.accounts.get(accountRef),
        requirements: {
          currently_due: ['individual.verification.document'],
          errors: [{ code: 'verification_document_expired', reason: 'The document has expired.', requirement: 'individual.verification.document' }],
          disabled_reason: 'requirements.past_due',
        },
      };
      await deliver(signedEvent('account.updated', refusal, { account: accountRef, created }));
      let view = (await platform.http.get('/api/wallet/kyc', expert.accessToken)).body;
      expect(view).to.include({ status: 'refused', refusalReason: 'The document has expired.' });
      await deliver(signedEvent('account.updated', verified(accountRef), { account: accountRef, created: created - 60 }));
      view = (await platform.http.get('/api/wallet/kyc', expert.accessToken)).body;
      expect(view.status).to.equal('refused');
    });
  });

  describe('PAY-5 payouts over Stripe Connect, settled by payout.* webhooks', () => {
    it('stays requested until payout.paid; the duplicate event is recorded once', async () => {
      const expert = await validatedExpert();
      const response = await platform.http.post('/api/payouts', { amountCents: 6000 }, expert.accessToken);
      expect(response.status).to.equal(201);
      expect(response.body.status).to.equal('requested');
      expect((await walletBalances(platform.db, expert.user.id)).availableCents).to.equal(PACKAGE_EARNINGS_CENTS - 6000);
      const accountRef = await accountOf(expert.user.id);
      const paid = signedEvent('payout.paid', stripePayout(response.body.id, 'paid'), { account: accountRef });
      await deliver(paid);
      expect((await payoutRow(response.body.id)).status).to.equal('paid');
      expect((await deliver(paid)).body.duplicate).to.equal(true);
      expect((await platform.http.get('/api/payouts', expert.accessToken)).body.payouts[0]).to.include({ id: response.body.id, status: 'paid' });
    });

    it('out of order: payout.failed then a late payout.paid leaves it failed, the money returned once', async () => {
      const expert = await validatedExpert();
      const { body: payout } = await platform.http.post('/api/payouts', { amountCents: 6000 }, expert.accessToken);
      const failed = signedEvent(
        'payout.failed',
        stripePayout(payout.id, 'failed', { failure_code: 'account_closed', failure_message: 'The bank account has been closed.' }),
      );
      await deliver(failed);
      await deliver(signedEvent('payout.paid', stripePayout(payout.id, 'paid')));
      await deliver(failed);
      const row = await platform.db.query<{ status: string; failure_reason: string }>('SELECT status, failure_reason FROM payouts WHERE id = $1', [payout.id]);
      expect(row[0]).to.deep.equal({ status: 'failed', failure_reason: 'The bank account has been closed.' });
      expect((await walletBalances(platform.db, expert.user.id)).availableCents).to.equal(PACKAGE_EARNINGS_CENTS);
      expect(await sumOfAllAccountsCents(platform.db)).to.equal(0);
    });

    it('a paid payout the bank returns later (payout.failed after payout.paid) returns the money once', async () => {
      const expert = await validatedExpert();
      const { body: payout } = await platform.http.post('/api/payouts', { amountCents: 5000 }, expert.accessToken);
      await deliver(signedEvent('payout.paid', stripePayout(payout.id, 'paid')));
      await deliver(signedEvent('payout.failed', stripePayout(payout.id, 'failed', { failure_message: 'Returned by the bank.' })));
      await deliver(signedEvent('payout.failed', stripePayout(payout.id, 'failed', { failure_message: 'Returned by the bank.' })));
      expect((await payoutRow(payout.id)).status).to.equal('failed');
      expect((await walletBalances(platform.db, expert.user.id)).availableCents).to.equal(PACKAGE_EARNINGS_CENTS);
      // The returned money sits on the connected account: the transfer is reversed, once.
      const transfer = [...fake.transfers.values()].find((candidate) => candidate['metadata']['payout_id'] === payout.id)!;
      expect(transfer['reversed']).to.equal(true);
      await platform.services.wallet.tick();
      const reversals = fake.requests.filter((request) => request.path === `/v1/transfers/${transfer['id']}/reversals`);
      expect(reversals.map((request) => request.idempotencyKey)).to.deep.equal([`payout:${payout.id}:reversal`]);
    });

    it('a forged signature is answered 400 and changes nothing', async () => {
      const expert = await validatedExpert();
      const { body: payout } = await platform.http.post('/api/payouts', { amountCents: 5000 }, expert.accessToken);
      const count = await eventCount();
      const forged = signedEvent('payout.failed', stripePayout(payout.id, 'failed', { failure_message: 'forged' }), { secret: 'whsec_attacker' });
      const response = await deliver(forged);
      expect(response.status).to.equal(400);
      expect(response.body.error.code).to.equal('invalid_signature');
      const unsigned = await platform.http.request('POST', '/webhooks/stripe', { rawBody: forged.payload, headers: { 'content-type': 'application/json' } });
      expect(unsigned.status).to.equal(400);
      expect(await eventCount()).to.equal(count);
      expect((await payoutRow(payout.id)).status).to.equal('requested');
      expect((await walletBalances(platform.db, expert.user.id)).availableCents).to.equal(PACKAGE_EARNINGS_CENTS - 5000);
    });

    it('a payout Stripe could not be reached for stays requested and is sent again later with the same keys', async () => {
      const expert = await validatedExpert();
      fake.failNext = 10;
      const response = await platform.http.post('/api/payouts', { amountCents: 5000 }, expert.accessToken);
      fake.failNext = 0;
      expect(response.status).to.equal(201);
      expect(response.body.status).to.equal('requested');
      const attempts = fake.requests.filter((request) => request.idempotencyKey === `payout:${response.body.id}:transfer`).length;
      expect(attempts).to.be.greaterThan(0);
      expect(await platform.services.wallet.tick()).to.deep.include({ payoutsResent: 0 });
      (platform.clock as import('../../server/platform/clock.ts').ManualClock).advance(61_000);
      expect(await platform.services.wallet.tick()).to.deep.include({ payoutsResent: 1 });
      expect((await payoutRow(response.body.id)).provider_ref).to.match(/^po_/);
      expect(fake.requests.filter((request) => request.idempotencyKey === `payout:${response.body.id}:transfer`).length).to.equal(attempts + 1);
      expect([...fake.transfers.values()].filter((transfer) => transfer['metadata']['payout_id'] === response.body.id)).to.have.length(1);
      expect(await platform.services.wallet.tick()).to.deep.include({ payoutsResent: 0 });
    });

    it('a payout Stripe refuses for good (4xx) fails at once and returns the money', async () => {
      const expert = await validatedExpert();
      const accountRef = await accountOf(expert.user.id);
      const account = fake.accounts.get(accountRef)!;
      fake.accounts.delete(accountRef);
      const response = await platform.http.post('/api/payouts', { amountCents: 5000 }, expert.accessToken);
      fake.accounts.set(accountRef, account);
      expect(response.status).to.equal(201);
      expect(response.body.status).to.equal('failed');
      expect((await walletBalances(platform.db, expert.user.id)).availableCents).to.equal(PACKAGE_EARNINGS_CENTS);
      const transfer = [...fake.transfers.values()].find((candidate) => candidate['metadata']['payout_id'] === response.body.id)!;
      expect(transfer['reversed']).to.equal(true);
      expect(fake.requests.find((request) => request.path === `/v1/transfers/${transfer['id']}/reversals`)!.idempotencyKey).to.equal(
        `payout:${response.body.id}:reversal`,
      );
    });

    it('records and ignores events it has no use for', async () => {
      const response = await deliver(signedEvent('customer.created', { id: 'cus_x', object: 'customer' }));
      expect(response.status).to.equal(200);
    });
  });
});

describe('PAY-6 configuration chooses the adapter', () => {
  const base = { NODE_ENV: 'test', DATA_DIR: '/tmp/consulto-config-test', JWT_SECRET: 'x'.repeat(40) };

  it('defaults to the local provider', () => {
    expect(loadConfig(base).payments).to.deep.equal({ provider: 'local', kycAutoValidateSeconds: 30 });
  });

  it('refuses PAYMENT_PROVIDER=stripe without its keys, naming the variable (PAY-7: Elements needs the publishable key)', () => {
    const stripe = {
      ...base,
      PAYMENT_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_PUBLISHABLE_KEY: 'pk_test_consulto',
    };
    expect(() => loadConfig({ ...stripe, STRIPE_SECRET_KEY: undefined })).to.throw(ConfigError, /STRIPE_SECRET_KEY/);
    expect(() => loadConfig({ ...stripe, STRIPE_WEBHOOK_SECRET: undefined })).to.throw(ConfigError, /STRIPE_WEBHOOK_SECRET/);
    expect(() => loadConfig({ ...stripe, STRIPE_PUBLISHABLE_KEY: undefined })).to.throw(ConfigError, /STRIPE_PUBLISHABLE_KEY/);
    expect(() => loadConfig({ ...stripe, STRIPE_SECRET_KEY: 'nope' })).to.throw(ConfigError, /STRIPE_SECRET_KEY/);
    expect(loadConfig(stripe).payments.provider).to.equal('stripe');
  });

  it('PAY-4: requires DOCUMENTS_ENCRYPTION_KEY (32 bytes, base64) in production', () => {
    const production = { ...base, NODE_ENV: 'production' };
    expect(() => loadConfig(production)).to.throw(ConfigError, /DOCUMENTS_ENCRYPTION_KEY/);
    expect(() => loadConfig({ ...production, DOCUMENTS_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') })).to.throw(
      ConfigError,
      /DOCUMENTS_ENCRYPTION_KEY/,
    );
    expect(loadConfig({ ...production, DOCUMENTS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }).documentsEncryptionKey).to.have.length(32);
  });
});
