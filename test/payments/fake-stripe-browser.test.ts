import { expect } from 'chai';
import { FakeStripe } from './fake-stripe.ts';
import { SECRET_KEY } from './stripe-support.ts';

/**
 * The fake's answers to Stripe.js (publishable key, client secrets), which the browser tests rely
 * on: they must refuse what Stripe refuses, or a page bug would pass there and fail in production.
 */
describe('FakeStripe: the calls Stripe.js makes with the publishable key', () => {
  let fake: FakeStripe;
  const KEY = 'pk_test_fake';

  before(async () => {
    fake = await FakeStripe.start();
  });
  after(() => fake.close());

  const send = async (method: 'GET' | 'POST', path: string, fields: Record<string, string>, secretKey?: string) => {
    const form = new URLSearchParams(fields).toString();
    const response = await fetch(`${fake.url}${path}${method === 'GET' ? `?${form}` : ''}`, {
      method,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(secretKey ? { authorization: `Bearer ${secretKey}` } : {}) },
      body: method === 'POST' ? form : undefined,
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const setupIntent = async () => (await send('POST', '/v1/setup_intents', { customer: 'cus_test', usage: 'off_session' }, SECRET_KEY)).body;
  const paymentMethod = async (number: string) =>
    (
      await send('POST', '/v1/payment_methods', {
        type: 'card',
        'card[number]': number,
        'card[exp_month]': '12',
        'card[exp_year]': '2034',
        'card[cvc]': '123',
        key: KEY,
      })
    ).body;

  it('takes only Stripe.js routes with the publishable key, and an intent only with its own client secret', async () => {
    const setup = await setupIntent();
    expect((await send('POST', '/v1/customers', { key: KEY })).status).to.equal(401);
    const method = await paymentMethod('4242424242424242');
    expect(method.card).to.include({ brand: 'visa', last4: '4242' });
    const stranger = await send('POST', `/v1/setup_intents/${setup.id}/confirm`, { payment_method: method.id, client_secret: 'seti_other_secret_x', key: KEY });
    expect(stranger.status).to.equal(400);
    const confirmed = await send('POST', `/v1/setup_intents/${setup.id}/confirm`, { payment_method: method.id, client_secret: setup.client_secret, key: KEY });
    expect(confirmed.body).to.include({ status: 'succeeded', payment_method: method.id });
    expect(fake.attachedTo.get(method.id)).to.equal('cus_test');
  });

  it('refuses a number that is not a Stripe test card, and declines 4000 0000 0000 9995 for insufficient funds', async () => {
    expect(
      (
        await send('POST', '/v1/payment_methods', {
          type: 'card',
          'card[number]': '4111111111111111',
          'card[exp_month]': '12',
          'card[exp_year]': '2034',
          key: KEY,
        })
      ).body.error.code,
    ).to.equal('incorrect_number');
    const setup = await setupIntent();
    const method = await paymentMethod('4000000000009995');
    const declined = await send('POST', `/v1/setup_intents/${setup.id}/confirm`, { payment_method: method.id, client_secret: setup.client_secret, key: KEY });
    expect(declined.status).to.equal(402);
    expect(declined.body.error).to.include({ type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds' });
  });

  it('moves an intent waiting for 3-D Secure as the bank answers: complete holds, fail asks for another card', async () => {
    const method = await paymentMethod('4000002760003184');
    const hold = async () =>
      (
        await send(
          'POST',
          '/v1/payment_intents',
          { amount: '7500', currency: 'eur', capture_method: 'manual', payment_method: method.id, confirm: 'true' },
          SECRET_KEY,
        )
      ).body;
    const [completed, failed] = [await hold(), await hold()];
    expect(completed.status).to.equal('requires_action');
    await send('POST', `/v1/_test/three_d_secure/${completed.id}`, { outcome: 'complete', client_secret: completed.client_secret, key: KEY });
    await send('POST', `/v1/_test/three_d_secure/${failed.id}`, { outcome: 'fail', client_secret: failed.client_secret, key: KEY });
    expect((await send('GET', `/v1/payment_intents/${completed.id}`, { client_secret: completed.client_secret, key: KEY })).body).to.include({
      status: 'requires_capture',
      amount_capturable: 7500,
    });
    const after = (await send('GET', `/v1/payment_intents/${failed.id}`, { client_secret: failed.client_secret, key: KEY })).body;
    expect(after.status).to.equal('requires_payment_method');
    expect(after.last_payment_error.code).to.equal('payment_intent_authentication_failure');
  });
});
