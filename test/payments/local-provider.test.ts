import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpClient, signUpExpert } from '../support/fixtures.ts';
import { LocalPaymentProvider } from '../../server/payments/local-provider.ts';
import { PaymentDeclinedError } from '../../server/payments/provider.ts';
import { InvariantViolation } from '../../server/billing/index.ts';

describe('PAY-6, PAY-7 local provider: test cards, simulated 3-D Secure, saved cards', () => {
  let platform: TestPlatform;
  let local: LocalPaymentProvider;

  before(async () => {
    platform = await startTestPlatform();
    local = platform.services.payments as LocalPaymentProvider;
  });
  after(() => platform.close());

  it('tells the browser to offer the three test cards (no Stripe key)', async () => {
    const response = await platform.http.get('/api/payments/config');
    expect(response.body).to.deep.equal({
      provider: 'local',
      publishableKey: null,
      testCards: ['pm_card_visa', 'pm_card_chargeDeclined', 'pm_card_authenticationRequired'],
    });
    // Nothing outside our origin may run or be called when no third party collects cards.
    expect(response.headers.get('content-security-policy')).to.not.include('stripe.com');
  });

  it('authorises pm_card_visa, declines pm_card_chargeDeclined, asks 3-D Secure for pm_card_authenticationRequired', async () => {
    expect((await local.authorise({ amountCents: 1000, paymentMethod: 'pm_card_visa', idempotencyKey: 'l1', description: 'x' })).status).to.equal('authorised');
    const declined = await local
      .authorise({ amountCents: 1000, paymentMethod: 'pm_card_chargeDeclined', idempotencyKey: 'l2', description: 'x' })
      .catch((e) => e);
    expect(declined).to.be.instanceOf(PaymentDeclinedError);
    expect(declined.code).to.equal('card_declined');
    const secure = await local.authorise({ amountCents: 1000, paymentMethod: 'pm_card_authenticationRequired', idempotencyKey: 'l3', description: 'x' });
    expect(secure.status).to.equal('requires_action');
    const offSession = await local
      .authorise({ amountCents: 1000, paymentMethod: 'pm_card_authenticationRequired', idempotencyKey: 'l4', description: 'x', offSession: true })
      .catch((e) => e);
    expect(offSession.code).to.equal('authentication_required');
  });

  it('answers the simulated 3-D Secure step either way; retrieveAuthorisation tells where the hold stands, and a passed one captures', async () => {
    const hold = await local.authorise({ amountCents: 1500, paymentMethod: 'pm_card_authenticationRequired', idempotencyKey: 'l5', description: 'x' });
    expect(await local.retrieveAuthorisation(hold.holdRef)).to.deep.equal({
      status: 'requires_action',
      holdRef: hold.holdRef,
      clientSecret: `${hold.holdRef}_secret`,
    });
    await local.completeAuthentication(hold.holdRef, 'succeeded');
    expect(await local.retrieveAuthorisation(hold.holdRef)).to.deep.equal({ status: 'authorised', holdRef: hold.holdRef });
    await local.capture({ holdRef: hold.holdRef, amountCents: 1500, idempotencyKey: 'capture:l5' });
    const refused = await local.authorise({ amountCents: 1500, paymentMethod: 'pm_card_authenticationRequired', idempotencyKey: 'l6', description: 'x' });
    await local.completeAuthentication(refused.holdRef, 'failed');
    expect(await local.retrieveAuthorisation(refused.holdRef)).to.deep.equal({ status: 'failed', holdRef: refused.holdRef });
    expect((await local.retrieveAuthorisation('lpi_unknown')).status).to.equal('failed');
  });

  it('BILL-14 PAY-2 captures once per key in one call; a capture the hold cannot take keeps nothing, and in a group fails alone', async () => {
    const hold = async (key: string, amountCents: number) =>
      (await local.authorise({ amountCents, paymentMethod: 'pm_card_visa', idempotencyKey: key, description: 'x' })).holdRef;
    const capturedCents = async (holdRef: string) =>
      (
        await platform.db.query<{ captured_cents: number; status: string }>('SELECT captured_cents, status FROM local_payment_holds WHERE id = $1', [holdRef])
      )[0];
    const operations = async (key: string) => (await platform.db.query('SELECT 1 FROM local_payment_operations WHERE idempotency_key = $1', [key])).length;

    const once = await hold('c1', 2000);
    await local.capture({ holdRef: once, amountCents: 1200, idempotencyKey: 'capture:c1' });
    await local.capture({ holdRef: once, amountCents: 1200, idempotencyKey: 'capture:c1' });
    expect(await capturedCents(once)).to.deep.equal({ captured_cents: 1200, status: 'captured' });

    const small = await hold('c2', 500);
    const tooMuch = await local.capture({ holdRef: small, amountCents: 501, idempotencyKey: 'capture:c2' }).catch((error) => error);
    expect(tooMuch).to.be.instanceOf(InvariantViolation);
    expect(await operations('capture:c2')).to.equal(0);
    // The key was not kept: the right amount under it still captures.
    await local.capture({ holdRef: small, amountCents: 500, idempotencyKey: 'capture:c2' });
    expect(await capturedCents(small)).to.deep.equal({ captured_cents: 500, status: 'captured' });

    const [a, b, c] = [await hold('c3', 900), await hold('c4', 900), await hold('c5', 900)];
    const outcomes = await local.captureEach([
      { holdRef: a, amountCents: 900, idempotencyKey: 'capture:c3' },
      { holdRef: b, amountCents: 901, idempotencyKey: 'capture:c4' },
      { holdRef: c, amountCents: 100, idempotencyKey: 'capture:c5' },
    ]);
    expect(outcomes.map((outcome) => outcome.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).to.be.instanceOf(InvariantViolation);
    expect(await capturedCents(a)).to.deep.equal({ captured_cents: 900, status: 'captured' });
    expect(await capturedCents(b)).to.deep.equal({ captured_cents: 0, status: 'authorised' });
    expect(await capturedCents(c)).to.deep.equal({ captured_cents: 100, status: 'captured' });
    // Asked again, the group answers the same and captures nothing more.
    const again = await local.captureEach([
      { holdRef: a, amountCents: 900, idempotencyKey: 'capture:c3' },
      { holdRef: c, amountCents: 100, idempotencyKey: 'capture:c5' },
    ]);
    expect(again.map((outcome) => outcome.status)).to.deep.equal(['fulfilled', 'fulfilled']);
    expect(await capturedCents(c)).to.deep.equal({ captured_cents: 100, status: 'captured' });
    // One hold asked twice under two keys: the group keeps nothing, then the first alone captures and the second is refused.
    const shared = await hold('c6', 700);
    const twice = await local.captureEach([
      { holdRef: shared, amountCents: 300, idempotencyKey: 'capture:c6' },
      { holdRef: shared, amountCents: 300, idempotencyKey: 'capture:c6-again' },
    ]);
    expect(twice.map((outcome) => outcome.status)).to.deep.equal(['fulfilled', 'rejected']);
    expect(await capturedCents(shared)).to.deep.equal({ captured_cents: 300, status: 'captured' });
    expect(await operations('capture:c6-again')).to.equal(0);
  });

  it('PAY-7 saves a card as token, brand, last 4 digits and expiry only', async () => {
    const client = await signUpClient(platform.http);
    const setup = await platform.http.post('/api/payments/cards/setup', undefined, client.accessToken);
    expect(setup.status).to.equal(201);
    expect(setup.body.setupRef).to.match(/^seti_local_/);
    const early = await platform.http.post('/api/payments/cards', { setupRef: setup.body.setupRef }, client.accessToken);
    expect(early.status).to.equal(400);
    expect(early.body.error.code).to.equal('card_setup_incomplete');
    const declined = await platform.http.post(
      `/api/payments/local/setups/${setup.body.setupRef}/confirm`,
      { paymentMethod: 'pm_card_chargeDeclined' },
      client.accessToken,
    );
    expect(declined.status).to.equal(402);
    expect(declined.body.error.code).to.equal('card_declined');
    expect(
      (await platform.http.post(`/api/payments/local/setups/${setup.body.setupRef}/confirm`, { paymentMethod: 'pm_card_visa' }, client.accessToken)).status,
    ).to.equal(200);
    const saved = await platform.http.post('/api/payments/cards', { setupRef: setup.body.setupRef }, client.accessToken);
    expect(saved.status).to.equal(201);
    expect(saved.body).to.include({ brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034 });
    const list = await platform.http.get('/api/payments/cards', client.accessToken);
    expect(list.body.cards).to.have.length(1);
    const [row] = await platform.db.query<Record<string, unknown>>('SELECT * FROM saved_cards WHERE user_id = $1', [client.user.id]);
    expect(Object.keys(row!).sort()).to.deep.equal([
      'brand',
      'created_at',
      'exp_month',
      'exp_year',
      'id',
      'last4',
      'payment_method_ref',
      'provider',
      'setup_ref',
      'user_id',
    ]);

    const other = await signUpClient(platform.http);
    const stolen = await platform.http.post('/api/payments/cards', { setupRef: setup.body.setupRef }, other.accessToken);
    expect(stolen.status).to.equal(400);
    const expert = await signUpExpert(platform.http);
    expect((await platform.http.post('/api/payments/cards/setup', undefined, expert.accessToken)).status).to.equal(403);
  });

  it('is absent in production: no development confirm routes', async () => {
    const production = await startTestPlatform({ environment: { NODE_ENV: 'production', DOCUMENTS_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') } });
    try {
      const client = await signUpClient(production.http, {}, { verifyEmail: false });
      expect((await production.http.post('/api/payments/local/holds/lpi_x/confirm', {}, client.accessToken)).status).to.equal(404);
    } finally {
      await production.close();
    }
  });
});
