import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpClient, signUpExpert, type SignedUp } from '../support/fixtures.ts';
import type { ManualClock } from '../../server/platform/clock.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('EXP-7 discount codes', () => {
  let platform: TestPlatform;
  let expert: SignedUp;
  const create = (body: unknown, token = expert.accessToken) => platform.http.post('/api/experts/me/discount-codes', body, token);
  const quote = (code: string) => platform.http.get(`/api/experts/${expert.user.slug}/quote?mode=video&seconds=600&budgetCents=3000&discountCode=${code}`);

  before(async () => {
    platform = await startTestPlatform();
    expert = await signUpExpert(platform.http);
    const pricing = await platform.http.put('/api/experts/me/pricing', { videoRatePerMinuteCents: 200, packages: [] }, expert.accessToken);
    expect(pricing.status).to.equal(200);
  });
  after(() => platform.close());

  it('creates a code with percent off, expiry, max uses and first-consultation-only, and lists it', async () => {
    const expiresAt = new Date(platform.clock.now().getTime() + 30 * DAY_MS).toISOString();
    const created = await create({ code: 'Bienvenue_20', percentOff: 20, expiresAt, maxUses: 50, firstConsultationOnly: true });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({
      code: 'Bienvenue_20',
      percentOff: 20,
      expiresAt,
      maxUses: 50,
      firstConsultationOnly: true,
      usesCount: 0,
      status: 'active',
      disabledAt: null,
    });
    const simple = await create({ code: 'NOEL', percentOff: 100 });
    expect(simple.status).to.equal(201);
    expect(simple.body).to.include({ expiresAt: null, maxUses: null, firstConsultationOnly: false });
    const list = await platform.http.get('/api/experts/me/discount-codes', expert.accessToken);
    expect(list.status).to.equal(200);
    expect(list.body.discountCodes.map((c: { code: string }) => c.code)).to.have.members(['Bienvenue_20', 'NOEL']);
  });

  it('BILL-6 a created code lowers the quote (the rate, never the fee); a disabled one is refused', async () => {
    await create({ code: 'MOINS25', percentOff: 25 });
    const plain = await platform.http.get(`/api/experts/${expert.user.slug}/quote?mode=video&seconds=600&budgetCents=3000`);
    const discounted = await quote('moins25');
    expect(discounted.status).to.equal(200);
    expect(discounted.body.chargeCents).to.equal(1500); // 200 × 0.75 = 150 per minute, 10 minutes
    expect(discounted.body.feeCents).to.equal(plain.body.feeCents);
    expect(discounted.body.expertEarningsCents).to.equal(1500 - plain.body.feeCents);

    const id = (await platform.http.get('/api/experts/me/discount-codes', expert.accessToken)).body.discountCodes.find(
      (c: { code: string }) => c.code === 'MOINS25',
    ).id;
    const disabled = await platform.http.post(`/api/experts/me/discount-codes/${id}/disable`, undefined, expert.accessToken);
    expect(disabled.status).to.equal(200);
    expect(disabled.body.status).to.equal('disabled');
    expect(disabled.body.disabledAt).to.be.a('string');
    const again = await platform.http.post(`/api/experts/me/discount-codes/${id}/disable`, undefined, expert.accessToken);
    expect(again.status).to.equal(200);
    expect(again.body.disabledAt).to.equal(disabled.body.disabledAt);
    const refused = await quote('MOINS25');
    expect(refused.status).to.equal(400);
    expect(refused.body.error.code).to.equal('invalid_discount_code');
  });

  it('an expired code shows as expired and is refused at quote', async () => {
    const clock = platform.clock as ManualClock;
    await create({ code: 'FLASH', percentOff: 10, expiresAt: new Date(clock.now().getTime() + 60_000).toISOString() });
    expect((await quote('FLASH')).status).to.equal(200);
    clock.advance(61_000);
    expect((await quote('FLASH')).body.error.code).to.equal('invalid_discount_code');
    const list = await platform.http.get('/api/experts/me/discount-codes', expert.accessToken);
    expect(list.body.discountCodes.find((c: { code: string }) => c.code === 'FLASH').status).to.equal('expired');
  });

  it('refuses a duplicate code, whatever its case, with 409 (a disabled code stays reserved)', async () => {
    const duplicate = await create({ code: 'noel', percentOff: 5 });
    expect(duplicate.status).to.equal(409);
    expect(duplicate.body.error).to.include({ code: 'discount_code_taken', param: 'code' });
    expect((await create({ code: 'moins25', percentOff: 5 })).status).to.equal(409);
    // Another expert may use the same text.
    const other = await signUpExpert(platform.http);
    expect((await create({ code: 'NOEL', percentOff: 5 }, other.accessToken)).status).to.equal(201);
  });

  it('refuses bad inputs with 400 and creates nothing', async () => {
    const before = (await platform.http.get('/api/experts/me/discount-codes', expert.accessToken)).body.discountCodes.length;
    const attempts: [unknown, string][] = [
      [{ code: 'AB', percentOff: 10 }, 'invalid_request'],
      [{ code: 'x'.repeat(33), percentOff: 10 }, 'invalid_request'],
      [{ code: 'ÉTÉ2026', percentOff: 10 }, 'invalid_request'],
      [{ code: 'WITH SPACE', percentOff: 10 }, 'invalid_request'],
      [{ code: 'ZERO', percentOff: 0 }, 'invalid_request'],
      [{ code: 'MORE', percentOff: 101 }, 'invalid_request'],
      [{ code: 'HALF', percentOff: 12.5 }, 'invalid_request'],
      [{ code: 'STR', percentOff: '10' }, 'invalid_request'],
      [{ code: 'USES', percentOff: 10, maxUses: 0 }, 'invalid_request'],
      [{ code: 'DATE', percentOff: 10, expiresAt: 'tomorrow' }, 'invalid_request'],
      [{ code: 'PAST', percentOff: 10, expiresAt: new Date(platform.clock.now().getTime() - 1000).toISOString() }, 'invalid_expiry'],
      [{ code: 'EXTRA', percentOff: 10, expertId: expert.user.id }, 'invalid_request'],
      [{ percentOff: 10 }, 'invalid_request'],
    ];
    for (const [body, code] of attempts) {
      const response = await create(body);
      expect(response.status, JSON.stringify(body)).to.equal(400);
      expect(response.body.error.code, JSON.stringify(body)).to.equal(code);
    }
    expect((await platform.http.get('/api/experts/me/discount-codes', expert.accessToken)).body.discountCodes).to.have.length(before);
  });

  it('only the owner can disable a code (404 otherwise); clients cannot use the workspace (403)', async () => {
    const mine = await create({ code: 'PRIVATE', percentOff: 15 });
    const other = await signUpExpert(platform.http);
    const foreign = await platform.http.post(`/api/experts/me/discount-codes/${mine.body.id}/disable`, undefined, other.accessToken);
    expect(foreign.status).to.equal(404);
    expect((await platform.http.post('/api/experts/me/discount-codes/not-a-uuid/disable', undefined, expert.accessToken)).status).to.equal(404);
    const client = await signUpClient(platform.http);
    expect((await platform.http.get('/api/experts/me/discount-codes', client.accessToken)).status).to.equal(403);
    expect((await create({ code: 'CLIENT', percentOff: 10 }, client.accessToken)).status).to.equal(403);
    expect((await quote('PRIVATE')).status).to.equal(200);
  });
});
