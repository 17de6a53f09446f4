import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpClient, signUpExpert } from '../support/fixtures.ts';
import { insertFinishedConsultation, packageTerms } from '../support/consultations.ts';
import { sumOfAllAccountsCents, walletBalances } from '../../server/ledger/balances.ts';
import { setWalletBlocked } from '../../server/wallet/wallet.ts';
import { FAILING_IBAN, PACKAGE_EARNINGS_CENTS, earn, payableExpert, signInAgain, submitKyc, validateKyc } from './support.ts';

describe('PAY-3, PAY-5 wallet and payouts (local provider)', () => {
  let platform: TestPlatform;

  before(async () => {
    platform = await startTestPlatform({ environment: { KYC_AUTO_VALIDATE_SECONDS: '60' } });
  });
  after(() => platform.close());

  const ledgerPayouts = async (userId: string) =>
    platform.db.query<{ idempotency_key: string }>(
      `SELECT DISTINCT j.idempotency_key FROM ledger_journal j JOIN ledger_postings p ON p.journal_id = j.id
        WHERE p.account_id = $1 AND j.kind IN ('payout', 'payout_failed') ORDER BY 1`,
      [`wallet_available:${userId}`],
    );

  describe('PAY-3 7-day hold', () => {
    it('shows earnings as pending for 7 days, then available, derived from the ledger', async () => {
      const expert = await signUpExpert(platform.http);
      const client = await signUpClient(platform.http);
      const id = await insertFinishedConsultation(platform, {
        expertId: expert.user.id,
        clientId: client.user.id,
        terms: packageTerms(),
        connectedSeconds: 900,
      });
      await platform.services.settlements.settle(id);
      let wallet = await platform.http.get('/api/wallet', expert.accessToken);
      expect(wallet.status).to.equal(200);
      expect(wallet.body).to.include({ pendingCents: PACKAGE_EARNINGS_CENTS, availableCents: 0, kycStatus: 'not_submitted', blocked: false });
      await earn(platform, expert.user.id, 0);
      await signInAgain(platform, expert);
      wallet = await platform.http.get('/api/wallet', expert.accessToken);
      expect(wallet.body).to.include({ pendingCents: 0, availableCents: PACKAGE_EARNINGS_CENTS });
      const movements = await platform.http.get('/api/wallet/movements?limit=2', expert.accessToken);
      expect(movements.status).to.equal(200);
      expect(movements.body.movements.map((m: { kind: string; balance: string; amountCents: number }) => [m.kind, m.balance, m.amountCents])).to.deep.equal([
        ['release', 'available', PACKAGE_EARNINGS_CENTS],
        ['release', 'pending', -PACKAGE_EARNINGS_CENTS],
      ]);
      const older = await platform.http.get(`/api/wallet/movements?limit=2&before=${movements.body.nextBefore}`, expert.accessToken);
      expect(older.body.movements).to.have.length(1);
      expect(older.body.movements[0]).to.include({ kind: 'settlement', balance: 'pending', amountCents: PACKAGE_EARNINGS_CENTS, consultationId: id });
    });

    it("REF-3: a sponsor's commissions land in the same wallet, pending then available", async () => {
      const sponsor = await signUpExpert(platform.http);
      const referred = await signUpExpert(platform.http, { sponsorSlug: sponsor.user.slug });
      await earn(platform, referred.user.id);
      await signInAgain(platform, sponsor);
      // 10 % of the 225-cent operating fee of a full 15-minute package (BILL-7), rounded down (REF-3).
      expect((await platform.http.get('/api/wallet', sponsor.accessToken)).body).to.include({ pendingCents: 0, availableCents: 22 });
    });

    it('is for experts only: a client gets 403', async () => {
      const client = await signUpClient(platform.http);
      expect((await platform.http.get('/api/wallet', client.accessToken)).status).to.equal(403);
      expect((await platform.http.post('/api/payouts', { amountCents: 5000 }, client.accessToken)).status).to.equal(403);
    });
  });

  describe('PAY-5 the 50.00 € threshold', () => {
    it('refuses 4999 cents with amount_below_minimum and accepts 5000, which is paid', async () => {
      const expert = await payableExpert(platform);
      const refused = await platform.http.post('/api/payouts', { amountCents: 4999 }, expert.accessToken);
      expect(refused.status).to.equal(400);
      expect(refused.body.error).to.include({ code: 'amount_below_minimum', param: 'amountCents' });
      const accepted = await platform.http.post('/api/payouts', { amountCents: 5000 }, expert.accessToken);
      expect(accepted.status).to.equal(201);
      expect(accepted.body).to.include({ amountCents: 5000, status: 'paid', failureReason: null, ibanLast4: '2606' });
      expect(await walletBalances(platform.db, expert.user.id)).to.deep.equal({ pendingCents: 0, availableCents: PACKAGE_EARNINGS_CENTS - 5000 });
      expect((await ledgerPayouts(expert.user.id)).map((row) => row.idempotency_key)).to.deep.equal([`payout:${accepted.body.id}`]);
      const history = await platform.http.get('/api/payouts', expert.accessToken);
      expect(history.body.payouts.map((p: { id: string; status: string }) => [p.id, p.status])).to.deep.equal([[accepted.body.id, 'paid']]);
      expect(await sumOfAllAccountsCents(platform.db)).to.equal(0);
    });

    it('refuses more than the available balance with insufficient_available_balance, and moves nothing', async () => {
      const expert = await payableExpert(platform);
      const response = await platform.http.post('/api/payouts', { amountCents: PACKAGE_EARNINGS_CENTS + 1 }, expert.accessToken);
      expect(response.status).to.equal(409);
      expect(response.body.error.code).to.equal('insufficient_available_balance');
      expect((await walletBalances(platform.db, expert.user.id)).availableCents).to.equal(PACKAGE_EARNINGS_CENTS);
      const ok = await platform.http.post('/api/payouts', { amountCents: PACKAGE_EARNINGS_CENTS }, expert.accessToken);
      expect(ok.status).to.equal(201);
    });

    it('refuses bad inputs with 400 and moves nothing', async () => {
      const expert = await payableExpert(platform);
      for (const body of [{}, { amountCents: '5000' }, { amountCents: 5000.5 }, { amountCents: -5000 }]) {
        const response = await platform.http.post('/api/payouts', body, expert.accessToken);
        expect(response.status, JSON.stringify(body)).to.equal(400);
        expect(response.body.error.code).to.equal('invalid_request');
      }
      expect(await ledgerPayouts(expert.user.id)).to.deep.equal([]);
    });
  });

  describe('PAY-5 concurrent payouts', () => {
    it('lets exactly one of 10 parallel payouts through when the balance allows one', async () => {
      const expert = await payableExpert(platform);
      const responses = await Promise.all(Array.from({ length: 10 }, () => platform.http.post('/api/payouts', { amountCents: 5000 }, expert.accessToken)));
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).to.deep.equal([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
      expect(responses.filter((r) => r.status === 409).every((r) => r.body.error.code === 'insufficient_available_balance')).to.equal(true);
      expect((await walletBalances(platform.db, expert.user.id)).availableCents).to.equal(PACKAGE_EARNINGS_CENTS - 5000);
      expect(await ledgerPayouts(expert.user.id)).to.have.length(1);
    });
  });

  describe('BILL-14 §11 an Idempotency-Key makes a replayed payout request one payout (Stripe semantics)', () => {
    const send = (token: string, amountCents: number, key: string) =>
      platform.http.request('POST', '/api/payouts', { body: { amountCents }, token, headers: { 'idempotency-key': key } });

    it('answers the first 201 again to the same key, also to copies sent at once, and moves the money once', async () => {
      const expert = await payableExpert(platform, { consultations: 2 });
      const first = await send(expert.accessToken, 6000, 'payout-req-1');
      const copies = await Promise.all([1, 2, 3].map(() => send(expert.accessToken, 6000, 'payout-req-1')));
      expect(first.status).to.equal(201);
      for (const copy of copies) {
        expect(copy.status).to.equal(201);
        expect(copy.body).to.deep.equal(first.body);
      }
      expect((await walletBalances(platform.db, expert.user.id)).availableCents).to.equal(2 * PACKAGE_EARNINGS_CENTS - 6000);
      expect(await ledgerPayouts(expert.user.id)).to.have.length(1);
    });

    it('concurrent first requests with one key make one payout, and every answer is that payout', async () => {
      const expert = await payableExpert(platform, { consultations: 2 });
      const answers = await Promise.all(Array.from({ length: 5 }, () => send(expert.accessToken, 5000, 'payout-race')));
      expect(answers.map((answer) => answer.status)).to.deep.equal([201, 201, 201, 201, 201]);
      expect(new Set(answers.map((answer) => answer.body.id)).size).to.equal(1);
      expect(await ledgerPayouts(expert.user.id)).to.have.length(1);
    });

    it('refuses the same key with another amount: 422 idempotency_key_reused, nothing moves', async () => {
      const expert = await payableExpert(platform, { consultations: 2 });
      expect((await send(expert.accessToken, 6000, 'payout-req-2')).status).to.equal(201);
      const other = await send(expert.accessToken, 7000, 'payout-req-2');
      expect(other.status).to.equal(422);
      expect(other.body.error.code).to.equal('idempotency_key_reused');
      expect(await ledgerPayouts(expert.user.id)).to.have.length(1);
    });
  });

  describe('PAY-5 payout failure', () => {
    it('returns the money to the available balance when the bank refuses (IBAN ending in 0000)', async () => {
      const expert = await payableExpert(platform, { iban: FAILING_IBAN });
      const response = await platform.http.post('/api/payouts', { amountCents: 6000 }, expert.accessToken);
      expect(response.status).to.equal(201);
      expect(response.body.status).to.equal('failed');
      expect(response.body.failureReason).to.be.a('string').and.not.empty;
      expect(await walletBalances(platform.db, expert.user.id)).to.deep.equal({ pendingCents: 0, availableCents: PACKAGE_EARNINGS_CENTS });
      expect((await ledgerPayouts(expert.user.id)).map((row) => row.idempotency_key)).to.deep.equal([
        `payout-failed:${response.body.id}`,
        `payout:${response.body.id}`,
      ]);
      const [row] = await platform.db.query<{ reclaimed: boolean }>('SELECT reclaimed_at IS NOT NULL AS reclaimed FROM payouts WHERE id = $1', [
        response.body.id,
      ]);
      expect(row!.reclaimed).to.equal(true);
      expect(await sumOfAllAccountsCents(platform.db)).to.equal(0);
    });
  });

  describe('PAY-5 refusals by state', () => {
    it('refuses with kyc_not_validated while the identity check is not validated (not submitted, then pending)', async () => {
      const expert = await signUpExpert(platform.http);
      await earn(platform, expert.user.id);
      await signInAgain(platform, expert);
      let response = await platform.http.post('/api/payouts', { amountCents: 5000 }, expert.accessToken);
      expect(response.status).to.equal(409);
      expect(response.body.error.code).to.equal('kyc_not_validated');
      await submitKyc(platform, expert);
      response = await platform.http.post('/api/payouts', { amountCents: 5000 }, expert.accessToken);
      expect(response.body.error.code).to.equal('kyc_not_validated');
      expect(await ledgerPayouts(expert.user.id)).to.deep.equal([]);
    });

    it('TRUST-4: refuses with wallet_blocked while an admin has blocked the wallet, and pays once unblocked', async () => {
      const expert = await payableExpert(platform);
      await setWalletBlocked(platform.db, expert.user.id, { blocked: true, reason: 'fraud check', at: platform.clock.now() });
      const wallet = await platform.http.get('/api/wallet', expert.accessToken);
      expect(wallet.body.blocked).to.equal(true);
      const refused = await platform.http.post('/api/payouts', { amountCents: 5000 }, expert.accessToken);
      expect(refused.status).to.equal(409);
      expect(refused.body.error.code).to.equal('wallet_blocked');
      expect(await ledgerPayouts(expert.user.id)).to.deep.equal([]);
      await setWalletBlocked(platform.db, expert.user.id, { blocked: false, reason: null, at: platform.clock.now() });
      expect((await platform.http.post('/api/payouts', { amountCents: 5000 }, expert.accessToken)).status).to.equal(201);
    });

    it('BILL-12: a negative wallet after a no-show penalty blocks payouts until later earnings recover it', async () => {
      const expert = await signUpExpert(platform.http);
      const client = await signUpClient(platform.http);
      await validateKyc(platform, expert);
      const noShow = await insertFinishedConsultation(platform, {
        expertId: expert.user.id,
        clientId: client.user.id,
        terms: packageTerms({ packageMinutes: 30, packagePriceCents: 6000 }),
        status: 'no_show_expert',
        startAt: platform.clock.now(),
      });
      await platform.services.settlements.settle(noShow);
      await signInAgain(platform, expert);
      expect(await walletBalances(platform.db, expert.user.id)).to.deep.equal({ pendingCents: 0, availableCents: -68 });
      const refused = await platform.http.post('/api/payouts', { amountCents: 5000 }, expert.accessToken);
      expect(refused.status).to.equal(409);
      expect(refused.body.error.code).to.equal('negative_wallet');
      await earn(platform, expert.user.id);
      await signInAgain(platform, expert);
      expect((await walletBalances(platform.db, expert.user.id)).availableCents).to.equal(PACKAGE_EARNINGS_CENTS - 68);
      const paid = await platform.http.post('/api/payouts', { amountCents: PACKAGE_EARNINGS_CENTS - 68 }, expert.accessToken);
      expect(paid.status).to.equal(201);
      expect(paid.body.status).to.equal('paid');
    });
  });
});
