import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { TEST_PASSWORD, signUpClient, signUpExpert, type SignedUp } from '../support/fixtures.ts';
import { freeRateVideoTerms } from '../support/consultations.ts';
import { postJournal } from '../../server/ledger/journal.ts';
import { penaltyLines } from '../../server/settlement/journal-lines.ts';
import { chargedConsultation, ledgerSum, signUpAdmin } from '../trust/support.ts';

describe('ACC-9 data export and ACC-8 deregistration', function () {
  let platform: TestPlatform;
  let expert: SignedUp;

  before(async () => {
    platform = await startTestPlatform();
    expert = await signUpExpert(platform.http, { firstName: 'Paul', lastName: 'Privacy' });
  });
  after(() => platform.close());

  const deregister = (user: SignedUp) => platform.http.post('/api/me/deregistration', undefined, user.accessToken);
  const userRow = async (id: string) =>
    (
      await platform.db.query<{ status: string; email: string; first_name: string; phone_mobile: string | null }>(
        'SELECT status, email, first_name, phone_mobile FROM users WHERE id = $1',
        [id],
      )
    )[0]!;

  describe('ACC-9 export', () => {
    it('gives the user everything about them as JSON, without secrets; 401 without a token', async () => {
      const client = await signUpClient(platform.http, { firstName: 'Xena' });
      const consultation = await chargedConsultation(platform, expert.user.id, client.user.id);
      await platform.http.post(`/api/consultations/${consultation}/review`, { stars: 4, comment: 'Good' }, client.accessToken);
      await platform.http.post('/api/complaints', { kind: 'platform', comment: 'The page was slow' }, client.accessToken);
      const response = await platform.http.get('/api/me/export', client.accessToken);
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-disposition')).to.match(/attachment; filename="consulto-data-/);
      const data = response.body;
      expect(data.account).to.include({ id: client.user.id, email: client.user.email, firstName: 'Xena', role: 'client' });
      expect(data.consultations.map((c: { id: string }) => c.id)).to.include(consultation);
      expect(data.consultations[0]).to.include({ myRole: 'client', chargeCents: 7500 });
      expect(data.receipts).to.have.length(1);
      expect(data.reviewsWritten[0]).to.include({ stars: 4, comment: 'Good' });
      expect(data.complaints[0]).to.include({ kind: 'platform', myRole: 'complainant' });
      expect(data.sessions.length).to.be.greaterThan(0);
      expect(JSON.stringify(data)).not.to.match(/passwordHash|password_hash|tokenHash|\$argon2/);
      const forExpert = (await platform.http.get('/api/me/export', expert.accessToken)).body;
      expect(forExpert.expertProfile.slug).to.equal(expert.user.slug);
      expect(forExpert.wallet.pendingCents).to.be.greaterThan(0);
      expect(forExpert.walletMovements.length).to.be.greaterThan(0);
      expect(forExpert.reviewsReceived).to.have.length(1);
      expect((await platform.http.get('/api/me/export')).status).to.equal(401);
    });
  });

  describe('ACC-8 deregistration is refused, with the reason, while money or a complaint is open', () => {
    it('an open consultation: 409 consultation_open, nothing changes', async () => {
      const client = await signUpClient(platform.http);
      const startAt = new Date(platform.clock.now().getTime() + 3 * 24 * 3600 * 1000);
      await platform.db.query(
        `INSERT INTO consultations (expert_id, client_id, mode, pricing, status, start_at, reserved_minutes, reserved_during, terms, terms_accepted_at,
           withdrawal_waived_at, payment_method_ref, created_at)
         VALUES ($1, $2, 'video', 'free_rate', 'scheduled', $3::timestamptz, 15, tstzrange($3::timestamptz, $3::timestamptz + interval '15 minutes'), $4, $5, $5, 'pm_card_visa', $5)`,
        [expert.user.id, client.user.id, startAt, JSON.stringify(freeRateVideoTerms()), platform.clock.now()],
      );
      const response = await deregister(client);
      expect(response.status).to.equal(409);
      expect(response.body.error.code).to.equal('consultation_open');
      expect((await userRow(client.user.id)).status).to.equal('active');
      expect((await platform.http.get('/api/me', client.accessToken)).status).to.equal(200);
    });

    it('an open complaint: 409 complaint_open', async () => {
      const client = await signUpClient(platform.http);
      const id = await chargedConsultation(platform, expert.user.id, client.user.id);
      await platform.http.post('/api/complaints', { kind: 'consultation', consultationId: id, comment: 'Too short' }, client.accessToken);
      const response = await deregister(client);
      expect(response.status).to.equal(409);
      expect(response.body.error.code).to.equal('complaint_open');
    });

    it('a wallet balance not paid out: 409 wallet_balance_not_paid_out; a negative balance: 409 negative_balance', async () => {
      const earner = await signUpExpert(platform.http);
      await chargedConsultation(platform, earner.user.id, (await signUpClient(platform.http)).user.id);
      const earning = await deregister(earner);
      expect(earning.status).to.equal(409);
      expect(earning.body.error.code).to.equal('wallet_balance_not_paid_out');
      const penalised = await signUpExpert(platform.http);
      await platform.db.transaction((tx) =>
        postJournal(tx, {
          idempotencyKey: `penalty:test:${penalised.user.id}`,
          kind: 'expert_penalty',
          createdAt: platform.clock.now(),
          lines: penaltyLines(penalised.user.id, 150),
        }),
      );
      const negative = await deregister(penalised);
      expect(negative.status).to.equal(409);
      expect(negative.body.error.code).to.equal('negative_balance');
      expect((await userRow(penalised.user.id)).status).to.equal('active');
    });

    it('an admin cannot deregister (403)', async () => {
      const admin = await signUpAdmin(platform);
      expect((await deregister(admin)).status).to.equal(403);
    });
  });

  describe('ACC-8 accepted: 202, account closed, personal data erased, accounting records kept anonymised', () => {
    it('a client with a settled consultation and a receipt', async () => {
      const client = await signUpClient(platform.http, { firstName: 'Zoé', lastName: 'Zapped' });
      await platform.http.request('PATCH', '/api/me', { token: client.accessToken, body: { phoneMobile: '+33611111111' } });
      const id = await chargedConsultation(platform, expert.user.id, client.user.id);
      const postingsBefore = await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_postings');
      const response = await deregister(client);
      expect(response.status, JSON.stringify(response.body)).to.equal(202);
      expect(response.body.status).to.equal('closed');
      const row = await userRow(client.user.id);
      expect(row.status).to.equal('closed');
      expect(row.email).not.to.equal(client.user.email);
      expect(row.first_name).not.to.equal('Zoé');
      expect(row.phone_mobile).to.equal(null);
      expect((await platform.http.get('/api/me', client.accessToken)).status).to.equal(401);
      const login = await platform.http.post('/api/auth/login', { email: client.user.email, password: TEST_PASSWORD });
      expect(login.status).to.equal(401);
      // The receipt and the ledger stay (10-year retention), with the client's name anonymised.
      const [receipt] = await platform.db.query<{ content: { client: { name: string } } }>('SELECT content FROM receipts WHERE consultation_id = $1', [id]);
      expect(receipt!.content.client.name).to.equal('Client anonymisé');
      expect(await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_postings')).to.deep.equal(postingsBefore);
      expect(await ledgerSum(platform)).to.equal(0);
      // The same email can sign up again as a new person.
      const again = await platform.http.post('/api/auth/register/client', {
        email: client.user.email,
        password: TEST_PASSWORD,
        firstName: 'New',
        lastName: 'Person',
        acceptTerms: true,
      });
      expect(again.status).to.equal(201);
      const [closure] = await platform.db.query<{ kind: string }>('SELECT kind FROM account_closures WHERE user_id = $1', [client.user.id]);
      expect(closure!.kind).to.equal('deregistered');
    });

    it('an expert with nothing owed: the consultation page and its name-made slug disappear', async () => {
      const leaving = await signUpExpert(platform.http, { firstName: 'Quentin', lastName: 'Quitting' });
      const response = await deregister(leaving);
      expect(response.status).to.equal(202);
      expect((await platform.http.get(`/api/experts/${leaving.user.slug}`)).status).to.equal(404);
      const [profile] = await platform.db.query<{ slug: string }>('SELECT slug FROM expert_profiles WHERE user_id = $1', [leaving.user.id]);
      expect(profile!.slug).not.to.contain('quentin');
    });
  });
});
