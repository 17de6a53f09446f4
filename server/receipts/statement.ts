import type { Database, Queryable } from '../platform/database.ts';
import { InvariantViolation } from '../billing/index.ts';
import { accounts } from '../ledger/accounts.ts';
import { DOCUMENT_TIME_ZONE } from './format.ts';

/**
 * BILL-9: the monthly statement of operating fees of an expert, computed on demand from the
 * settlements and the ledger (never stored: the ledger is the record, the statement a view).
 * A month is a calendar month in Paris time, by settlement time, like the receipts' dates.
 */

/** One month per line of the list; twenty years of activity at most. */
export const STATEMENT_MONTHS_LIMIT = 240;
/** Lines printed per statement; the totals are computed by the database over every line regardless. */
export const STATEMENT_LINES_LIMIT = 5000;

export const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export interface StatementConsultationLine {
  consultationId: string;
  receiptNumber: string | null;
  settledAt: string;
  kind: 'consultation' | 'cancellation';
  mode: 'video' | 'phone';
  billedSeconds: number;
  clientPriceCents: number;
  operatingFeeCents: number;
  surchargeCents: number;
  expertEarningsCents: number;
}

export interface StatementPenaltyLine {
  consultationId: string | null;
  debitedAt: string;
  amountCents: number;
}

export interface StatementTotals {
  consultationCount: number;
  clientPriceCents: number;
  operatingFeeCents: number;
  surchargeCents: number;
  expertEarningsCents: number;
  penaltyCount: number;
  penaltyCents: number;
  /** Earnings of the month less the penalties debited in it. */
  netAfterPenaltiesCents: number;
}

export interface FeeStatement {
  month: string;
  timeZone: string;
  periodStart: string;
  periodEnd: string;
  generatedAt: string;
  expert: { id: string; name: string; legalStatus: string; siret: string | null; vatNumber: string | null };
  currency: 'EUR';
  consultations: StatementConsultationLine[];
  penalties: StatementPenaltyLine[];
  linesTruncated: boolean;
  totals: StatementTotals;
}

export interface StatementMonth {
  month: string;
  consultationCount: number;
  operatingFeeCents: number;
  expertEarningsCents: number;
  penaltyCents: number;
}

// The month's bounds as instants: local midnight of the first day, in Paris, to the next one.
// Every query below takes the year as $2 and the month as $3.
const MONTH_START_SQL = `(make_date($2::int, $3::int, 1)::timestamp AT TIME ZONE '${DOCUMENT_TIME_ZONE}')`;
const MONTH_END_SQL = `((make_date($2::int, $3::int, 1) + interval '1 month')::timestamp AT TIME ZONE '${DOCUMENT_TIME_ZONE}')`;

// $1 = the expert: settlements that charged the client something, i.e. with a fee and a receipt.
const SETTLED_OF_MONTH = `
  FROM settlements s JOIN consultations c ON c.id = s.consultation_id
 WHERE c.expert_id = $1 AND s.status = 'settled' AND s.charge_cents > 0
   AND s.settled_at >= ${MONTH_START_SQL} AND s.settled_at < ${MONTH_END_SQL}`;

// $1 = the expert's available-wallet account: what the ledger actually debited as penalties (BILL-12).
const PENALTIES_OF_MONTH = `
  FROM ledger_postings p JOIN ledger_journal j ON j.id = p.journal_id
 WHERE p.account_id = $1 AND p.purpose = 'penalty'
   AND j.created_at >= ${MONTH_START_SQL} AND j.created_at < ${MONTH_END_SQL}`;

export function parseMonth(month: string): { year: number; monthNumber: number } | null {
  const match = MONTH_PATTERN.exec(month);
  if (!match) return null;
  return { year: Number(match[1]), monthNumber: Number(match[2]) };
}

/** One snapshot for lines and totals, so a settlement committing meanwhile cannot make them disagree. */
export function monthlyFeeStatement(db: Database, input: { expertId: string; month: string; now: Date }): Promise<FeeStatement> {
  const parsed = parseMonth(input.month);
  if (!parsed) throw new InvariantViolation(`not a month: ${input.month}`);
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return readStatement(tx, { ...input, ...parsed });
  });
}

async function readStatement(db: Queryable, input: { expertId: string; month: string; now: Date; year: number; monthNumber: number }): Promise<FeeStatement> {
  const parsed = input;
  const expertParams = [input.expertId, parsed.year, parsed.monthNumber];
  const walletParams = [accounts.walletAvailable(input.expertId).id, parsed.year, parsed.monthNumber];

  const [expert] = await db.query<{ first_name: string; last_name: string; legal_status: string; siret: string | null; vat_number: string | null }>(
    `SELECT u.first_name, u.last_name, e.legal_status, e.siret, e.vat_number FROM users u JOIN expert_profiles e ON e.user_id = u.id WHERE u.id = $1`,
    [input.expertId],
  );
  if (!expert) throw new InvariantViolation(`statement of ${input.expertId}, who is not an expert`);

  const consultations = await db.query<{
    consultation_id: string;
    receipt_number: string | null;
    settled_at: Date;
    kind: 'consultation' | 'cancellation';
    mode: 'video' | 'phone';
    billed_seconds: number;
    charge_cents: number;
    fee_cents: number;
    surcharge_cents: number;
    expert_earnings_cents: number;
  }>(
    `SELECT s.consultation_id, (SELECT r.number FROM receipts r WHERE r.consultation_id = s.consultation_id) AS receipt_number, s.settled_at, s.kind, c.mode, s.billed_seconds,
            s.charge_cents, s.fee_cents, s.surcharge_cents, s.expert_earnings_cents
       ${SETTLED_OF_MONTH}
      ORDER BY s.settled_at, s.consultation_id
      LIMIT ${STATEMENT_LINES_LIMIT + 1}`,
    expertParams,
  );
  const penalties = await db.query<{ consultation_id: string | null; created_at: Date; amount_cents: number }>(
    `SELECT j.consultation_id, j.created_at, -p.amount_cents AS amount_cents ${PENALTIES_OF_MONTH}
      ORDER BY j.created_at, j.id LIMIT ${STATEMENT_LINES_LIMIT + 1}`,
    walletParams,
  );
  const [sums] = await db.query<{
    consultation_count: number;
    charge_cents: number;
    fee_cents: number;
    surcharge_cents: number;
    expert_earnings_cents: number;
    period_start: Date;
    period_end: Date;
  }>(
    `SELECT ${MONTH_START_SQL} AS period_start, ${MONTH_END_SQL} AS period_end, count(*)::int AS consultation_count, COALESCE(sum(s.charge_cents), 0)::bigint AS charge_cents,
            COALESCE(sum(s.fee_cents), 0)::bigint AS fee_cents, COALESCE(sum(s.surcharge_cents), 0)::bigint AS surcharge_cents,
            COALESCE(sum(s.expert_earnings_cents), 0)::bigint AS expert_earnings_cents
       ${SETTLED_OF_MONTH}`,
    expertParams,
  );
  const [penaltySums] = await db.query<{ penalty_count: number; penalty_cents: number }>(
    `SELECT count(*)::int AS penalty_count, COALESCE(-sum(p.amount_cents), 0)::bigint AS penalty_cents ${PENALTIES_OF_MONTH}`,
    walletParams,
  );

  const totals: StatementTotals = {
    consultationCount: sums!.consultation_count,
    clientPriceCents: sums!.charge_cents,
    operatingFeeCents: sums!.fee_cents,
    surchargeCents: sums!.surcharge_cents,
    expertEarningsCents: sums!.expert_earnings_cents,
    penaltyCount: penaltySums!.penalty_count,
    penaltyCents: penaltySums!.penalty_cents,
    netAfterPenaltiesCents: sums!.expert_earnings_cents - penaltySums!.penalty_cents,
  };
  // Every settlement row satisfies charge = fee + surcharge + earnings (a CHECK in 005): so must the month.
  if (totals.clientPriceCents !== totals.operatingFeeCents + totals.surchargeCents + totals.expertEarningsCents) {
    throw new InvariantViolation(`statement ${input.month} of ${input.expertId} does not add up`);
  }
  return {
    month: input.month,
    timeZone: DOCUMENT_TIME_ZONE,
    periodStart: sums!.period_start.toISOString(),
    periodEnd: sums!.period_end.toISOString(),
    generatedAt: input.now.toISOString(),
    expert: {
      id: input.expertId,
      name: `${expert.first_name} ${expert.last_name}`,
      legalStatus: expert.legal_status,
      siret: expert.siret,
      vatNumber: expert.vat_number,
    },
    currency: 'EUR',
    consultations: consultations.slice(0, STATEMENT_LINES_LIMIT).map((row) => ({
      consultationId: row.consultation_id,
      receiptNumber: row.receipt_number,
      settledAt: row.settled_at.toISOString(),
      kind: row.kind,
      mode: row.mode,
      billedSeconds: row.billed_seconds,
      clientPriceCents: row.charge_cents,
      operatingFeeCents: row.fee_cents,
      surchargeCents: row.surcharge_cents,
      expertEarningsCents: row.expert_earnings_cents,
    })),
    penalties: penalties.slice(0, STATEMENT_LINES_LIMIT).map((row) => ({
      consultationId: row.consultation_id,
      debitedAt: row.created_at.toISOString(),
      amountCents: row.amount_cents,
    })),
    linesTruncated: consultations.length > STATEMENT_LINES_LIMIT || penalties.length > STATEMENT_LINES_LIMIT,
    totals,
  };
}

/** The months (newest first) in which the expert had a charged settlement or a penalty. */
export async function statementMonths(db: Queryable, expertId: string): Promise<StatementMonth[]> {
  const rows = await db.query<{ month: string; consultation_count: number; fee_cents: number; expert_earnings_cents: number; penalty_cents: number }>(
    `WITH activity AS (
       SELECT to_char(s.settled_at AT TIME ZONE '${DOCUMENT_TIME_ZONE}', 'YYYY-MM') AS month,
              1 AS consultations, s.fee_cents::bigint AS fee_cents, s.expert_earnings_cents::bigint AS earnings_cents, 0::bigint AS penalty_cents
         FROM settlements s JOIN consultations c ON c.id = s.consultation_id
        WHERE c.expert_id = $1 AND s.status = 'settled' AND s.charge_cents > 0
       UNION ALL
       SELECT to_char(j.created_at AT TIME ZONE '${DOCUMENT_TIME_ZONE}', 'YYYY-MM'), 0, 0, 0, -p.amount_cents
         FROM ledger_postings p JOIN ledger_journal j ON j.id = p.journal_id
        WHERE p.account_id = $2 AND p.purpose = 'penalty'
     )
     SELECT month, sum(consultations)::int AS consultation_count, sum(fee_cents)::bigint AS fee_cents,
            sum(earnings_cents)::bigint AS expert_earnings_cents, sum(penalty_cents)::bigint AS penalty_cents
       FROM activity GROUP BY month ORDER BY month DESC LIMIT ${STATEMENT_MONTHS_LIMIT}`,
    [expertId, accounts.walletAvailable(expertId).id],
  );
  return rows.map((row) => ({
    month: row.month,
    consultationCount: row.consultation_count,
    operatingFeeCents: row.fee_cents,
    expertEarningsCents: row.expert_earnings_cents,
    penaltyCents: row.penalty_cents,
  }));
}
