import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { TEST_PASSWORD, signUpClient, signUpExpert, type SignedUp } from '../support/fixtures.ts';
import { freeRateVideoTerms, insertFinishedConsultation, packageTerms } from '../support/consultations.ts';
import { ManualClock } from '../../server/platform/clock.ts';
import type { ConsultationTerms } from '../../server/billing/index.ts';

describe('EXP-8 earnings: list of settled consultations and totals per month', () => {
  const clock = new ManualClock('2026-09-20T10:00:00.000Z');
  let platform: TestPlatform;
  let expert: SignedUp;
  let client: SignedUp;
  let token: string;
  const ids: Record<string, string> = {};

  async function settled(name: string, input: { terms: ConsultationTerms; connectedSeconds?: number; status?: 'ended' | 'no_show_expert'; expertId?: string }) {
    const id = await insertFinishedConsultation(platform, {
      expertId: input.expertId ?? expert.user.id,
      clientId: client.user.id,
      terms: input.terms,
      connectedSeconds: input.connectedSeconds ?? 0,
      status: input.status,
      startAt: input.status === 'no_show_expert' ? clock.now() : undefined,
    });
    await platform.services.settlements.settle(id);
    ids[name] = id;
  }

  async function signIn(): Promise<string> {
    const response = await platform.http.post('/api/auth/login', { email: expert.user.email, password: TEST_PASSWORD });
    expect(response.status).to.equal(200);
    return response.body.accessToken;
  }

  before(async () => {
    platform = await startTestPlatform({ clock });
    expert = await signUpExpert(platform.http);
    client = await signUpClient(platform.http);
    const other = await signUpExpert(platform.http);
    // September (Paris): free-rate video, 10 minutes at 2.00 €/min: 2000, fee 150, earnings 1850.
    await settled('september', { terms: freeRateVideoTerms(), connectedSeconds: 600 });
    // Another expert's consultation never shows in this expert's earnings.
    await settled('foreign', { terms: freeRateVideoTerms(), connectedSeconds: 600, expertId: other.user.id });
    // 30 September 22:30 UTC is 1 October 00:30 in Paris: an October line.
    clock.set('2026-09-30T22:30:00.000Z');
    await settled('packageOneThird', { terms: packageTerms(), connectedSeconds: 240 }); // 2500, fee 75, earnings 2425
    clock.set('2026-10-12T09:00:00.000Z');
    // Phone with a 20-cent surcharge, 2 minutes: 440, surcharge 40, fee 30, earnings 370.
    await settled('phone', { terms: freeRateVideoTerms({ mode: 'phone', surchargePerMinuteCents: 20 }), connectedSeconds: 120 });
    clock.advance(60_000);
    // BILL-12 expert no-show on a 30-minute package: nothing charged, 68 debited from the wallet.
    await settled('noShow', { terms: packageTerms({ packageMinutes: 30, packagePriceCents: 6000 }), status: 'no_show_expert' });
    // Nothing consumed, nothing charged: not an earnings line.
    await settled('nothing', { terms: packageTerms(), connectedSeconds: 0 });
    clock.set('2026-11-10T12:00:00.000Z');
    await settled('november', { terms: freeRateVideoTerms(), connectedSeconds: 60 }); // 200, fee 15, earnings 185
    token = await signIn();
  });
  after(() => platform.close());

  it('lists each settled consultation with date, mode, duration, client price, operating fee and net earnings', async () => {
    const response = await platform.http.get('/api/experts/me/earnings', token);
    expect(response.status).to.equal(200);
    expect(response.body).to.include({ from: '2025-11-10', to: '2026-11-10', timeZone: 'Europe/Paris', currency: 'EUR', truncated: false });
    const lines = response.body.consultations as Record<string, unknown>[];
    expect(lines.map((line) => line['consultationId'])).to.deep.equal([ids['november'], ids['noShow'], ids['phone'], ids['packageOneThird'], ids['september']]);
    expect(lines[0]).to.include({
      kind: 'consultation',
      mode: 'video',
      pricing: 'free_rate',
      durationSeconds: 60,
      clientPriceCents: 200,
      operatingFeeCents: 15,
      netEarningsCents: 185,
    });
    expect(lines[0]!['date']).to.equal('2026-11-10T12:00:00.000Z');
    expect(lines[2]).to.include({
      mode: 'phone',
      durationSeconds: 120,
      clientPriceCents: 440,
      surchargeCents: 40,
      operatingFeeCents: 30,
      netEarningsCents: 370,
    });
    expect(lines[3]).to.include({ pricing: 'package', clientPriceCents: 2500, operatingFeeCents: 75, netEarningsCents: 2425 });
    expect(lines[1]).to.include({ clientPriceCents: 0, penaltyCents: 68, netEarningsCents: -68 });
    expect(response.body.totals).to.deep.equal({
      consultationCount: 5,
      clientPriceCents: 200 + 440 + 2500 + 2000,
      operatingFeeCents: 15 + 30 + 75 + 150,
      surchargeCents: 40,
      refundedCents: 0,
      netEarningsCents: 185 - 68 + 370 + 2425 + 1850,
    });
    // The net earnings are what the wallet received: the list and the ledger agree.
    const [wallet] = await platform.db.query<{ total: number }>(
      `SELECT COALESCE(sum(amount_cents), 0) AS total FROM ledger_postings WHERE account_id IN ($1, $2)`,
      [`wallet_pending:${expert.user.id}`, `wallet_available:${expert.user.id}`],
    );
    expect(wallet!.total).to.equal(response.body.totals.netEarningsCents);
  });

  it('filters by Paris calendar dates, both inclusive', async () => {
    const october = await platform.http.get('/api/experts/me/earnings?from=2026-10-01&to=2026-10-31', token);
    expect(october.status).to.equal(200);
    expect(october.body.consultations.map((line: { consultationId: string }) => line.consultationId)).to.deep.equal([
      ids['noShow'],
      ids['phone'],
      ids['packageOneThird'],
    ]);
    const september = await platform.http.get('/api/experts/me/earnings?from=2026-09-01&to=2026-09-30', token);
    expect(september.body.consultations.map((line: { consultationId: string }) => line.consultationId)).to.deep.equal([ids['september']]);
  });

  it('gives totals per month, including empty months, oldest first, for the chart', async () => {
    const response = await platform.http.get('/api/experts/me/earnings/monthly?months=4', token);
    expect(response.status).to.equal(200);
    expect(response.body.months).to.deep.equal([
      { month: '2026-08', consultationCount: 0, clientPriceCents: 0, operatingFeeCents: 0, netEarningsCents: 0 },
      { month: '2026-09', consultationCount: 1, clientPriceCents: 2000, operatingFeeCents: 150, netEarningsCents: 1850 },
      { month: '2026-10', consultationCount: 3, clientPriceCents: 2940, operatingFeeCents: 105, netEarningsCents: 2425 + 370 - 68 },
      { month: '2026-11', consultationCount: 1, clientPriceCents: 200, operatingFeeCents: 15, netEarningsCents: 185 },
    ]);
    const year = await platform.http.get('/api/experts/me/earnings/monthly', token);
    expect(year.body.months).to.have.length(12);
    expect(year.body.months[0].month).to.equal('2025-12');
  });

  it('refuses bad queries with 400 codes; clients get 403 and strangers 401', async () => {
    const attempts: [string, string][] = [
      ['/api/experts/me/earnings?from=2026-11-01&to=2026-10-01', 'invalid_range'],
      ['/api/experts/me/earnings?from=2000-01-01&to=2026-10-01', 'invalid_range'],
      ['/api/experts/me/earnings?from=2026-13-01', 'invalid_request'],
      ['/api/experts/me/earnings?from=yesterday', 'invalid_request'],
      ['/api/experts/me/earnings?page=2', 'invalid_request'],
      ['/api/experts/me/earnings/monthly?months=0', 'invalid_request'],
      ['/api/experts/me/earnings/monthly?months=121', 'invalid_request'],
      ['/api/experts/me/earnings/monthly?months=two', 'invalid_request'],
    ];
    for (const [path, code] of attempts) {
      const response = await platform.http.get(path, token);
      expect(response.status, path).to.equal(400);
      expect(response.body.error.code, path).to.equal(code);
    }
    const clientToken = (await platform.http.post('/api/auth/login', { email: client.user.email, password: TEST_PASSWORD })).body.accessToken;
    expect((await platform.http.get('/api/experts/me/earnings', clientToken)).status).to.equal(403);
    expect((await platform.http.get('/api/experts/me/earnings/monthly')).status).to.equal(401);
  });
});
