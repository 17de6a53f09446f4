import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { TEST_PASSWORD, signUpClient, signUpExpert, type SignedUp } from '../support/fixtures.ts';
import { freeRateVideoTerms, insertFinishedConsultation, packageTerms } from '../support/consultations.ts';
import { ManualClock } from '../../server/platform/clock.ts';
import { pdfText } from './pdf-text.ts';

const NBSP = '\u00a0';

describe('BILL-9 monthly statement of operating fees (BILL-12 penalties included)', () => {
  let platform: TestPlatform;
  const clock = new ManualClock('2026-10-15T10:00:00.000Z');
  let expert: SignedUp;
  let client: SignedUp;
  let otherExpert: SignedUp;
  const november: string[] = [];
  let penaltyConsultationId: string;

  const settleAt = async (at: string, input: Omit<Parameters<typeof insertFinishedConsultation>[1], 'expertId' | 'clientId'>, expertId = expert.user.id) => {
    clock.set(at);
    const id = await insertFinishedConsultation(platform, { expertId, clientId: client.user.id, ...input });
    await platform.services.settlements.settle(id);
    return id;
  };

  before(async () => {
    platform = await startTestPlatform({ clock });
    expert = await signUpExpert(platform.http, { firstName: 'Inès', lastName: 'Martin' });
    otherExpert = await signUpExpert(platform.http);
    client = await signUpClient(platform.http);

    await settleAt('2026-10-31T22:59:59.000Z', { terms: packageTerms(), connectedSeconds: 900 }); // 23:59:59 in Paris: October
    november.push(await settleAt('2026-10-31T23:00:00.000Z', { terms: freeRateVideoTerms(), connectedSeconds: 125 })); // 00:00 in Paris: November
    november.push(
      await settleAt('2026-11-12T15:00:00.000Z', {
        terms: freeRateVideoTerms({ mode: 'phone', surchargePerMinuteCents: 20 }),
        connectedSeconds: 300,
      }),
    );
    november.push(await settleAt('2026-11-20T08:00:00.000Z', { terms: packageTerms(), connectedSeconds: 240 }));
    // BILL-12: an expert no-show debits round(15 × 30 × 15 / 100) = 68 cents in November.
    penaltyConsultationId = await settleAt('2026-11-21T08:00:00.000Z', {
      terms: packageTerms({ packageMinutes: 30, packagePriceCents: 6000 }),
      status: 'no_show_expert',
      startAt: new Date('2026-11-21T07:00:00.000Z'),
    });
    await settleAt('2026-11-30T23:00:00.000Z', { terms: freeRateVideoTerms(), connectedSeconds: 60 }); // 1 December in Paris
    await settleAt('2026-11-15T10:00:00.000Z', { terms: freeRateVideoTerms(), connectedSeconds: 600 }, otherExpert.user.id);
    // The access tokens of October have expired by now: sign in again.
    clock.set('2026-12-02T09:00:00.000Z');
    for (const user of [expert, otherExpert, client]) {
      const login = await platform.http.post('/api/auth/login', { email: user.user.email, password: TEST_PASSWORD });
      user.accessToken = login.body.accessToken;
    }
  });
  after(() => platform.close());

  const settlementsOf = async (ids: string[]) =>
    platform.db.query<{ charge_cents: number; fee_cents: number; surcharge_cents: number; expert_earnings_cents: number }>(
      'SELECT charge_cents, fee_cents, surcharge_cents, expert_earnings_cents FROM settlements WHERE consultation_id = ANY($1::uuid[])',
      [ids],
    );

  it('lists the months with activity, newest first, in Paris time', async () => {
    const response = await platform.http.get('/api/experts/me/statements', expert.accessToken);
    expect(response.status).to.equal(200);
    expect(response.body.timeZone).to.equal('Europe/Paris');
    expect(response.body.months.map((month: { month: string }) => month.month)).to.deep.equal(['2026-12', '2026-11', '2026-10']);
    const [, novemberSummary] = response.body.months;
    expect(novemberSummary).to.include({ consultationCount: 3, penaltyCents: 68 });
  });

  it("totals the month's settlements exactly, and nothing of another month or another expert", async () => {
    const response = await platform.http.get('/api/experts/me/statements/2026-11', expert.accessToken);
    expect(response.status).to.equal(200);
    const statement = response.body;
    expect(statement).to.include({
      month: '2026-11',
      timeZone: 'Europe/Paris',
      periodStart: '2026-10-31T23:00:00.000Z',
      periodEnd: '2026-11-30T23:00:00.000Z',
    });
    expect(statement.consultations.map((line: { consultationId: string }) => line.consultationId)).to.deep.equal(november);
    const rows = await settlementsOf(november);
    const sum = (pick: (row: (typeof rows)[number]) => number) => rows.reduce((total, row) => total + pick(row), 0);
    expect(statement.totals).to.deep.equal({
      consultationCount: 3,
      clientPriceCents: sum((row) => row.charge_cents),
      operatingFeeCents: sum((row) => row.fee_cents),
      surchargeCents: sum((row) => row.surcharge_cents),
      expertEarningsCents: sum((row) => row.expert_earnings_cents),
      penaltyCount: 1,
      penaltyCents: 68,
      netAfterPenaltiesCents: sum((row) => row.expert_earnings_cents) - 68,
    });
    // 417 (BILL-2) + round(220 × 300 / 60) = 1100 (BILL-8 surcharge 100) + 2500 (BILL-5 one third).
    expect(statement.totals.clientPriceCents).to.equal(417 + 1100 + 2500);
    expect(statement.totals.surchargeCents).to.equal(100);
    expect(statement.penalties).to.deep.equal([{ consultationId: penaltyConsultationId, debitedAt: '2026-11-21T08:00:00.000Z', amountCents: 68 }]);
    for (const line of statement.consultations) expect(line.receiptNumber).to.match(/^R\d{6}-/);

    const october = (await platform.http.get('/api/experts/me/statements/2026-10', expert.accessToken)).body;
    expect(october.totals).to.include({ consultationCount: 1, clientPriceCents: 7500, operatingFeeCents: 225, penaltyCents: 0 });
    const empty = (await platform.http.get('/api/experts/me/statements/2025-01', expert.accessToken)).body;
    expect(empty.consultations).to.deep.equal([]);
    expect(empty.totals).to.include({ consultationCount: 0, clientPriceCents: 0, operatingFeeCents: 0, penaltyCents: 0 });
  });

  it('prints the same statement as HTML and PDF', async () => {
    const statement = (await platform.http.get('/api/experts/me/statements/2026-11', expert.accessToken)).body;
    const fees = (statement.totals.operatingFeeCents / 100).toFixed(2).replace('.', ',') + `${NBSP}€`;
    const html = await platform.http.get('/api/experts/me/statements/2026-11.html', expert.accessToken);
    expect(html.status).to.equal(200);
    expect(html.headers.get('content-type')).to.match(/^text\/html/);
    expect(html.body).to.include('Relevé des frais de fonctionnement — novembre 2026').and.include('Inès Martin');
    expect(html.body).to.include(fees).and.include(`-0,68${NBSP}€`);

    const pdf = await fetch(`${platform.http.baseUrl}/api/experts/me/statements/2026-11.pdf`, { headers: { authorization: `Bearer ${expert.accessToken}` } });
    expect(pdf.status).to.equal(200);
    expect(pdf.headers.get('content-type')).to.equal('application/pdf');
    expect(pdf.headers.get('content-disposition')).to.equal('attachment; filename="releve-2026-11.pdf"');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    expect(pdfText(bytes)).to.include('novembre 2026').and.include(fees);
  });

  it('refuses a malformed month with 400 and the error shape', async () => {
    for (const month of ['2026-13', '2026-1', '2026-00', 'november', '2026-11-01', '2026-13.pdf', '2026-1.html']) {
      const response = await platform.http.get(`/api/experts/me/statements/${month}`, expert.accessToken);
      expect(response.status, month).to.equal(400);
      expect(response.body.error).to.include({ code: 'invalid_request', param: 'month' });
      expect(response.body.error.message).to.be.a('string');
    }
  });

  it('is for experts only, each seeing their own', async () => {
    expect((await platform.http.get('/api/experts/me/statements/2026-11', client.accessToken)).status).to.equal(403);
    expect((await platform.http.get('/api/experts/me/statements')).status).to.equal(401);
    const other = (await platform.http.get('/api/experts/me/statements/2026-11', otherExpert.accessToken)).body;
    expect(other.totals).to.include({ consultationCount: 1, penaltyCents: 0 });
  });
});
