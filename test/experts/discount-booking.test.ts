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
    expect((await platform.http.post('/api/experts/me/discount-codes', { code: 'DECOUVERTE', percentOff: 30, firstConsultationOnly: true }, expert.token)).status).to.equal(201);
    const regular = await setUpClient(platform.http);
    expect((await platform.http.post('/api/consultations', bookingBody(expert.slug, { startAt: inHours(30) }), regular.token)).status).to.equal(201);
    const refused = await platform.http.post('/api/consultations', bookingBody(expert.slug, { startAt: inHours(35), discountCode: 'DECOUVERTE' }), regular.token);
    expect(refused.status).to.equal(400);
    expect(refused.body.error.code).to.equal('invalid_discount_code');
    const newcomer = await setUpClient(platform.http);
    const accepted = await platform.http.post('/api/consultations', bookingBody(expert.slug, { startAt: inHours(40), discountCode: 'DECOUVERTE' }), newcomer.token);
    expect(accepted.status, JSON.stringify(accepted.body)).to.equal(201);
    expect((await platform.http.get('/api/experts/me/discount-codes', expert.token)).body.discountCodes[0]).to.include({ usesCount: 1, status: 'active' });
  });
});
