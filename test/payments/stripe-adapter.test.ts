import { expect } from 'chai';
import Stripe from 'stripe';
import { StripePaymentProvider } from '../../server/payments/stripe-provider.ts';
import { PaymentDeclinedError, WebhookSignatureError } from '../../server/payments/provider.ts';
import { FakeStripe } from './fake-stripe.ts';
import { pdf } from '../wallet/support.ts';
import { SECRET_KEY, WEBHOOK_SECRET, signedEvent } from './stripe-support.ts';

describe('PAY-6 Stripe adapter against a Stripe-shaped local server', () => {
  let fake: FakeStripe;
  let provider: StripePaymentProvider;
  /** Plays the browser (Stripe.js): confirms intents with the same API. */
  let browser: Stripe;

  before(async () => {
    fake = await FakeStripe.start();
    provider = new StripePaymentProvider({ secretKey: SECRET_KEY, webhookSecret: WEBHOOK_SECRET, apiUrl: fake.url });
    const url = new URL(fake.url);
    browser = new Stripe(SECRET_KEY, { host: url.hostname, port: Number(url.port), protocol: 'http' });
  });
  after(() => fake.close());

  describe('BOOK-3 holds: PaymentIntents with manual capture', () => {
    it('authorises a card: POST /v1/payment_intents, form-encoded, with our idempotency key', async () => {
      const authorisation = await provider.authorise({
        amountCents: 3000,
        paymentMethod: 'pm_card_visa',
        idempotencyKey: 'hold:c1',
        description: 'Consultation c1',
      });
      expect(authorisation.status).to.equal('authorised');
      const request = fake.requests.at(-1)!;
      expect(request.path).to.equal('/v1/payment_intents');
      expect(request.contentType).to.match(/^application\/x-www-form-urlencoded/);
      expect(request.idempotencyKey).to.equal('hold:c1');
      expect(Object.fromEntries(request.params)).to.include({
        amount: '3000',
        currency: 'eur',
        capture_method: 'manual',
        payment_method: 'pm_card_visa',
        confirm: 'true',
      });
      expect(fake.paymentIntents.get(authorisation.holdRef)!['status']).to.equal('requires_capture');
    });

    it('captures the actual amount and releases nothing twice: replaying a key returns the first answer', async () => {
      const { holdRef } = await provider.authorise({ amountCents: 3000, paymentMethod: 'pm_card_visa', idempotencyKey: 'hold:c2', description: 'c2' });
      const first = await provider.capture({ holdRef, amountCents: 1234, idempotencyKey: 'capture:c2' });
      const again = await provider.capture({ holdRef, amountCents: 1234, idempotencyKey: 'capture:c2' });
      expect(again.captureRef).to.equal(first.captureRef);
      const captures = fake.requests.filter((request) => request.path === `/v1/payment_intents/${holdRef}/capture`);
      expect(captures.map((request) => [request.idempotencyKey, request.params.get('amount_to_capture')])).to.deep.equal([
        ['capture:c2', '1234'],
        ['capture:c2', '1234'],
      ]);
      expect(fake.paymentIntents.get(holdRef)!['amount_received']).to.equal(1234);
      const refund = await provider.refund({ holdRef, amountCents: 500, idempotencyKey: 'refund:c2' });
      expect(refund.refundRef).to.match(/^re_/);
      expect(fake.requests.at(-1)!.params.get('payment_intent')).to.equal(holdRef);
    });

    it('PAY-2 captures a group one PaymentIntent per call, each with its key and its own outcome', async () => {
      const first = await provider.authorise({ amountCents: 3000, paymentMethod: 'pm_card_visa', idempotencyKey: 'hold:g1', description: 'g1' });
      const second = await provider.authorise({ amountCents: 3000, paymentMethod: 'pm_card_visa', idempotencyKey: 'hold:g2', description: 'g2' });
      const outcomes = await provider.captureEach([
        { holdRef: first.holdRef, amountCents: 1000, idempotencyKey: 'capture:g1' },
        { holdRef: 'pi_unknown', amountCents: 1000, idempotencyKey: 'capture:gx' },
        { holdRef: second.holdRef, amountCents: 2000, idempotencyKey: 'capture:g2' },
      ]);
      expect(outcomes.map((outcome) => outcome.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
      expect(fake.paymentIntents.get(first.holdRef)!['amount_received']).to.equal(1000);
      expect(fake.paymentIntents.get(second.holdRef)!['amount_received']).to.equal(2000);
      const keys = fake.requests.filter((request) => request.path.endsWith('/capture')).map((request) => request.idempotencyKey);
      expect(keys).to.include.members(['capture:g1', 'capture:gx', 'capture:g2']);
    });

    it('releases a hold by cancelling its PaymentIntent', async () => {
      const { holdRef } = await provider.authorise({ amountCents: 2000, paymentMethod: 'pm_card_visa', idempotencyKey: 'hold:c3', description: 'c3' });
      await provider.release({ holdRef, idempotencyKey: 'release:c3' });
      expect(fake.requests.at(-1)!.path).to.equal(`/v1/payment_intents/${holdRef}/cancel`);
      expect(fake.paymentIntents.get(holdRef)!['status']).to.equal('canceled');
    });

    it('turns a decline into PaymentDeclinedError(card_declined)', async () => {
      const error = await provider
        .authorise({ amountCents: 2000, paymentMethod: 'pm_card_chargeDeclined', idempotencyKey: 'hold:c4', description: 'c4' })
        .catch((e) => e);
      expect(error).to.be.instanceOf(PaymentDeclinedError);
      expect(error.code).to.equal('card_declined');
      const unknown = await provider.authorise({ amountCents: 2000, paymentMethod: 'pm_nope', idempotencyKey: 'hold:c4b', description: 'c4' }).catch((e) => e);
      expect(unknown.code).to.equal('invalid_payment_method');
    });

    it('asks for 3-D Secure on session (requires_action + client secret for the browser), which the browser completes', async () => {
      const authorisation = await provider.authorise({
        amountCents: 2000,
        paymentMethod: 'pm_card_authenticationRequired',
        idempotencyKey: 'hold:c5',
        description: 'c5',
      });
      expect(authorisation.status).to.equal('requires_action');
      if (authorisation.status !== 'requires_action') return;
      expect(authorisation.clientSecret).to.match(new RegExp(`^${authorisation.holdRef}_secret_`));
      await browser.paymentIntents.confirm(authorisation.holdRef, {}, { idempotencyKey: 'browser-confirm-c5' });
      await provider.capture({ holdRef: authorisation.holdRef, amountCents: 2000, idempotencyKey: 'capture:c5' });
      expect(fake.paymentIntents.get(authorisation.holdRef)!['status']).to.equal('succeeded');
    });

    it('BOOK-3 off-session hold on a saved card: 3-D Secure required is PaymentDeclinedError(authentication_required)', async () => {
      const error = await provider
        .authorise({
          amountCents: 2000,
          paymentMethod: 'pm_card_authenticationRequired',
          idempotencyKey: 'hold:c6',
          description: 'c6',
          customerRef: 'cus_1',
          offSession: true,
        })
        .catch((e) => e);
      expect(error).to.be.instanceOf(PaymentDeclinedError);
      expect(error.code).to.equal('authentication_required');
      const request = fake.requests.at(-1)!;
      expect(Object.fromEntries(request.params)).to.include({ off_session: 'true', customer: 'cus_1' });
      const ok = await provider.authorise({
        amountCents: 2000,
        paymentMethod: 'pm_card_visa',
        idempotencyKey: 'hold:c7',
        description: 'c7',
        customerRef: 'cus_1',
        offSession: true,
      });
      expect(ok.status).to.equal('authorised');
    });
  });

  describe('PAY-7 saved cards: SetupIntents', () => {
    it('creates a customer and a SetupIntent, then reads brand, last 4 and expiry once the browser confirmed it', async () => {
      const setup = await provider.createCardSetup({ userId: 'u1', customerRef: undefined, idempotencyKey: 'card-setup:u1:1' });
      expect(setup.setupRef).to.match(/^seti_/);
      expect(setup.customerRef).to.match(/^cus_/);
      expect(setup.clientSecret).to.match(/_secret_/);
      const creation = fake.requests.find((request) => request.path === '/v1/setup_intents')!;
      expect(Object.fromEntries(creation.params)).to.include({ customer: setup.customerRef, usage: 'off_session' });
      expect(await provider.retrieveCardSetup(setup.setupRef)).to.deep.equal({ status: 'incomplete' });
      await browser.setupIntents.confirm(setup.setupRef, { payment_method: 'pm_card_visa' });
      expect(await provider.retrieveCardSetup(setup.setupRef)).to.deep.equal({
        status: 'succeeded',
        customerRef: setup.customerRef,
        card: { paymentMethodRef: 'pm_card_visa', brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034 },
      });
    });
  });

  describe('PAY-4, PAY-5 Connect: accounts, identity files, payouts', () => {
    it('creates a Custom account, uploads documents as Files and sets the bank account', async () => {
      const { accountRef } = await provider.createConnectedAccount({
        userId: 'u2',
        email: 'e@example.com',
        legalStatus: 'individual',
        country: 'FR',
        idempotencyKey: 'connected-account:u2',
      });
      expect(accountRef).to.match(/^acct_/);
      expect(Object.fromEntries(fake.requests.at(-1)!.params)).to.include({
        type: 'custom',
        country: 'FR',
        business_type: 'individual',
        'capabilities[transfers][requested]': 'true',
      });
      await provider.submitIdentity({
        accountRef,
        legalStatus: 'individual',
        documents: [
          { kind: 'id_document', fileName: 'passport.pdf', contentType: 'application/pdf', bytes: pdf() },
          { kind: 'proof_of_address', fileName: 'bill.pdf', contentType: 'application/pdf', bytes: pdf() },
        ],
        bank: { iban: 'FR1420041010050500013M02606', bic: 'BNPAFRPP', holderName: 'Camille Dubois' },
        companyName: undefined,
        idempotencyKey: 'kyc-submission:u2:1',
      });
      const uploads = fake.requests.filter((request) => request.path === '/v1/files');
      expect(uploads.map((request) => [request.params.get('purpose'), request.params.get('file.filename'), request.params.get('file.head')])).to.deep.equal([
        ['identity_document', 'passport.pdf', '%PDF-1.4'],
        ['additional_verification', 'bill.pdf', '%PDF-1.4'],
      ]);
      expect(uploads.every((request) => request.contentType.startsWith('multipart/form-data'))).to.equal(true);
      const update = fake.requests.at(-1)!;
      expect(update.path).to.equal(`/v1/accounts/${accountRef}`);
      const [idFile, addressFile] = [...fake.files.keys()].slice(-2);
      expect(Object.fromEntries(update.params)).to.include({
        'external_account[object]': 'bank_account',
        'external_account[account_number]': 'FR1420041010050500013M02606',
        'external_account[currency]': 'eur',
        'individual[verification][document][front]': idFile,
        'individual[verification][additional_document][front]': addressFile,
      });
    });

    it('pays out: a transfer to the account, then a payout on it (Stripe-Account), both with derived keys', async () => {
      const { accountRef } = await provider.createConnectedAccount({
        userId: 'u3',
        email: 'f@example.com',
        legalStatus: 'company',
        country: 'FR',
        idempotencyKey: 'connected-account:u3',
      });
      const result = await provider.payOut({ payoutId: '11111111-1111-4111-8111-111111111111', accountRef, amountCents: 5000, idempotencyKey: 'payout:p1' });
      expect(result.status).to.equal('pending');
      const [transfer, payout] = fake.requests.slice(-2);
      expect([transfer!.path, transfer!.idempotencyKey, transfer!.params.get('destination'), transfer!.params.get('amount')]).to.deep.equal([
        '/v1/transfers',
        'payout:p1:transfer',
        accountRef,
        '5000',
      ]);
      expect([payout!.path, payout!.idempotencyKey, payout!.stripeAccount, payout!.params.get('metadata[payout_id]')]).to.deep.equal([
        '/v1/payouts',
        'payout:p1:payout',
        accountRef,
        '11111111-1111-4111-8111-111111111111',
      ]);
    });

    it("retries an outage with the same idempotency key (the SDK's retries are safe)", async () => {
      fake.failNext = 1;
      const before = fake.requests.length;
      await provider.authorise({ amountCents: 2000, paymentMethod: 'pm_card_visa', idempotencyKey: 'hold:retry', description: 'retry' });
      const attempts = fake.requests.slice(before);
      expect(attempts.map((request) => request.idempotencyKey)).to.deep.equal(['hold:retry', 'hold:retry']);
    });
  });

  describe('BILL-14 every mutating call carries an idempotency key', () => {
    it('holds for every POST the adapter made in this suite', () => {
      const adapterPosts = fake.mutating().filter((request) => !request.idempotencyKey?.startsWith('browser-') && !request.path.endsWith('/confirm'));
      expect(adapterPosts.length).to.be.greaterThan(10);
      expect(adapterPosts.filter((request) => !request.idempotencyKey)).to.deep.equal([]);
    });
  });

  describe('webhooks: signature', () => {
    it('translates a signed event, and refuses a forged or missing signature with WebhookSignatureError', () => {
      const good = signedEvent('payout.paid', { id: 'po_1', object: 'payout', status: 'paid', metadata: { payout_id: 'x' } });
      expect(provider.parseWebhook(Buffer.from(good.payload), good.header)).to.include({ type: 'payout.paid', payoutRef: 'po_1', payoutId: 'x' });
      const forged = signedEvent('payout.paid', { id: 'po_1', object: 'payout', metadata: {} }, { secret: 'whsec_attacker' });
      expect(() => provider.parseWebhook(Buffer.from(forged.payload), forged.header)).to.throw(WebhookSignatureError);
      const tampered = good.payload.replace('"paid"', '"failed"');
      expect(() => provider.parseWebhook(Buffer.from(tampered), good.header)).to.throw(WebhookSignatureError);
      expect(() => provider.parseWebhook(Buffer.from(good.payload), undefined)).to.throw(WebhookSignatureError);
    });
  });
});
