import { sqlState, type Database, type Queryable } from '../platform/database.ts';
import { settlementSeconds } from '../platform/metrics.ts';
import type { Clock } from '../platform/clock.ts';
import { InvariantViolation, referralCommissionCents } from '../billing/index.ts';
import type { PaymentProvider } from '../payments/provider.ts';
import { customerOfSavedCard } from '../payments/saved-cards.ts';
import { receiptDraft } from '../receipts/issue.ts';
import { penaltyLines, settlementLines } from './journal-lines.ts';
import { priceOutcome, type FinishedConsultation } from './outcome.ts';
import { BatchQueue, type BatchOutcome } from './batch-queue.ts';
import { KnownLedgerAccounts } from '../ledger/known-accounts.ts';
import {
  postSettlements,
  readConsultationsToSettle,
  readSettlements,
  recordCapturing,
  type ConsultationToSettle,
  type SettlementPosting,
  type SettlementRecord,
} from './statements.ts';

export type { SettlementRecord } from './statements.ts';

/** The points where a crash is survivable by design; the fault tests kill the process at each. */
export type SettlementCheckpoint = 'before_capture' | 'after_capture' | 'after_postings';

export interface ReferralTerms {
  commissionPercent: number;
  months: number;
}

/** How concurrent settlements are grouped (BatchQueue); tests may make the batches smaller. */
export interface SettlementBatching {
  maxBatchSize: number;
  maxBatchesInFlight: number;
}

const FINISHED_STATUSES: readonly FinishedConsultation['status'][] = ['ended', 'cancelled', 'expired', 'no_show_client', 'no_show_expert'];
const isFinished = (status: string): status is FinishedConsultation['status'] => (FINISHED_STATUSES as readonly string[]).includes(status);
/** Recovery settles the backlog in slices so one start-up never holds everything in memory. */
const RECOVERY_BATCH_SIZE = 200;
/**
 * Consultations that end together (a meter tick, a wave of no-shows, recovery) are settled in one
 * set of statements. Two batches run at once so that the database works on one while this process
 * prepares the other; 64 bounds a batch's statement size and its row locks.
 */
const DEFAULT_BATCHING: SettlementBatching = { maxBatchSize: 64, maxBatchesInFlight: 2 };
/** A statement that lost a deadlock or serialization race is atomic: it is sent again whole. */
/** Three accounts per user at most (client payments, pending, available): room for a large platform's active users. */
const MAX_KNOWN_ACCOUNTS = 100_000;
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);
const STATEMENT_ATTEMPTS = 5;

interface Captured {
  consultation: ConsultationToSettle;
  record: SettlementRecord;
  captureRef: string | null;
}

/**
 * PAY-2: settles a finished consultation exactly once, in three steps of one statement each:
 *
 * 1. The outcome is priced from the frozen terms (BILL-13) and recorded as `capturing`: from
 *    then on the amounts never change.
 * 2. The card is captured (or the hold released) with an idempotency key derived from the
 *    consultation, so a retry after a crash never charges twice (BILL-14).
 * 3. One statement writes the journal, the wallet holds, the receipt and `settled`, for every
 *    settlement still `capturing` (postSettlements).
 *
 * A crash between any two steps leaves a `capturing` row (or a finished consultation with no
 * row) that `resumeUnfinished` completes at start with the same keys. Concurrent calls are
 * grouped (BatchQueue): each step is then one statement for the whole group, each consultation
 * keeps its own outcome.
 */
export class SettlementService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #payments: PaymentProvider;
  readonly #referral: ReferralTerms;
  readonly #checkpoint: (point: SettlementCheckpoint) => void;
  readonly #queue: BatchQueue<string, SettlementRecord>;
  readonly #knownAccounts = new KnownLedgerAccounts({ maxAccounts: MAX_KNOWN_ACCOUNTS });

  constructor(deps: {
    db: Database;
    clock: Clock;
    payments: PaymentProvider;
    referral: ReferralTerms;
    checkpoint?: (point: SettlementCheckpoint) => void;
    batching?: SettlementBatching;
  }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#payments = deps.payments;
    this.#referral = deps.referral;
    this.#checkpoint = deps.checkpoint ?? (() => undefined);
    this.#queue = new BatchQueue((ids) => this.#settleBatch(ids), deps.batching ?? DEFAULT_BATCHING);
  }

  async settle(consultationId: string): Promise<SettlementRecord> {
    const stopTimer = settlementSeconds.startTimer();
    try {
      return await this.#queue.submit(consultationId);
    } finally {
      stopTimer();
    }
  }

  /**
   * Finishes every settlement a crash interrupted, and settles finished consultations never
   * settled, one after the other: a start-up after a crash is not the moment to save time.
   */
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

  /** A statement shared by the batch failed: each consultation is settled alone, so one bad row cannot hold back the others. */
  async #settleBatch(ids: string[]): Promise<Map<string, BatchOutcome<SettlementRecord>>> {
    try {
      return await this.#settleTogether(ids);
    } catch (error) {
      this.#knownAccounts.forget();
      if (ids.length === 1) return new Map([[ids[0]!, { ok: false, error }]]);
      const outcomes = new Map<string, BatchOutcome<SettlementRecord>>();
      for (const id of ids) for (const [key, outcome] of await this.#settleBatch([id])) outcomes.set(key, outcome);
      return outcomes;
    }
  }

  async #settleTogether(ids: string[]): Promise<Map<string, BatchOutcome<SettlementRecord>>> {
    const outcomes = new Map<string, BatchOutcome<SettlementRecord>>();
    const fail = (id: string, error: unknown) => outcomes.set(id, { ok: false, error });
    const done = (record: SettlementRecord) => outcomes.set(record.consultationId, { ok: true, value: record });
    const now = this.#clock.now();

    // Step 1: read, price what has no settlement yet, record it as `capturing`.
    const consultations = await readConsultationsToSettle(this.#db, ids);
    const toCapture: { consultation: ConsultationToSettle; record: SettlementRecord }[] = [];
    const priced: { consultation: ConsultationToSettle; record: SettlementRecord }[] = [];
    for (const id of ids) {
      const consultation = consultations.get(id);
      if (!consultation) fail(id, new InvariantViolation(`settling unknown consultation ${id}`));
      else if (!isFinished(consultation.status)) {
        fail(id, new InvariantViolation(`settling consultation ${id} in status ${consultation.status}`));
      } else if (consultation.settlement?.status === 'settled') done(consultation.settlement);
      else if (consultation.settlement) toCapture.push({ consultation, record: consultation.settlement });
      else {
        try {
          priced.push({ consultation, record: this.#price(consultation) });
        } catch (error) {
          fail(id, error);
        }
      }
    }
    if (priced.length) {
      const written = await retrying(() =>
        recordCapturing(
          this.#db,
          priced.map((item) => item.record),
          now,
        ),
      );
      const lost = priced.filter((item) => !written.has(item.record.consultationId)).map((item) => item.record.consultationId);
      // A concurrent settlement recorded these first: its amounts are the ones that stand.
      const theirs = lost.length ? await readSettlements(this.#db, lost) : new Map<string, SettlementRecord>();
      for (const item of priced) {
        const id = item.record.consultationId;
        const record = written.has(id) ? item.record : theirs.get(id);
        if (!record) fail(id, new InvariantViolation(`settlement of ${id} vanished`));
        else if (record.status === 'settled') done(record);
        else toCapture.push({ consultation: item.consultation, record });
      }
    }

    // Step 2: the card, outside any transaction, each with its own key; the captures go to the provider together.
    const ready = await this.#moveCardMoney(toCapture, fail);

    // Step 3: everything the settlement writes, in one statement.
    if (ready.length) {
      // Those this statement did not settle were settled meanwhile by a concurrent call, with the same frozen amounts.
      await retrying(() =>
        postSettlements(
          this.#db,
          ready.map((item) => this.#posting(item, now)),
          now,
          this.#knownAccounts,
        ),
      );
      for (const { record } of ready) {
        this.#checkpoint('after_postings');
        done({ ...record, status: 'settled' });
      }
    }
    return outcomes;
  }

  #price(consultation: ConsultationToSettle): SettlementRecord {
    const status = consultation.status;
    if (!isFinished(status)) throw new InvariantViolation(`pricing consultation ${consultation.id} in status ${status}`);
    const outcome = priceOutcome({
      status,
      terms: consultation.terms,
      connectedSeconds: consultation.connectedSeconds,
      startAt: consultation.startAt,
      cancelledAt: consultation.cancelledAt,
      cancelledBy: consultation.cancelledBy,
    });
    const sponsorId = this.#eligibleSponsor(consultation);
    const commissionCents = sponsorId ? referralCommissionCents(outcome.feeCents, this.#referral.commissionPercent) : 0;
    const record: SettlementRecord = { ...outcome, consultationId: consultation.id, status: 'capturing', commissionCents, sponsorId };
    assertSplit(record);
    return record;
  }

  /** REF-3: the direct sponsor earns only during the first months after the expert's signup. */
  #eligibleSponsor(consultation: ConsultationToSettle): string | null {
    if (!consultation.sponsorId) return null;
    const finishedAt = consultation.endedAt ?? consultation.cancelledAt ?? this.#clock.now();
    const windowEnd = new Date(consultation.expertSignedUpAt);
    windowEnd.setUTCMonth(windowEnd.getUTCMonth() + this.#referral.months);
    return finishedAt < windowEnd ? consultation.sponsorId : null;
  }

  async #moveCardMoney(
    items: readonly { consultation: ConsultationToSettle; record: SettlementRecord }[],
    fail: (id: string, error: unknown) => void,
  ): Promise<Captured[]> {
    const moved: Captured[] = [];
    const toCapture: { consultation: ConsultationToSettle; record: SettlementRecord; holdRef: string }[] = [];
    for (const { consultation, record } of items) {
      this.#checkpoint('before_capture');
      try {
        if (record.chargeCents === 0) {
          if (consultation.paymentHoldRef) await this.#payments.release({ holdRef: consultation.paymentHoldRef, idempotencyKey: `release:${consultation.id}` });
          this.#checkpoint('after_capture');
          moved.push({ consultation, record, captureRef: null });
        } else {
          toCapture.push({ consultation, record, holdRef: consultation.paymentHoldRef ?? (await this.#holdOnSavedCard(consultation, record)) });
        }
      } catch (error) {
        fail(consultation.id, error);
      }
    }
    if (toCapture.length === 0) return moved;
    const outcomes = await this.#payments.captureEach(
      toCapture.map(({ consultation, record, holdRef }) => ({ holdRef, amountCents: record.chargeCents, idempotencyKey: `capture:${consultation.id}` })),
    );
    toCapture.forEach(({ consultation, record }, index) => {
      const outcome = outcomes[index]!;
      if (outcome.status === 'rejected') return fail(consultation.id, outcome.reason);
      this.#checkpoint('after_capture');
      moved.push({ consultation, record, captureRef: outcome.value.captureRef });
    });
    return moved;
  }

  /** BOOK-3: a far appointment cancelled late before its hold was placed is charged on the saved card. */
  async #holdOnSavedCard(consultation: ConsultationToSettle, record: SettlementRecord): Promise<string> {
    if (!consultation.paymentMethodRef) throw new InvariantViolation(`consultation ${consultation.id} has a charge but no card`);
    return holdOnSavedCardAtSettlement(this.#db, this.#payments, {
      consultationId: consultation.id,
      clientId: consultation.clientId,
      paymentMethodRef: consultation.paymentMethodRef,
      amountCents: record.chargeCents,
    });
  }

  /** What step 3 writes for one consultation: journals (PAY-1, BILL-12), holds (PAY-3), receipt (BILL-9). */
  #posting({ consultation, record, captureRef }: Captured, now: Date): SettlementPosting {
    const id = consultation.id;
    const charged = record.chargeCents > 0;
    return {
      consultationId: id,
      captureRef,
      journal: charged
        ? {
            idempotencyKey: `settlement:${id}`,
            kind: record.kind === 'consultation' ? 'consultation_settlement' : 'cancellation_settlement',
            consultationId: id,
            createdAt: now,
            lines: settlementLines(
              { clientId: consultation.clientId, expertId: consultation.expertId, sponsorId: record.sponsorId },
              record,
              record.commissionCents,
            ),
          }
        : null,
      penaltyJournal:
        record.expertPenaltyCents > 0
          ? {
              idempotencyKey: `penalty:${id}`,
              kind: 'expert_penalty',
              consultationId: id,
              createdAt: now,
              lines: penaltyLines(consultation.expertId, record.expertPenaltyCents),
            }
          : null,
      walletHolds: [
        { ownerId: consultation.expertId, amountCents: record.expertEarningsCents },
        ...(record.sponsorId && record.commissionCents > 0 ? [{ ownerId: record.sponsorId, amountCents: record.commissionCents }] : []),
      ],
      receipt: charged
        ? receiptDraft({
            consultationId: id,
            expertId: consultation.expertId,
            clientId: consultation.clientId,
            parties: consultation.receiptParties,
            consultationDate: consultation.startAt ?? consultation.createdAt,
            terms: consultation.terms,
            outcome: record,
            issuedAt: now,
          })
        : null,
    };
  }
}

/** PAY-1: the charge is split without remainder, nobody receives a negative share, the commission comes out of the fee. */
function assertSplit(record: SettlementRecord): void {
  const parts = [record.chargeCents, record.feeCents, record.surchargeCents, record.expertEarningsCents, record.commissionCents, record.expertPenaltyCents];
  if (!parts.every((cents) => Number.isSafeInteger(cents) && cents >= 0))
    throw new InvariantViolation(`settlement of ${record.consultationId} has a bad amount`);
  if (record.chargeCents !== record.feeCents + record.surchargeCents + record.expertEarningsCents) {
    throw new InvariantViolation(`settlement of ${record.consultationId}: the charge is not fee + surcharge + earnings`);
  }
  if (record.commissionCents > record.feeCents) throw new InvariantViolation(`settlement of ${record.consultationId}: commission above the fee`);
}

async function retrying<T>(statement: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (error) {
      const state = sqlState(error);
      if (!state || !RETRYABLE_SQLSTATES.has(state) || attempt >= STATEMENT_ATTEMPTS) throw error;
    }
  }
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
