import { prepared, type Queryable } from '../platform/database.ts';
import type { ConsultationTerms } from '../billing/index.ts';
import { distinctAccounts, postableLines, type JournalEntry } from '../ledger/journal.ts';
import { walletHoldReleaseAt } from '../ledger/holds.ts';
import type { KnownLedgerAccounts } from '../ledger/known-accounts.ts';
import type { ReceiptDraft } from '../receipts/issue.ts';
import type { ReceiptParties } from '../receipts/content.ts';
import type { FinishedConsultation, Outcome } from './outcome.ts';

/**
 * PAY-2's data access, set-based: each step is one statement for one consultation or a batch, and
 * none reads a row only to write it back. Every statement runs on its own (autocommit): a step is
 * atomic, and what happens between steps is what the crash test kills.
 */

export interface ConsultationToSettle {
  id: string;
  status: string;
  terms: ConsultationTerms;
  connectedSeconds: number;
  startAt: Date | null;
  cancelledAt: Date | null;
  cancelledBy: FinishedConsultation['cancelledBy'];
  endedAt: Date | null;
  createdAt: Date;
  clientId: string;
  expertId: string;
  paymentHoldRef: string | null;
  paymentMethodRef: string | null;
  sponsorId: string | null;
  expertSignedUpAt: Date;
  /** As the receipt will print them, read with the rest (the receipt is frozen at issue anyway). */
  receiptParties: ReceiptParties;
  settlement: SettlementRecord | undefined;
}

/** A settlement row: its amounts are frozen from the moment it is written as `capturing`. */
export interface SettlementRecord extends Outcome {
  consultationId: string;
  status: 'capturing' | 'settled';
  commissionCents: number;
  sponsorId: string | null;
}

interface SettlementColumns {
  settlement_status: 'capturing' | 'settled' | null;
  kind: Outcome['kind'];
  charge_cents: number;
  fee_cents: number;
  surcharge_cents: number;
  expert_earnings_cents: number;
  expert_penalty_cents: number;
  commission_cents: number;
  settlement_sponsor_id: string | null;
  billed_seconds: number;
  one_third_rule_applied: boolean;
}

const SETTLEMENT_COLUMNS = `s.status AS settlement_status, s.kind, s.charge_cents, s.fee_cents, s.surcharge_cents, s.expert_earnings_cents,
  s.expert_penalty_cents, s.commission_cents, s.sponsor_id AS settlement_sponsor_id, s.billed_seconds, s.one_third_rule_applied`;

/**
 * A batch's ids are sent as at least this many, the rest being the nil UUID (no consultation has
 * it). PostgreSQL plans a prepared `= ANY($1)` once for all lists (a generic plan, costed for 10
 * ids) only if planning for the list at hand does not look cheaper; for fewer than 10 ids it does,
 * and it re-planned this five-table read for every batch (0.34 ms, more than the read itself).
 * A repeated id is looked up once (the index scan deduplicates the list).
 */
const BATCH_READ_MIN_IDS = 16;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * The consultations, their parties and their settlement row if any, in one statement. One
 * consultation is read by `= $1`; a set by `= ANY($1)`, padded to keep one plan (BATCH_READ_MIN_IDS).
 */
export async function readConsultationsToSettle(db: Queryable, ids: readonly string[]): Promise<Map<string, ConsultationToSettle>> {
  const single = ids.length === 1;
  const rows = await db.query<
    SettlementColumns & {
      id: string;
      status: string;
      terms: ConsultationTerms;
      connected_seconds: number;
      start_at: Date | null;
      cancelled_at: Date | null;
      cancelled_by: FinishedConsultation['cancelledBy'];
      ended_at: Date | null;
      created_at: Date;
      client_id: string;
      expert_id: string;
      payment_hold_ref: string | null;
      payment_method_ref: string | null;
      sponsor_id: string | null;
      expert_signed_up_at: Date;
      expert_first_name: string;
      expert_last_name: string;
      legal_status: string;
      address: ReceiptParties['expert']['address'];
      siret: string | null;
      vat_number: string | null;
      client_first_name: string;
      client_last_name: string;
    }
  >(
    prepared(`SELECT c.id, c.status, c.terms, c.connected_seconds, c.start_at, c.cancelled_at, c.cancelled_by, c.ended_at, c.created_at,
            c.client_id, c.expert_id, c.payment_hold_ref, c.payment_method_ref, e.sponsor_id, eu.created_at AS expert_signed_up_at,
            eu.first_name AS expert_first_name, eu.last_name AS expert_last_name, e.legal_status, eu.address, e.siret, e.vat_number,
            cu.first_name AS client_first_name, cu.last_name AS client_last_name, ${SETTLEMENT_COLUMNS}
       FROM consultations c JOIN expert_profiles e ON e.user_id = c.expert_id JOIN users eu ON eu.id = c.expert_id
       JOIN users cu ON cu.id = c.client_id LEFT JOIN settlements s ON s.consultation_id = c.id
      WHERE ${single ? 'c.id = $1::uuid' : 'c.id = ANY($1::uuid[])'}`),
    [single ? ids[0] : [...ids, ...new Array<string>(Math.max(0, BATCH_READ_MIN_IDS - ids.length)).fill(NIL_UUID)]],
  );
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        status: row.status,
        terms: row.terms,
        connectedSeconds: row.connected_seconds,
        startAt: row.start_at,
        cancelledAt: row.cancelled_at,
        cancelledBy: row.cancelled_by,
        endedAt: row.ended_at,
        createdAt: row.created_at,
        clientId: row.client_id,
        expertId: row.expert_id,
        paymentHoldRef: row.payment_hold_ref,
        paymentMethodRef: row.payment_method_ref,
        sponsorId: row.sponsor_id,
        expertSignedUpAt: row.expert_signed_up_at,
        receiptParties: {
          expert: {
            name: `${row.expert_first_name} ${row.expert_last_name}`,
            legalStatus: row.legal_status,
            address: row.address,
            siret: row.siret,
            vatNumber: row.vat_number,
          },
          clientName: `${row.client_first_name} ${row.client_last_name}`,
        },
        settlement: row.settlement_status ? toSettlementRecord(row.id, row) : undefined,
      },
    ]),
  );
}

export async function readSettlements(db: Queryable, ids: readonly string[]): Promise<Map<string, SettlementRecord>> {
  const rows = await db.query<SettlementColumns & { consultation_id: string }>(
    prepared(`SELECT s.consultation_id, ${SETTLEMENT_COLUMNS} FROM settlements s WHERE s.consultation_id = ANY($1::uuid[])`),
    [ids],
  );
  return new Map(rows.map((row) => [row.consultation_id, toSettlementRecord(row.consultation_id, row)]));
}

/**
 * Step 1: the priced settlements recorded as `capturing`. Returns the ones this statement wrote;
 * the others were written first by a concurrent settlement of the same consultation.
 */
export async function recordCapturing(db: Queryable, settlements: readonly SettlementRecord[], at: Date): Promise<Set<string>> {
  // One order for every writer, so two batches waiting on each other's rows cannot deadlock.
  const sorted = [...settlements].sort((a, b) => compare(a.consultationId, b.consultationId));
  const rows = await db.query<{ consultation_id: string }>(
    prepared(`INSERT INTO settlements (consultation_id, kind, status, charge_cents, fee_cents, surcharge_cents, expert_earnings_cents,
       expert_penalty_cents, commission_cents, sponsor_id, billed_seconds, one_third_rule_applied, created_at)
     SELECT r.consultation_id, r.kind, 'capturing', r.charge_cents, r.fee_cents, r.surcharge_cents, r.expert_earnings_cents,
            r.expert_penalty_cents, r.commission_cents, r.sponsor_id, r.billed_seconds, r.one_third_rule_applied, $12
       FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::uuid[], $10::int[], $11::boolean[])
         AS r (consultation_id, kind, charge_cents, fee_cents, surcharge_cents, expert_earnings_cents, expert_penalty_cents,
               commission_cents, sponsor_id, billed_seconds, one_third_rule_applied)
     ON CONFLICT (consultation_id) DO NOTHING RETURNING consultation_id`),
    [
      sorted.map((s) => s.consultationId),
      sorted.map((s) => s.kind),
      sorted.map((s) => s.chargeCents),
      sorted.map((s) => s.feeCents),
      sorted.map((s) => s.surchargeCents),
      sorted.map((s) => s.expertEarningsCents),
      sorted.map((s) => s.expertPenaltyCents),
      sorted.map((s) => s.commissionCents),
      sorted.map((s) => s.sponsorId),
      sorted.map((s) => s.billedSeconds),
      sorted.map((s) => s.oneThirdRuleApplied),
      at,
    ],
  );
  return new Set(rows.map((row) => row.consultation_id));
}

/** What step 3 writes for one captured consultation. */
export interface SettlementPosting {
  consultationId: string;
  captureRef: string | null;
  /** PAY-1 `settlement:<consultation>`; null when nothing was charged. */
  journal: JournalEntry | null;
  /** BILL-12 `penalty:<consultation>`; null without a penalty. */
  penaltyJournal: JournalEntry | null;
  /** PAY-3: earnings and commissions held 7 days, on the settlement journal. */
  walletHolds: { ownerId: string; amountCents: number }[];
  receipt: ReceiptDraft | null;
}

/**
 * Step 3, one statement: for each settlement still `capturing` (locked in one order), its
 * journals and their lines, the new ledger accounts, the wallet holds, the numbered receipt, and
 * `settled`. A settlement another process finished meanwhile is skipped whole, so nothing is
 * posted twice; the unique keys (journal, receipt, hold) would refuse it anyway and abort the
 * statement rather than post half. Returns the consultations this statement settled.
 */
export async function postSettlements(
  db: Queryable,
  postings: readonly SettlementPosting[],
  at: Date,
  knownAccounts: KnownLedgerAccounts,
): Promise<Set<string>> {
  const sorted = [...postings].sort((a, b) => compare(a.consultationId, b.consultationId));
  const journals = sorted.flatMap((posting) =>
    [posting.journal, posting.penaltyJournal].flatMap((entry) => {
      if (!entry) return [];
      const lines = postableLines(entry);
      return lines.length ? [{ entry, lines }] : [];
    }),
  );
  const lines = journals.flatMap(({ entry, lines }) => lines.map((line) => ({ key: entry.idempotencyKey, line })));
  const named = distinctAccounts(lines.map(({ line }) => line));
  // Accounts this process saw committed are not inserted again (they are never deleted).
  const accounts = named.filter((account) => !knownAccounts.has(account.id));
  const posted = new Set(journals.map(({ entry }) => entry.idempotencyKey));
  const holds = sorted.flatMap((posting) =>
    posting.journal && posted.has(posting.journal.idempotencyKey)
      ? posting.walletHolds.filter((hold) => hold.amountCents > 0).map((hold) => ({ key: posting.journal!.idempotencyKey, ...hold }))
      : [],
  );
  const receipts = sorted.flatMap((posting) => (posting.receipt ? [posting.receipt] : []));
  const releaseAt = walletHoldReleaseAt(at).toISOString();
  const rows = await db.query<{ consultation_id: string }>(
    prepared(`WITH capturing AS (
       SELECT s.consultation_id FROM settlements s
        WHERE s.consultation_id = ANY($2::uuid[]) AND s.status = 'capturing'
        ORDER BY s.consultation_id FOR UPDATE
     ), journals AS (
       INSERT INTO ledger_journal (idempotency_key, kind, consultation_id, created_at)
       SELECT j.idempotency_key, j.kind, j.consultation_id, $1
         FROM unnest($5::text[], $6::text[], $7::uuid[]) AS j (idempotency_key, kind, consultation_id)
        WHERE j.consultation_id IN (SELECT consultation_id FROM capturing)
       RETURNING id, idempotency_key
     ), new_accounts AS (
       INSERT INTO ledger_accounts (id, kind, owner_id)
       SELECT * FROM unnest($8::text[], $9::text[], $10::uuid[]) ON CONFLICT (id) DO NOTHING
     ), postings AS (
       INSERT INTO ledger_postings (journal_id, account_id, amount_cents, purpose)
       SELECT journals.id, line.account_id, line.amount_cents, line.purpose
         FROM unnest($11::text[], $12::text[], $13::bigint[], $14::text[]) AS line (idempotency_key, account_id, amount_cents, purpose)
         JOIN journals USING (idempotency_key)
     ), holds AS (
       INSERT INTO wallet_holds (journal_id, owner_id, amount_cents, release_at)
       SELECT journals.id, hold.owner_id, hold.amount_cents, $15::timestamptz
         FROM unnest($16::text[], $17::uuid[], $18::bigint[]) AS hold (idempotency_key, owner_id, amount_cents)
         JOIN journals USING (idempotency_key)
     ), drafts AS (
       SELECT draft.*,
              row_number() OVER (PARTITION BY draft.expert_id ORDER BY draft.consultation_id) AS position,
              count(*) OVER (PARTITION BY draft.expert_id) AS issued
         FROM unnest($19::uuid[], $20::uuid[], $21::uuid[], $22::text[]) AS draft (consultation_id, expert_id, client_id, content)
        WHERE draft.consultation_id IN (SELECT consultation_id FROM capturing)
     ), sequences AS (
       INSERT INTO receipt_sequences AS seq (expert_id, last_sequence_number)
       SELECT expert_id, count(*) FROM drafts GROUP BY expert_id ORDER BY expert_id
       ON CONFLICT (expert_id) DO UPDATE SET last_sequence_number = seq.last_sequence_number + EXCLUDED.last_sequence_number
       RETURNING expert_id, last_sequence_number
     ), numbered AS (
       SELECT d.consultation_id, d.expert_id, d.client_id, d.content,
              (s.last_sequence_number - d.issued + d.position)::integer AS sequence_number
         FROM drafts d JOIN sequences s USING (expert_id)
     ), issued AS (
       INSERT INTO receipts (consultation_id, expert_id, client_id, sequence_number, number, issued_at, content)
       SELECT consultation_id, expert_id, client_id, sequence_number, receipt_number(sequence_number, expert_id), $1,
              jsonb_set(content::jsonb, '{number}', to_jsonb(receipt_number(sequence_number, expert_id)))
         FROM numbered
     )
     UPDATE settlements s
        SET status = 'settled', settled_at = $1, capture_ref = x.capture_ref,
            journal_id = (SELECT journals.id FROM journals WHERE journals.idempotency_key = x.journal_key)
       FROM unnest($2::uuid[], $3::text[], $4::text[]) AS x (consultation_id, capture_ref, journal_key)
      WHERE s.consultation_id = x.consultation_id AND x.consultation_id IN (SELECT consultation_id FROM capturing)
     RETURNING s.consultation_id`),
    [
      at,
      sorted.map((posting) => posting.consultationId),
      sorted.map((posting) => posting.captureRef),
      sorted.map((posting) => (posting.journal && posted.has(posting.journal.idempotencyKey) ? posting.journal.idempotencyKey : null)),
      journals.map(({ entry }) => entry.idempotencyKey),
      journals.map(({ entry }) => entry.kind),
      journals.map(({ entry }) => entry.consultationId ?? null),
      accounts.map((account) => account.id),
      accounts.map((account) => account.kind),
      accounts.map((account) => account.ownerId),
      lines.map(({ key }) => key),
      lines.map(({ line }) => line.account.id),
      lines.map(({ line }) => line.amountCents),
      lines.map(({ line }) => line.purpose),
      releaseAt,
      holds.map((hold) => hold.key),
      holds.map((hold) => hold.ownerId),
      holds.map((hold) => hold.amountCents),
      receipts.map((receipt) => receipt.consultationId),
      receipts.map((receipt) => receipt.expertId),
      receipts.map((receipt) => receipt.clientId),
      receipts.map((receipt) => JSON.stringify(receipt.content)),
    ],
  );
  knownAccounts.remember(named.map((account) => account.id));
  return new Set(rows.map((row) => row.consultation_id));
}

function toSettlementRecord(consultationId: string, row: SettlementColumns): SettlementRecord {
  return {
    consultationId,
    status: row.settlement_status!,
    kind: row.kind,
    chargeCents: row.charge_cents,
    feeCents: row.fee_cents,
    surchargeCents: row.surcharge_cents,
    expertEarningsCents: row.expert_earnings_cents,
    expertPenaltyCents: row.expert_penalty_cents,
    commissionCents: row.commission_cents,
    sponsorId: row.settlement_sponsor_id,
    billedSeconds: row.billed_seconds,
    oneThirdRuleApplied: row.one_third_rule_applied,
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
