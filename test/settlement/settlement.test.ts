import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpClient, signUpExpert } from '../support/fixtures.ts';
import { freeRateVideoTerms, insertFinishedConsultation, packageTerms } from '../support/consultations.ts';
import { ManualClock } from '../../server/platform/clock.ts';
import { accountBalanceCents, sumOfAllAccountsCents, walletBalances } from '../../server/ledger/balances.ts';
import { accounts } from '../../server/ledger/accounts.ts';
import { releaseDueHolds } from '../../server/ledger/holds.ts';
import { postJournal } from '../../server/ledger/journal.ts';
import { InvariantViolation } from '../../server/billing/index.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('money core: ledger and settlement', () => {
  let platform: TestPlatform;
  const clock = new ManualClock(new Date());
  let expertId: string;
  let clientId: string;
  before(async () => {
    platform = await startTestPlatform({ clock });
    expertId = (await signUpExpert(platform.http)).user.id;
    clientId = (await signUpClient(platform.http)).user.id;
  });
  after(() => platform.close());

  const journalCount = async (consultationId: string) =>
    (await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_journal WHERE consultation_id = $1', [consultationId]))[0]!.n;
  const capturedCents = async (consultationId: string) =>
    (
      await platform.db.query<{ captured_cents: number; status: string }>(
        'SELECT h.captured_cents, h.status FROM local_payment_holds h JOIN consultations c ON c.payment_hold_ref = h.id WHERE c.id = $1',
        [consultationId],
      )
    )[0]!;

  describe('PAY-2 settlement of a free-rate consultation', () => {
    it('captures the charge, splits it in the ledger and issues a receipt, once', async () => {
      const id = await insertFinishedConsultation(platform, { expertId, clientId, terms: freeRateVideoTerms(), connectedSeconds: 125 });
      const settled = await platform.services.settlements.settle(id);
      // BILL-2: round(200 × 125 / 60) = 417; BILL-7: fee round(15 × 125 / 60) = 31.
      expect(settled).to.include({ status: 'settled', chargeCents: 417, feeCents: 31, surchargeCents: 0, expertEarningsCents: 386 });
      expect(await capturedCents(id)).to.deep.equal({ captured_cents: 417, status: 'captured' });
      const postings = await platform.db.query<{ account_id: string; amount_cents: number; purpose: string }>(
        `SELECT p.account_id, p.amount_cents, p.purpose FROM ledger_postings p JOIN ledger_journal j ON j.id = p.journal_id
          WHERE j.consultation_id = $1 ORDER BY p.id`,
        [id],
      );
      expect(postings).to.deep.equal([
        { account_id: accounts.clientPayments(clientId).id, amount_cents: -417, purpose: 'charge' },
        { account_id: accounts.walletPending(expertId).id, amount_cents: 386, purpose: 'earnings' },
        { account_id: 'platform_fees', amount_cents: 31, purpose: 'fee' },
      ]);
      const [receipt] = await platform.db.query<{ number: string; content: { amounts: { totalInclVatCents: number; vatMention: string } } }>(
        'SELECT number, content FROM receipts WHERE consultation_id = $1',
        [id],
      );
      expect(receipt!.content.amounts.totalInclVatCents).to.equal(417);
      expect(receipt!.content.amounts.vatMention).to.equal('TVA non applicable, art. 293 B du CGI');

      const again = await platform.services.settlements.settle(id);
      expect(again).to.deep.equal(settled);
      expect(await journalCount(id)).to.equal(1);
      expect(await sumOfAllAccountsCents(platform.db)).to.equal(0);
    });

    it('releases the whole hold and posts nothing when nothing was connected (BILL-5 t = 0)', async () => {
      const id = await insertFinishedConsultation(platform, { expertId, clientId, terms: packageTerms(), connectedSeconds: 0 });
      const settled = await platform.services.settlements.settle(id);
      expect(settled.chargeCents).to.equal(0);
      expect((await capturedCents(id)).status).to.equal('released');
      expect(await journalCount(id)).to.equal(0);
    });

    it('two settlements racing for one consultation move the money once', async () => {
      const id = await insertFinishedConsultation(platform, { expertId, clientId, terms: packageTerms(), connectedSeconds: 240 });
      const results = await Promise.all([1, 2, 3, 4].map(() => platform.services.settlements.settle(id)));
      for (const result of results) expect(result.chargeCents).to.equal(2500);
      expect(await journalCount(id)).to.equal(1);
      expect((await capturedCents(id)).captured_cents).to.equal(2500);
      expect(await sumOfAllAccountsCents(platform.db)).to.equal(0);
    });

    it('refuses to settle a consultation that has not finished', async () => {
      const id = await insertFinishedConsultation(platform, { expertId, clientId, terms: packageTerms(), connectedSeconds: 60 });
      await platform.db.query(`UPDATE consultations SET status = 'live' WHERE id = $1`, [id]);
      let failure: unknown;
      await platform.services.settlements.settle(id).catch((error) => (failure = error));
      expect(failure).to.be.instanceOf(InvariantViolation);
    });
  });

  describe('BILL-12 expert no-show', () => {
    it('charges the client nothing and debits the fee from the expert wallet, which may go negative', async () => {
      const lonelyExpert = (await signUpExpert(platform.http)).user.id;
      const id = await insertFinishedConsultation(platform, {
        expertId: lonelyExpert,
        clientId,
        terms: packageTerms({ packageMinutes: 30, packagePriceCents: 6000 }),
        status: 'no_show_expert',
        startAt: clock.now(),
      });
      const settled = await platform.services.settlements.settle(id);
      // round(15 × 30 × 15 / 100) = round(67.5) = 68
      expect(settled).to.include({ chargeCents: 0, expertPenaltyCents: 68 });
      expect((await capturedCents(id)).status).to.equal('released');
      expect(await walletBalances(platform.db, lonelyExpert)).to.deep.equal({ pendingCents: 0, availableCents: -68 });
      expect(await sumOfAllAccountsCents(platform.db)).to.equal(0);
    });
  });

  describe('BILL-10 late client cancellation', () => {
    it('charges round(P × 15 / 100) 47 hours before the start and nothing 49 hours before', async () => {
      const startAt = new Date(clock.now().getTime() + 72 * 60 * 60 * 1000);
      const late = await insertFinishedConsultation(platform, {
        expertId,
        clientId,
        terms: packageTerms(),
        status: 'cancelled',
        cancelledBy: 'client',
        startAt,
        cancelledAt: new Date(startAt.getTime() - 47 * 60 * 60 * 1000),
      });
      const early = await insertFinishedConsultation(platform, {
        expertId,
        clientId,
        terms: packageTerms(),
        status: 'cancelled',
        cancelledBy: 'client',
        startAt: new Date(startAt.getTime() + 2 * 60 * 60 * 1000),
        cancelledAt: new Date(startAt.getTime() - 49 * 60 * 60 * 1000),
      });
      expect((await platform.services.settlements.settle(late)).chargeCents).to.equal(1125);
      expect((await platform.services.settlements.settle(early)).chargeCents).to.equal(0);
      expect((await capturedCents(late)).captured_cents).to.equal(1125);
      expect((await capturedCents(early)).status).to.equal('released');
    });
  });

  describe('PAY-3 seven-day hold', () => {
    it('moves earnings from pending to available after 7 days, once however often the job runs', async () => {
      const heldExpert = (await signUpExpert(platform.http)).user.id;
      const id = await insertFinishedConsultation(platform, { expertId: heldExpert, clientId, terms: freeRateVideoTerms(), connectedSeconds: 600 });
      await platform.services.settlements.settle(id);
      expect(await walletBalances(platform.db, heldExpert)).to.deep.equal({ pendingCents: 1850, availableCents: 0 });
      clock.advance(7 * DAY_MS - 1000);
      await releaseDueHolds(platform.db, clock);
      expect((await walletBalances(platform.db, heldExpert)).availableCents).to.equal(0);
      clock.advance(2000);
      await Promise.all([releaseDueHolds(platform.db, clock), releaseDueHolds(platform.db, clock)]);
      await releaseDueHolds(platform.db, clock);
      expect(await walletBalances(platform.db, heldExpert)).to.deep.equal({ pendingCents: 0, availableCents: 1850 });
      expect(await sumOfAllAccountsCents(platform.db)).to.equal(0);
    });
  });

  describe('REF-3 sponsor commission', () => {
    it('pays the sponsor 10 % of the fee from the platform share during 12 months, then stops', async () => {
      const sponsor = await signUpExpert(platform.http, { firstName: 'Rita', lastName: 'Sponsor' });
      const referred = (await signUpExpert(platform.http, { sponsorSlug: sponsor.user.slug })).user.id;
      const id = await insertFinishedConsultation(platform, {
        expertId: referred,
        clientId,
        terms: freeRateVideoTerms({ budgetCents: 5000 }),
        connectedSeconds: 1500,
      });
      const settled = await platform.services.settlements.settle(id);
      // 25 minutes: fee 375, commission floor(37.5) = 37.
      expect(settled).to.include({ feeCents: 375, commissionCents: 37, sponsorId: sponsor.user.id });
      expect((await walletBalances(platform.db, sponsor.user.id)).pendingCents).to.equal(37);

      clock.advance(366 * DAY_MS);
      const later = await insertFinishedConsultation(platform, { expertId: referred, clientId, terms: freeRateVideoTerms(), connectedSeconds: 1500 });
      expect((await platform.services.settlements.settle(later)).commissionCents).to.equal(0);
      expect(await sumOfAllAccountsCents(platform.db)).to.equal(0);
    });
  });

  describe('PAY-1 the database guards the ledger', () => {
    it('refuses a journal that does not balance, even written by hand', async () => {
      let failure: unknown;
      await platform.db
        .transaction(async (tx) => {
          const [journal] = await tx.query<{ id: number }>(
            `INSERT INTO ledger_journal (idempotency_key, kind, created_at) VALUES ('by-hand', 'test', now()) RETURNING id`,
          );
          await tx.query(`INSERT INTO ledger_accounts (id, kind) VALUES ('platform_fees', 'platform_fees') ON CONFLICT DO NOTHING`);
          await tx.query(`INSERT INTO ledger_postings (journal_id, account_id, amount_cents, purpose) VALUES ($1, 'platform_fees', 100, 'fee')`, [journal!.id]);
        })
        .catch((error) => (failure = error));
      expect(String(failure)).to.match(/does not balance/);
      expect((await platform.db.query(`SELECT 1 FROM ledger_journal WHERE idempotency_key = 'by-hand'`)).length).to.equal(0);
    });

    it('is append-only: postings cannot be updated or deleted', async () => {
      for (const statement of ['UPDATE ledger_postings SET amount_cents = amount_cents + 1', 'DELETE FROM ledger_postings', 'DELETE FROM ledger_journal']) {
        let failure: unknown;
        await platform.db.query(statement).catch((error) => (failure = error));
        expect(String(failure), statement).to.match(/append-only/);
      }
    });

    it('BILL-14 replaying a journal key posts nothing; a different body under the same key is a bug', async () => {
      const entry = {
        idempotencyKey: 'replay-test',
        kind: 'test',
        createdAt: clock.now(),
        lines: [
          { account: accounts.platformFees, amountCents: -5, purpose: 'test' },
          { account: accounts.platformTelephony, amountCents: 5, purpose: 'test' },
        ],
      };
      const first = await platform.db.transaction((tx) => postJournal(tx, entry));
      const second = await platform.db.transaction((tx) => postJournal(tx, entry));
      expect(second).to.deep.equal({ journalId: first.journalId, replayed: true });
      expect(await accountBalanceCents(platform.db, 'platform_telephony')).to.be.at.least(5);
      let failure: unknown;
      await platform.db
        .transaction((tx) => postJournal(tx, { ...entry, lines: [entry.lines[0]!, { ...entry.lines[1]!, purpose: 'other' }] }))
        .catch((error) => (failure = error));
      expect(failure).to.be.instanceOf(InvariantViolation);
    });
  });
});
