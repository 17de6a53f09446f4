import { expect } from 'chai';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { signUpClient, signUpExpert } from '../support/fixtures.ts';
import { freeRateVideoTerms, insertFinishedConsultation, packageTerms } from '../support/consultations.ts';
import { settleConsultation, InvariantViolation } from '../../server/billing/index.ts';
import { SettlementService } from '../../server/settlement/service.ts';
import { LocalPaymentProvider } from '../../server/payments/local-provider.ts';
import { sumOfAllAccountsCents } from '../../server/ledger/balances.ts';
import type { Database } from '../../server/platform/database.ts';

const CONSULTATIONS = 48;

describe('PAY-2 consultations that end together are settled together', () => {
  let platform: TestPlatform;
  let clientId: string;
  let experts: string[];
  before(async () => {
    platform = await startTestPlatform();
    clientId = (await signUpClient(platform.http)).user.id;
    const sponsor = await signUpExpert(platform.http);
    experts = [sponsor.user.id];
    for (let index = 0; index < 2; index++) experts.push((await signUpExpert(platform.http, { sponsorSlug: sponsor.user.slug })).user.id);
  });
  after(() => platform.close());

  /** A settlement service of its own over a database that counts the statements it is sent. */
  function countingService(): { service: SettlementService; statements: () => number } {
    let statements = 0;
    const counted: Database = {
      ...platform.db,
      query: (sql, params) => {
        statements += 1;
        return platform.db.query(sql, params);
      },
      transaction: (work) =>
        platform.db.transaction((tx) =>
          work({
            query: (sql, params) => {
              statements += 1;
              return tx.query(sql, params);
            },
          }),
        ),
    };
    const service = new SettlementService({
      db: counted,
      clock: platform.clock,
      payments: new LocalPaymentProvider(counted),
      referral: platform.config.referral,
    });
    return { service, statements: () => statements };
  }

  it('settles each once, with fewer statements than consultations; receipts numbered without gaps per expert', async () => {
    const expected = new Map<string, number>();
    for (let index = 0; index < CONSULTATIONS; index++) {
      const terms = index % 3 === 0 ? packageTerms() : freeRateVideoTerms({ budgetCents: 4000 });
      const connectedSeconds = 60 + ((index * 37) % 1200);
      const id = await insertFinishedConsultation(platform, { expertId: experts[index % experts.length]!, clientId, terms, connectedSeconds });
      expected.set(id, settleConsultation(terms, connectedSeconds).chargeCents);
    }
    const ids = [...expected.keys()];
    const receiptsBefore = await receiptCounts(platform);
    const { service, statements } = countingService();
    // Every consultation asked twice at once: the second ask shares the first one's answer or finds it settled.
    const records = await Promise.all([...ids, ...ids].map((id) => service.settle(id)));
    for (const record of records) expect(record.chargeCents, record.consultationId).to.equal(expected.get(record.consultationId));
    expect(statements()).to.be.below(CONSULTATIONS);

    const rows = await platform.db.query<{ id: string; status: string; journals: number; captured_cents: number; captures: number; receipts: number }>(
      `SELECT c.id, s.status,
              (SELECT count(*)::int FROM ledger_journal j WHERE j.consultation_id = c.id) AS journals, h.captured_cents,
              (SELECT count(*)::int FROM local_payment_operations o WHERE o.hold_id = h.id AND o.operation = 'capture') AS captures,
              (SELECT count(*)::int FROM receipts r WHERE r.consultation_id = c.id) AS receipts
         FROM consultations c JOIN settlements s ON s.consultation_id = c.id JOIN local_payment_holds h ON h.id = c.payment_hold_ref
        WHERE c.id = ANY($1::uuid[])`,
      [ids],
    );
    expect(rows).to.have.length(CONSULTATIONS);
    for (const row of rows) {
      expect(row, row.id).to.deep.include({ status: 'settled', journals: 1, captured_cents: expected.get(row.id), captures: 1, receipts: 1 });
    }
    expect(await sumOfAllAccountsCents(platform.db)).to.equal(0);
    // BILL-9: each expert's numbers run on from where they were, 1 … n, no gap and no repeat.
    for (const expertId of experts) {
      const numbers = await platform.db.query<{ sequence_number: number; number: string }>(
        'SELECT sequence_number, number FROM receipts WHERE expert_id = $1 ORDER BY sequence_number',
        [expertId],
      );
      expect(numbers.map((row) => row.sequence_number)).to.deep.equal(Array.from({ length: numbers.length }, (_, index) => index + 1));
      expect(numbers.length - (receiptsBefore.get(expertId) ?? 0)).to.equal(CONSULTATIONS / experts.length);
      for (const row of numbers) expect(row.number).to.equal(`R${String(row.sequence_number).padStart(6, '0')}-${expertId.slice(0, 8).toUpperCase()}`);
    }
  });

  it('a consultation that cannot be settled fails alone; the others of its batch are settled', async () => {
    const good = await insertFinishedConsultation(platform, { expertId: experts[1]!, clientId, terms: packageTerms(), connectedSeconds: 300 });
    const live = await insertFinishedConsultation(platform, { expertId: experts[1]!, clientId, terms: packageTerms(), connectedSeconds: 300 });
    await platform.db.query(`UPDATE consultations SET status = 'live' WHERE id = $1`, [live]);
    const alsoGood = await insertFinishedConsultation(platform, { expertId: experts[2]!, clientId, terms: freeRateVideoTerms(), connectedSeconds: 90 });
    const { service } = countingService();
    const [first, refused, third] = await Promise.allSettled([service.settle(good), service.settle(live), service.settle(alsoGood)]);
    expect(first).to.deep.include({ status: 'fulfilled' });
    expect(third).to.deep.include({ status: 'fulfilled' });
    expect(refused.status).to.equal('rejected');
    expect((refused as PromiseRejectedResult).reason).to.be.instanceOf(InvariantViolation);
    expect(await platform.db.query('SELECT 1 FROM settlements WHERE consultation_id = $1', [live])).to.have.length(0);
    expect(await sumOfAllAccountsCents(platform.db)).to.equal(0);
  });

  it('BILL-9 settles two experts whose ids begin alike at the same receipt rank: each keeps its own series', async () => {
    const expertId = experts[1]!;
    // Another expert whose id begins with the same 8 characters, the part the printed number shows.
    const twinId = `${expertId.slice(0, 8)}-0000-4000-8000-000000000001`;
    await platform.db.query(
      `INSERT INTO users (id, role, email, password_hash, first_name, last_name, terms_version, terms_accepted_at, address)
       SELECT $1, 'expert', 'twin-' || email, password_hash, 'Jumeau', last_name, terms_version, terms_accepted_at, address FROM users WHERE id = $2`,
      [twinId, expertId],
    );
    await platform.db.query(
      `INSERT INTO expert_profiles (user_id, slug, legal_status, category, certified_adult_at, certified_liability_insurance_at, siret)
       SELECT $1, slug || '-twin', legal_status, category, certified_adult_at, certified_liability_insurance_at, siret FROM expert_profiles WHERE user_id = $2`,
      [twinId, expertId],
    );
    await platform.db.query(
      `INSERT INTO receipt_sequences (expert_id, last_sequence_number) VALUES ($1, 41), ($2, 41)
       ON CONFLICT (expert_id) DO UPDATE SET last_sequence_number = 41`,
      [expertId, twinId],
    );
    const ids = [
      await insertFinishedConsultation(platform, { expertId, clientId, terms: packageTerms(), connectedSeconds: 600 }),
      await insertFinishedConsultation(platform, { expertId: twinId, clientId, terms: packageTerms(), connectedSeconds: 600 }),
    ];
    for (const id of ids) expect((await platform.services.settlements.settle(id)).status).to.equal('settled');
    const receipts = await platform.db.query<{ expert_id: string; number: string; sequence_number: number }>(
      'SELECT expert_id, number, sequence_number FROM receipts WHERE consultation_id = ANY($1::uuid[]) ORDER BY expert_id = $2 DESC',
      [ids, expertId],
    );
    const printed = `R000042-${expertId.slice(0, 8).toUpperCase()}`;
    expect(receipts).to.deep.equal([
      { expert_id: expertId, number: printed, sequence_number: 42 },
      { expert_id: twinId, number: printed, sequence_number: 42 },
    ]);
    expect(await sumOfAllAccountsCents(platform.db)).to.equal(0);
  });

  it('BILL-9 a seventh digit is printed, never cut', async () => {
    const expertId = experts[2]!;
    await platform.db.query('UPDATE receipt_sequences SET last_sequence_number = 999999 WHERE expert_id = $1', [expertId]);
    const id = await insertFinishedConsultation(platform, { expertId, clientId, terms: packageTerms(), connectedSeconds: 600 });
    await platform.services.settlements.settle(id);
    const [receipt] = await platform.db.query<{ number: string; sequence_number: number; content: { number: string } }>(
      'SELECT number, sequence_number, content FROM receipts WHERE consultation_id = $1',
      [id],
    );
    expect(receipt).to.deep.include({ number: `R1000000-${expertId.slice(0, 8).toUpperCase()}`, sequence_number: 1000000 });
    expect(receipt!.content.number).to.equal(receipt!.number);
  });
});

async function receiptCounts(platform: TestPlatform): Promise<Map<string, number>> {
  const rows = await platform.db.query<{ expert_id: string; receipts: number }>('SELECT expert_id, count(*)::int AS receipts FROM receipts GROUP BY expert_id');
  return new Map(rows.map((row) => [row.expert_id, row.receipts]));
}
