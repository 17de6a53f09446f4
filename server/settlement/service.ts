import type { Database, Queryable } from '../platform/database.ts';
import { settlementSeconds } from '../platform/metrics.ts';
import type { Clock } from '../platform/clock.ts';
import { InvariantViolation, referralCommissionCents, type ConsultationTerms } from '../billing/index.ts';
import type { PaymentProvider } from '../payments/provider.ts';
import { customerOfSavedCard } from '../payments/saved-cards.ts';
import { postJournal } from '../ledger/journal.ts';
import { placeWalletHold } from '../ledger/holds.ts';
import { issueReceipt } from '../receipts/issue.ts';
import { penaltyLines, settlementLines } from './journal-lines.ts';
import { priceOutcome, type FinishedConsultation, type Outcome } from './outcome.ts';

/** The points where a crash is survivable by design; the fault tests kill the process at each. */
export type SettlementCheckpoint = 'before_capture' | 'after_capture' | 'after_postings';

export interface ReferralTerms {
  commissionPercent: number;
  months: number;
}

export interface SettlementRecord extends Outcome {
  consultationId: string;
  status: 'capturing' | 'settled';
  commissionCents: number;
  sponsorId: string | null;
}

const FINISHED_STATUSES = ['ended', 'cancelled', 'expired', 'no_show_client', 'no_show_expert'] as const;
/** Recovery settles the backlog in slices so one start-up never holds everything in memory. */
const RECOVERY_BATCH_SIZE = 200;

interface ConsultationRow {
  id: string;
  status: FinishedConsultation['status'];
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
}

interface SettlementRow {
  status: 'capturing' | 'settled';
  kind: Outcome['kind'];
  charge_cents: number;
  fee_cents: number;
  surcharge_cents: number;
  expert_earnings_cents: number;
  expert_penalty_cents: number;
  commission_cents: number;
  sponsor_id: string | null;
  billed_seconds: number;
  one_third_rule_applied: boolean;
}

/**
 * PAY-2: settles a finished consultation exactly once.
 *
 * 1. In one transaction the outcome is priced from the frozen terms (BILL-13) and recorded as
 *    `capturing`: from then on the amounts never change.
 * 2. The card is captured (or the hold released) with an idempotency key derived from the
 *    consultation, so a retry after a crash never charges twice (BILL-14).
 * 3. In one transaction the journal, the wallet holds, the receipt and `settled` are written.
 *
 * A crash between any two steps leaves a `capturing` row (or a finished consultation with no
 * row) that `resumeUnfinished` completes at start with the same keys.
 */
export class SettlementService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #payments: PaymentProvider;
  readonly #referral: ReferralTerms;
  readonly #checkpoint: (point: SettlementCheckpoint) => void;

  constructor(deps: { db: Database; clock: Clock; payments: PaymentProvider; referral: ReferralTerms; checkpoint?: (point: SettlementCheckpoint) => void }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#payments = deps.payments;
    this.#referral = deps.referral;
    this.#checkpoint = deps.checkpoint ?? (() => undefined);
  }

  async settle(consultationId: string): Promise<SettlementRecord> {
    const stopTimer = settlementSeconds.startTimer();
    const prepared = await this.#db.transaction((tx) => this.#prepare(tx, consultationId));
    if (prepared.record.status === 'settled') return prepared.record;
    this.#checkpoint('before_capture');
    const captureRef = await this.#moveCardMoney(prepared.consultation, prepared.record);
    this.#checkpoint('after_capture');
    const settled = await this.#db.transaction((tx) => this.#post(tx, prepared.consultation, captureRef));
    this.#checkpoint('after_postings');
    stopTimer();
    return settled;
  }

  /** Finishes every settlement a crash interrupted, and settles finished consultations never settled. */
  async resumeUnfinished(): Promise<number> {
    let resumed = 0;
    for (;;) {
      const pending = await this.#db.query<{ id: string }>(
        `SELECT c.id FROM consultations c LEFT JOIN settlements s ON s.consultation_id = c.id
          WHERE c.status = ANY($1::text[]) AND (s.status IS NULL OR s.status = 'capturing')
          ORDER BY c.created_at LIMIT ${RECOVERY_BATCH_SIZE}`,
        [FINISHED_STATUSES],
      );
      for (const { id } of pending) await this.settle(id);
      resumed += pending.length;
      if (pending.length < RECOVERY_BATCH_SIZE) return resumed;
    }
  }

  async #prepare(tx: Queryable, consultationId: string): Promise<{ consultation: ConsultationRow; record: SettlementRecord }> {
    const consultation = await lockFinishedConsultation(tx, consultationId);
    const existing = await readSettlement(tx, consultationId);
    if (existing) return { consultation, record: toRecord(consultationId, existing) };
    const outcome = priceOutcome({
      status: consultation.status,
      terms: consultation.terms,
      connectedSeconds: consultation.connected_seconds,
      startAt: consultation.start_at,
      cancelledAt: consultation.cancelled_at,
      cancelledBy: consultation.cancelled_by,
    });
    const sponsorId = this.#eligibleSponsor(consultation);
    const commissionCents = sponsorId ? referralCommissionCents(outcome.feeCents, this.#referral.commissionPercent) : 0;
    await tx.query(
      `INSERT INTO settlements (consultation_id, kind, status, charge_cents, fee_cents, surcharge_cents, expert_earnings_cents,
         expert_penalty_cents, commission_cents, sponsor_id, billed_seconds, one_third_rule_applied, created_at)
       VALUES ($1, $2, 'capturing', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        consultationId,
        outcome.kind,
        outcome.chargeCents,
        outcome.feeCents,
        outcome.surchargeCents,
        outcome.expertEarningsCents,
        outcome.expertPenaltyCents,
        commissionCents,
        sponsorId,
        outcome.billedSeconds,
        outcome.oneThirdRuleApplied,
        this.#clock.now(),
      ],
    );
    return { consultation, record: { ...outcome, consultationId, status: 'capturing', commissionCents, sponsorId } };
  }

  /** REF-3: the direct sponsor earns only during the first months after the expert's signup. */
  #eligibleSponsor(consultation: ConsultationRow): string | null {
    if (!consultation.sponsor_id) return null;
    const finishedAt = consultation.ended_at ?? consultation.cancelled_at ?? this.#clock.now();
    const windowEnd = new Date(consultation.expert_signed_up_at);
    windowEnd.setUTCMonth(windowEnd.getUTCMonth() + this.#referral.months);
    return finishedAt < windowEnd ? consultation.sponsor_id : null;
  }

  async #moveCardMoney(consultation: ConsultationRow, record: SettlementRecord): Promise<string | null> {
    let holdRef = consultation.payment_hold_ref;
    if (record.chargeCents === 0) {
      if (holdRef) await this.#payments.release({ holdRef, idempotencyKey: `release:${consultation.id}` });
      return null;
    }
    if (!holdRef) {
      // BOOK-3: a far appointment cancelled late before its hold was placed is charged on the saved card.
      if (!consultation.payment_method_ref) throw new InvariantViolation(`consultation ${consultation.id} has a charge but no card`);
      holdRef = await holdOnSavedCardAtSettlement(this.#db, this.#payments, {
        consultationId: consultation.id,
        clientId: consultation.client_id,
        paymentMethodRef: consultation.payment_method_ref,
        amountCents: record.chargeCents,
      });
    }
    const { captureRef } = await this.#payments.capture({
      holdRef,
      amountCents: record.chargeCents,
      idempotencyKey: `capture:${consultation.id}`,
    });
    return captureRef;
  }

  async #post(tx: Queryable, consultation: ConsultationRow, captureRef: string | null): Promise<SettlementRecord> {
    const row = await readSettlement(tx, consultation.id, { lock: true });
    if (!row) throw new InvariantViolation(`settlement of ${consultation.id} vanished`);
    const record = toRecord(consultation.id, row);
    if (row.status === 'settled') return record;
    const now = this.#clock.now();
    let journalId: number | undefined;
    if (record.chargeCents > 0) {
      ({ journalId } = await postJournal(tx, {
        idempotencyKey: `settlement:${consultation.id}`,
        kind: record.kind === 'consultation' ? 'consultation_settlement' : 'cancellation_settlement',
        consultationId: consultation.id,
        createdAt: now,
        lines: settlementLines({ clientId: consultation.client_id, expertId: consultation.expert_id, sponsorId: record.sponsorId }, record, record.commissionCents),
      }));
      if (journalId !== undefined) {
        if (record.expertEarningsCents > 0) {
          await placeWalletHold(tx, { journalId, ownerId: consultation.expert_id, amountCents: record.expertEarningsCents, settledAt: now });
        }
        if (record.sponsorId && record.commissionCents > 0) {
          await placeWalletHold(tx, { journalId, ownerId: record.sponsorId, amountCents: record.commissionCents, settledAt: now });
        }
      }
      await issueReceipt(tx, {
        consultationId: consultation.id,
        expertId: consultation.expert_id,
        clientId: consultation.client_id,
        consultationDate: consultation.start_at ?? consultation.created_at,
        terms: consultation.terms,
        outcome: record,
        issuedAt: now,
      });
    }
    if (record.expertPenaltyCents > 0) {
      await postJournal(tx, {
        idempotencyKey: `penalty:${consultation.id}`,
        kind: 'expert_penalty',
        consultationId: consultation.id,
        createdAt: now,
        lines: penaltyLines(consultation.expert_id, record.expertPenaltyCents),
      });
    }
    await tx.query(
      `UPDATE settlements SET status = 'settled', settled_at = $2, capture_ref = $3, journal_id = $4 WHERE consultation_id = $1`,
      [consultation.id, now, captureRef, journalId ?? null],
    );
    return { ...record, status: 'settled' };
  }
}

async function lockFinishedConsultation(tx: Queryable, consultationId: string): Promise<ConsultationRow> {
  const [consultation] = await tx.query<ConsultationRow>(
    `SELECT c.id, c.status, c.terms, c.connected_seconds, c.start_at, c.cancelled_at, c.cancelled_by, c.ended_at, c.created_at,
            c.client_id, c.expert_id, c.payment_hold_ref, c.payment_method_ref, e.sponsor_id, u.created_at AS expert_signed_up_at
       FROM consultations c JOIN expert_profiles e ON e.user_id = c.expert_id JOIN users u ON u.id = c.expert_id
      WHERE c.id = $1 FOR UPDATE OF c`,
    [consultationId],
  );
  if (!consultation) throw new InvariantViolation(`settling unknown consultation ${consultationId}`);
  if (!(FINISHED_STATUSES as readonly string[]).includes(consultation.status)) {
    throw new InvariantViolation(`settling consultation ${consultationId} in status ${consultation.status}`);
  }
  return consultation;
}

async function readSettlement(tx: Queryable, consultationId: string, options: { lock?: boolean } = {}): Promise<SettlementRow | undefined> {
  const [row] = await tx.query<SettlementRow>(
    `SELECT status, kind, charge_cents, fee_cents, surcharge_cents, expert_earnings_cents, expert_penalty_cents, commission_cents,
            sponsor_id, billed_seconds, one_third_rule_applied
       FROM settlements WHERE consultation_id = $1 ${options.lock ? 'FOR UPDATE' : ''}`,
    [consultationId],
  );
  return row;
}

function toRecord(consultationId: string, row: SettlementRow): SettlementRecord {
  return {
    consultationId,
    status: row.status,
    kind: row.kind,
    chargeCents: row.charge_cents,
    feeCents: row.fee_cents,
    surchargeCents: row.surcharge_cents,
    expertEarningsCents: row.expert_earnings_cents,
    expertPenaltyCents: row.expert_penalty_cents,
    commissionCents: row.commission_cents,
    sponsorId: row.sponsor_id,
    billedSeconds: row.billed_seconds,
    oneThirdRuleApplied: row.one_third_rule_applied,
  };
}

/**
 * BOOK-3: the hold for a charge taken on the saved card at settlement (a far appointment cancelled
 * late before its hold), without the client present. Refunds replay the same key to find it again.
 */
export async function holdOnSavedCardAtSettlement(
  db: Queryable,
  payments: PaymentProvider,
  charge: { consultationId: string; clientId: string; paymentMethodRef: string; amountCents: number },
): Promise<string> {
  const authorisation = await payments.authorise({
    amountCents: charge.amountCents,
    paymentMethod: charge.paymentMethodRef,
    customerRef: await customerOfSavedCard(db, charge.clientId, charge.paymentMethodRef),
    offSession: true,
    idempotencyKey: `settlement-hold:${charge.consultationId}`,
    description: `Consultation ${charge.consultationId}`,
  });
  return authorisation.holdRef;
}
