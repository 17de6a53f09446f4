import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPglite, openPostgres, type Database } from '../../server/platform/database.ts';
import { migrate } from '../../server/platform/migrations.ts';
import { LocalPaymentProvider } from '../../server/payments/local-provider.ts';
import { holdAmountCents, settleConsultation, type ConsultationTerms } from '../../server/billing/index.ts';
import { sumOfAllAccountsCents } from '../../server/ledger/balances.ts';

const CONSULTATIONS = 200;
/** Each run dies at a random checkpoint among the next this many (three per settlement). */
const CHECKPOINT_SPREAD = 45;
/** A delayed kill lands before one of this many next statements: inside the next transaction or capture. */
const MAX_KILL_DELAY_STATEMENTS = 12;
const MIN_KILLS = 10;
/** The batched run: consultations ending together are settled this many per batch (two batches at once). */
const BATCH_SIZE = 8;

/**
 * PAY-2: kill the settling process (SIGKILL) at random points of 200 settlements, restart it,
 * again and again: in the end every consultation is settled once, every card captured once,
 * and the ledger sums to zero; settled one after the other (start-up recovery) and all at once
 * in batches (consultations ending together). Runs on PGlite's files by default and on the PostgreSQL
 * server when DATABASE_URL is set.
 */
describe('PAY-2 settlement survives SIGKILL at any point', function () {
  this.timeout(600_000);
  let target: { env: Record<string, string>; open(): Promise<Database>; drop(): Promise<void> };

  // Each run gets its own database: the seeds and the final checks cover the whole of it.
  beforeEach(async () => {
    const serverUrl = process.env['DATABASE_URL'];
    if (serverUrl) {
      const name = `consulto_crash_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      target = {
        env: { CRASH_DATABASE_URL: url.toString() },
        open: async () => openPostgres(url.toString()),
        drop: async () => {
          const client = new pg.Client({ connectionString: serverUrl });
          await client.connect();
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await client.end();
        },
      };
    } else {
      const dataDir = mkdtempSync(join(tmpdir(), 'consulto-crash-'));
      target = { env: { CRASH_DATA_DIR: dataDir }, open: () => openPglite(dataDir), drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
    }
  });
  afterEach(() => target.drop());

  it('settles 200 consultations exactly once through repeated kills', async () => {
    const expected = await seedFinishedConsultations(await target.open());
    await killUntilFinished(target.env);
    await expectEachSettledOnce(expected);
  });

  it('settles 200 consultations ending together, in batches, exactly once through repeated kills', async () => {
    const expected = await seedFinishedConsultations(await target.open());
    await killUntilFinished({ ...target.env, CRASH_BATCH_SIZE: String(BATCH_SIZE) });
    await expectEachSettledOnce(expected);
  });

  async function killUntilFinished(env: Record<string, string>): Promise<void> {
    let kills = 0;
    for (let run = 0; ; run++) {
      // Even runs die exactly at a checkpoint, odd runs a few statements after one.
      const crashAt = 1 + Math.floor(Math.random() * CHECKPOINT_SPREAD);
      const afterStatements = run % 2 === 0 ? 0 : 1 + Math.floor(Math.random() * MAX_KILL_DELAY_STATEMENTS);
      if ((await runChild(env, crashAt, afterStatements)) === 'finished') break;
      kills++;
    }
    expect(kills).to.be.at.least(MIN_KILLS);
  }

  async function expectEachSettledOnce(expected: Map<string, number>): Promise<void> {
    const db = await target.open();
    try {
      expect(await sumOfAllAccountsCents(db)).to.equal(0);
      const rows = await db.query<{
        id: string;
        status: string;
        charge_cents: number;
        journals: number;
        captured_cents: number;
        captures: number;
        receipts: number;
      }>(
        `SELECT c.id, s.status, s.charge_cents,
                (SELECT count(*)::int FROM ledger_journal j WHERE j.consultation_id = c.id) AS journals,
                h.captured_cents,
                (SELECT count(*)::int FROM local_payment_operations o WHERE o.hold_id = h.id AND o.operation = 'capture') AS captures,
                (SELECT count(*)::int FROM receipts r WHERE r.consultation_id = c.id) AS receipts
           FROM consultations c JOIN settlements s ON s.consultation_id = c.id JOIN local_payment_holds h ON h.id = c.payment_hold_ref`,
      );
      expect(rows).to.have.length(CONSULTATIONS);
      for (const row of rows) {
        const charge = expected.get(row.id)!;
        expect(row.status, row.id).to.equal('settled');
        expect(row.charge_cents, row.id).to.equal(charge);
        expect(row.journals, row.id).to.equal(charge > 0 ? 1 : 0);
        expect(row.receipts, row.id).to.equal(charge > 0 ? 1 : 0);
        expect(row.captured_cents, row.id).to.equal(charge);
        expect(row.captures, row.id).to.equal(charge > 0 ? 1 : 0);
      }
      const [clientPaid] = await db.query<{ total: number }>(
        `SELECT COALESCE(sum(amount_cents), 0) AS total FROM ledger_postings WHERE account_id LIKE 'client_payments:%'`,
      );
      expect(-clientPaid!.total).to.equal([...expected.values()].reduce((sum, charge) => sum + charge, 0));
    } finally {
      await db.close();
    }
  }
});

function runChild(env: Record<string, string>, crashAtCheckpoint: number, afterStatements: number): Promise<'killed' | 'finished'> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/settlement/crash-child.ts'], {
      env: { ...process.env, ...env, CRASH_AT_CHECKPOINT: String(crashAtCheckpoint), CRASH_AFTER_QUERIES: String(afterStatements) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve('killed');
      else if (code === 0) resolve('finished');
      else reject(new Error(`settling process failed (${code}): ${stderr}`));
    });
  });
}

async function seedFinishedConsultations(db: Database): Promise<Map<string, number>> {
  await migrate(db);
  const payments = new LocalPaymentProvider(db);
  const expected = new Map<string, number>();
  try {
    const [client] = await db.query<{ id: string }>(
      `INSERT INTO users (role, email, password_hash, first_name, last_name, terms_version, terms_accepted_at)
       VALUES ('client', 'crash-client@example.com', 'x', 'Crash', 'Client', 'test', now()) RETURNING id`,
    );
    const experts: string[] = [];
    for (let index = 0; index < 4; index++) {
      const [expert] = await db.query<{ id: string }>(
        `INSERT INTO users (role, email, password_hash, first_name, last_name, terms_version, terms_accepted_at)
         VALUES ('expert', $1, 'x', 'Crash', 'Expert', 'test', now()) RETURNING id`,
        [`crash-expert-${index}@example.com`],
      );
      await db.query(
        `INSERT INTO expert_profiles (user_id, slug, legal_status, category, certified_adult_at, certified_liability_insurance_at, sponsor_id)
         VALUES ($1, $2, 'individual', 'it', now(), now(), $3)`,
        [expert!.id, `crash-expert-${index}`, index > 0 ? experts[0] : null],
      );
      experts.push(expert!.id);
    }
    for (let index = 0; index < CONSULTATIONS; index++) {
      const terms: ConsultationTerms =
        index % 3 === 0
          ? {
              pricing: 'package',
              mode: 'video',
              packageMinutes: 15,
              packagePriceCents: 7500,
              surchargePerMinuteCents: 0,
              feePerMinuteCents: 15,
              discountPercent: 0,
            }
          : {
              pricing: 'free_rate',
              mode: 'phone',
              ratePerMinuteCents: 180,
              surchargePerMinuteCents: 20,
              feePerMinuteCents: 15,
              discountPercent: 0,
              budgetCents: 4000,
            };
      const connectedSeconds = (index * 37) % 1300;
      const [row] = await db.query<{ id: string }>(
        `INSERT INTO consultations (expert_id, client_id, mode, pricing, status, reserved_minutes, terms, phone_number,
           terms_accepted_at, withdrawal_waived_at, payment_method_ref, created_at, ended_at, connected_seconds)
         VALUES ($1, $2, $3, $4, 'ended', 15, $5, '+32470123456', now(), now(), 'pm_card_visa', now(), now(), $6) RETURNING id`,
        [experts[index % experts.length], client!.id, terms.mode, terms.pricing, JSON.stringify(terms), connectedSeconds],
      );
      const hold = await payments.authorise({
        amountCents: holdAmountCents(terms),
        paymentMethod: 'pm_card_visa',
        idempotencyKey: `hold:${row!.id}`,
        description: 'crash test',
      });
      await db.query('UPDATE consultations SET payment_hold_ref = $2 WHERE id = $1', [row!.id, hold.holdRef]);
      expected.set(row!.id, settleConsultation(terms, connectedSeconds).chargeCents);
    }
    return expected;
  } finally {
    await db.close();
  }
}
