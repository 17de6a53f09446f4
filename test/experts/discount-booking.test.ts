import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { HOUR_MS, bookingBody, setUpClient, setUpExpert } from '../support/bookings.ts';

/**
 * EXP-7 codes created in the workspace are the ones booking checks (server/pricing/discounts.ts):
 * uses are counted from real bookings, and the workspace shows the same count.
 */
describe('EXP-7 discount codes at booking', () => {
  let platform: TestPlatform;
  before(async () => {
    platform = await startTestPlatform();
  });
  after(() => platform.close());

  const inHours = (hours: number) => new Date(platform.clock.now().getTime() + hours * HOUR_MS).toISOString();

  it('max uses: the code is used up after its last booking, and the workspace says so', async () => {
    const expert = await setUpExpert(platform.http);
    const created = await platform.http.post('/api/experts/me/discount-codes', { code: 'UNEFOIS', percentOff: 50, maxUses: 1 }, expert.token);
    expect(created.status).to.equal(201);
    const first = await setUpClient(platform.http);
    const booked = await platform.http.post('/api/consultations', bookingBody(expert.slug, { startAt: inHours(30), discountCode: 'unefois' }), first.token);
    expect(booked.status, JSON.stringify(booked.body)).to.equal(201);
    const [row] = await platform.db.query<{ discount_code_id: string | null }>('SELECT discount_code_id FROM consultations WHERE id = $1', [booked.body.id]);
    expect(row!.discount_code_id).to.equal(created.body.id);

    const list = await platform.http.get('/api/experts/me/discount-codes', expert.token);
    expect(list.body.discountCodes[0]).to.include({ code: 'UNEFOIS', usesCount: 1, status: 'used_up' });
    const second = await setUpClient(platform.http);
    const refused = await platform.http.post('/api/consultations', bookingBody(expert.slug, { startAt: inHours(40), discountCode: 'UNEFOIS' }), second.token);
    expect(refused.status).to.equal(400);
    expect(refused.body.error.code).to.equal('invalid_discount_code');
  });

  it('first consultation only: refused to a client who already consulted this expert, accepted for a new one', async () => {
    const expert = await setUpExpert(platform.http);
    expect(
      (await platform.http.post('/api/experts/me/discount-codes', { code: 'DECOUVERTE', percentOff: 30, firstConsultationOnly: true }, expert.token)).status,
    ).to.equal(201);
    const regular = await setUpClient(platform.http);
    expect((await platform.http.post('/api/consultations', bookingBody(expert.slug, { startAt: inHours(30) }), regular.token)).status).to.equal(201);
    const refused = await platform.http.post(
      '/api/consultations',
      bookingBody(expert.slug, { startAt: inHours(35), discountCode: 'DECOUVERTE' }),
      regular.token,
    );
    expect(refused.status).to.equal(400);
    expect(refused.body.error.code).to.equal('invalid_discount_code');
    const newcomer = await setUpClient(platform.http);
    const accepted = await platform.http.post(
      '/api/consultations',
      bookingBody(expert.slug, { startAt: inHours(40), discountCode: 'DECOUVERTE' }),
      newcomer.token,
    );
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(201);
    expect((await platform.http.get('/api/experts/me/discount-codes', expert.token)).body.discountCodes[0]).to.include({ usesCount: 1, status: 'active' });
  });

  it('max uses under racing bookings: 10 clients at once with a 2-use code book exactly 2, the others are refused with their hold released', async () => {
    const expert = await setUpExpert(platform.http);
    expect((await platform.http.post('/api/experts/me/discount-codes', { code: 'DEUXFOIS', percentOff: 20, maxUses: 2 }, expert.token)).status).to.equal(201);
    const clients = await Promise.all(Array.from({ length: 10 }, () => setUpClient(platform.http)));
    const answers = await Promise.all(
      clients.map((client, index) =>
        platform.http.post('/api/consultations', bookingBody(expert.slug, { startAt: inHours(30 + index), discountCode: 'DEUXFOIS' }), client.token),
      ),
    );
    expect(
      answers.filter((answer) => answer.status === 201),
      JSON.stringify(answers.map((answer) => answer.body.error ?? answer.status)),
    ).to.have.length(2);
    expect(answers.filter((answer) => answer.status === 400).map((answer) => answer.body.error.code)).to.deep.equal(Array(8).fill('invalid_discount_code'));
    const orphanHolds = (
      await platform.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM local_payment_holds h WHERE h.status = 'authorised' AND NOT EXISTS (SELECT 1 FROM consultations c WHERE c.payment_hold_ref = h.id)`,
      )
    )[0]!.n;
    expect(orphanHolds, 'holds of refused bookings still authorised').to.equal(0);
  });

  it('§11 a page without a photo is not published and cannot be booked through the API: 409 page_not_published, nothing held', async () => {
    const expert = await setUpExpert(platform.http);
    await platform.db.query('UPDATE expert_profiles SET photo = NULL WHERE user_id = $1', [expert.id]);
    const client = await setUpClient(platform.http);
    const refused = await platform.http.post('/api/consultations', bookingBody(expert.slug, { startAt: inHours(30) }), client.token);
    expect(refused.status).to.equal(409);
    expect(refused.body.error.code).to.equal('page_not_published');
    const booked = (await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM consultations WHERE expert_id = $1', [expert.id]))[0]!.n;
    expect(booked).to.equal(0);
  });
});
