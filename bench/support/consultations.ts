import { randomBytes } from 'node:crypto';
import type { Database } from '../../server/platform/database.ts';
import { LocalPaymentProvider } from '../../server/payments/local-provider.ts';
import { holdAmountCents, type ConsultationTerms } from '../../server/billing/index.ts';

/** Card holds are placed this many at a time while seeding (PostgreSQL runs them in parallel). */
const SEED_HOLD_CONCURRENCY = 16;
/** Consultations are inserted this many per statement, so seeding is not what the bench measures. */
const SEED_INSERT_BATCH = 500;

export interface BenchParties {
  clientId: string;
  expertIds: string[];
}

/**
 * One client and `experts` experts; every fourth expert (after the first) was referred by the
 * first, so settlements also take the REF-3 commission path.
 */
export async function seedParties(db: Database, experts: number): Promise<BenchParties> {
  const tag = randomBytes(4).toString('hex');
  const [client] = await db.query<{ id: string }>(
    `INSERT INTO users (role, email, password_hash, first_name, last_name, terms_version, terms_accepted_at)
     VALUES ('client', $1, 'x', 'Bench', 'Client', 'bench', now()) RETURNING id`,
    [`bench-client-${tag}@example.com`],
  );
  const expertIds: string[] = [];
  for (let index = 0; index < experts; index++) {
    const [expert] = await db.query<{ id: string }>(
      `INSERT INTO users (role, email, password_hash, first_name, last_name, terms_version, terms_accepted_at, address)
       VALUES ('expert', $1, 'x', 'Bench', 'Expert', 'bench', now(), $2) RETURNING id`,
      [`bench-expert-${tag}-${index}@example.com`, JSON.stringify({ line1: '12 rue de la Paix', postalCode: '75002', city: 'Paris', country: 'FR' })],
    );
    await db.query(
      `INSERT INTO expert_profiles (user_id, slug, legal_status, category, certified_adult_at, certified_liability_insurance_at, sponsor_id, siret)
       VALUES ($1, $2, 'sole_trader', 'it', now(), now(), $3, '73282932000074')`,
      [expert!.id, `bench-expert-${tag}-${index}`, index > 0 && index % 4 === 1 ? expertIds[0] : null],
    );
    expertIds.push(expert!.id);
  }
  return { clientId: client!.id, expertIds };
}

/** The mix of the crash test: one package consultation in three, the rest by the minute on the phone, some never connected. */
function benchTerms(index: number): ConsultationTerms {
  return index % 3 === 0
    ? { pricing: 'package', mode: 'video', packageMinutes: 15, packagePriceCents: 7500, surchargePerMinuteCents: 0, feePerMinuteCents: 15, discountPercent: 0 }
    : {
        pricing: 'free_rate',
        mode: 'phone',
        ratePerMinuteCents: 180,
        surchargePerMinuteCents: 20,
        feePerMinuteCents: 15,
        discountPercent: 0,
        budgetCents: 4000,
      };
}

/**
 * `count` finished consultations as the meter leaves them: frozen terms, connected seconds, and a
 * card hold placed through the local payment provider (as booking does). Returns their ids.
 */
export async function seedFinishedConsultations(db: Database, parties: BenchParties, count: number, experts = parties.expertIds): Promise<string[]> {
  const payments = new LocalPaymentProvider(db);
  const ids: string[] = [];
  for (let first = 0; first < count; first += SEED_INSERT_BATCH) {
    const indexes = Array.from({ length: Math.min(SEED_INSERT_BATCH, count - first) }, (_, offset) => first + offset);
    const terms = indexes.map(benchTerms);
    const rows = await db.query<{ id: string; terms: ConsultationTerms }>(
      `INSERT INTO consultations (expert_id, client_id, mode, pricing, status, reserved_minutes, terms, phone_number,
         terms_accepted_at, withdrawal_waived_at, payment_method_ref, created_at, ended_at, connected_seconds)
       SELECT x.expert_id, $1, x.mode, x.pricing, 'ended', 15, x.terms::jsonb, '+32470123456', now(), now(), 'pm_card_visa', now(), now(), x.seconds
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::int[]) AS x(expert_id, mode, pricing, terms, seconds)
       RETURNING id, terms`,
      [
        parties.clientId,
        indexes.map((index) => experts[index % experts.length]),
        terms.map((term) => term.mode),
        terms.map((term) => term.pricing),
        terms.map((term) => JSON.stringify(term)),
        indexes.map((index) => (index * 37) % 1300),
      ],
    );
    const holds = new Array<string>(rows.length);
    let next = 0;
    const placeHolds = async () => {
      while (next < rows.length) {
        const position = next++;
        const row = rows[position]!;
        const hold = await payments.authorise({
          amountCents: holdAmountCents(row.terms),
          paymentMethod: 'pm_card_visa',
          idempotencyKey: `hold:${row.id}`,
          description: 'bench',
        });
        holds[position] = hold.holdRef;
      }
    };
    await Promise.all(Array.from({ length: SEED_HOLD_CONCURRENCY }, placeHolds));
    await db.query(`UPDATE consultations c SET payment_hold_ref = x.hold FROM unnest($1::uuid[], $2::text[]) AS x(id, hold) WHERE c.id = x.id`, [
      rows.map((row) => row.id),
      holds,
    ]);
    ids.push(...rows.map((row) => row.id));
  }
  return ids;
}
