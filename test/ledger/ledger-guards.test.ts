import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpClient, signUpExpert } from '../support/fixtures.ts';
import { insertFinishedConsultation, packageTerms } from '../support/consultations.ts';
import { accounts } from '../../server/ledger/accounts.ts';
import { postJournal } from '../../server/ledger/journal.ts';
import { sumOfAllAccountsCents } from '../../server/ledger/balances.ts';

/**
 * PAY-1: the database refuses an unbalanced ledger whatever code writes it. Since migration 075
 * the lines an INSERT adds are checked once per statement, and each new journal once at commit.
 */
describe('PAY-1 the database guards the ledger, one check per statement and per journal', () => {
  let platform: TestPlatform;
  before(async () => {
    platform = await startTestPlatform();
  });
  after(() => platform.close());

  const failureOf = async (work: () => Promise<unknown>) => {
    let failure: unknown;
    await work().catch((error) => (failure = error));
    return String(failure);
  };
  const postOne = (key: string) =>
    platform.db.transaction((tx) =>
      postJournal(tx, {
        idempotencyKey: key,
        kind: 'test',
        createdAt: platform.clock.now(),
        lines: [
          { account: accounts.platformFees, amountCents: -7, purpose: 'test' },
          { account: accounts.platformTelephony, amountCents: 7, purpose: 'test' },
        ],
      }),
    );

  it('refuses lines added later to a committed journal unless they sum to zero', async () => {
    const { journalId } = await postOne('guard-old-journal');
    const unbalanced = await failureOf(() =>
      platform.db.query(`INSERT INTO ledger_postings (journal_id, account_id, amount_cents, purpose) VALUES ($1, 'platform_fees', 5, 'sneaked')`, [journalId]),
    );
    expect(unbalanced).to.match(/does not balance/);
    const lines = await platform.db.query('SELECT 1 FROM ledger_postings WHERE journal_id = $1', [journalId]);
    expect(lines).to.have.length(2);
    expect(await sumOfAllAccountsCents(platform.db)).to.equal(0);
  });

  it('refuses a journal whose lines come in two statements that do not each balance', async () => {
    const failure = await failureOf(() =>
      platform.db.transaction(async (tx) => {
        const [journal] = await tx.query<{ id: number }>(
          `INSERT INTO ledger_journal (idempotency_key, kind, created_at) VALUES ('guard-split', 'test', now()) RETURNING id`,
        );
        await tx.query(`INSERT INTO ledger_postings (journal_id, account_id, amount_cents, purpose) VALUES ($1, 'platform_fees', 9, 'half')`, [journal!.id]);
        await tx.query(`INSERT INTO ledger_postings (journal_id, account_id, amount_cents, purpose) VALUES ($1, 'platform_telephony', -9, 'half')`, [
          journal!.id,
        ]);
      }),
    );
    expect(failure).to.match(/does not balance/);
    expect(await platform.db.query(`SELECT 1 FROM ledger_journal WHERE idempotency_key = 'guard-split'`)).to.have.length(0);
  });

  it('refuses, at commit, a journal with no lines', async () => {
    const failure = await failureOf(() =>
      platform.db.transaction((tx) => tx.query(`INSERT INTO ledger_journal (idempotency_key, kind, created_at) VALUES ('guard-empty', 'test', now())`)),
    );
    expect(failure).to.match(/does not balance/);
    expect(await platform.db.query(`SELECT 1 FROM ledger_journal WHERE idempotency_key = 'guard-empty'`)).to.have.length(0);
  });

  it('refuses a settled charge without its journal', async () => {
    const expertId = (await signUpExpert(platform.http)).user.id;
    const clientId = (await signUpClient(platform.http)).user.id;
    const id = await insertFinishedConsultation(platform, { expertId, clientId, terms: packageTerms(), connectedSeconds: 600 });
    await platform.db.query(
      `INSERT INTO settlements (consultation_id, kind, status, charge_cents, fee_cents, surcharge_cents, expert_earnings_cents, created_at)
       VALUES ($1, 'consultation', 'capturing', 7500, 225, 0, 7275, now())`,
      [id],
    );
    const failure = await failureOf(() => platform.db.query(`UPDATE settlements SET status = 'settled', settled_at = now() WHERE consultation_id = $1`, [id]));
    expect(failure).to.match(/settlements_charge_has_journal/);
    // The settlement itself then finishes it whole: journal, receipt and all.
    const settled = await platform.services.settlements.settle(id);
    expect(settled).to.include({ status: 'settled', chargeCents: 7500 });
    expect(await platform.db.query('SELECT 1 FROM ledger_journal WHERE consultation_id = $1', [id])).to.have.length(1);
  });
});
