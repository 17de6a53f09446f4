import type { Database, Queryable } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { InvariantViolation, refundSplit, type RefundSplit } from '../billing/index.ts';
import { accounts } from '../ledger/accounts.ts';
import { postJournal, type JournalLine } from '../ledger/journal.ts';
import type { PaymentProvider } from '../payments/provider.ts';
import { holdOnSavedCardAtSettlement } from '../settlement/service.ts';

/** One provider retry run handles at most this many pending refunds. */
const PROVIDER_RETRY_BATCH_SIZE = 100;

export interface SettledCharge {
  consultationId: string;
  clientId: string;
  expertId: string;
  sponsorId: string | null;
  chargeCents: number;
  feeCents: number;
  surchargeCents: number;
  expertEarningsCents: number;
  commissionCents: number;
  journalId: number | null;
}

/** The settlement of a consultation, if it is settled: what a refund can give back (REF-3). */
export async function readSettledCharge(db: Queryable, consultationId: string): Promise<SettledCharge | undefined> {
  const [row] = await db.query<{
    client_id: string;
    expert_id: string;
    sponsor_id: string | null;
    charge_cents: number;
    fee_cents: number;
    surcharge_cents: number;
    expert_earnings_cents: number;
    commission_cents: number;
    journal_id: number | null;
  }>(
    `SELECT c.client_id, c.expert_id, s.sponsor_id, s.charge_cents, s.fee_cents, s.surcharge_cents, s.expert_earnings_cents,
            s.commission_cents, s.journal_id
       FROM settlements s JOIN consultations c ON c.id = s.consultation_id
      WHERE s.consultation_id = $1 AND s.status = 'settled'`,
    [consultationId],
  );
  if (!row) return undefined;
  return {
    consultationId,
    clientId: row.client_id,
    expertId: row.expert_id,
    sponsorId: row.sponsor_id,
    chargeCents: row.charge_cents,
    feeCents: row.fee_cents,
    surchargeCents: row.surcharge_cents,
    expertEarningsCents: row.expert_earnings_cents,
    commissionCents: row.commission_cents,
    journalId: row.journal_id,
  };
}

/**
 * TRUST-2, REF-3: posts the refund of a complaint in the caller's transaction, under the key
 * `refund:<complaintId>` (BILL-14). The refund is split by `refundSplit` in proportion across the
 * expert's earnings, the platform's net fee, the telephony surcharge and the sponsor's
 * commission. A wallet whose hold is not released yet gives back from pending (and the hold
 * releases less, PAY-3); after the release it gives back from available, which may go negative
 * (recovered from later earnings, like a BILL-12 penalty).
 */
export async function postComplaintRefund(
  tx: Queryable,
  input: { complaintId: string; charge: SettledCharge; refundCents: number; at: Date },
): Promise<RefundSplit> {
  const { charge, refundCents } = input;
  if (!Number.isSafeInteger(refundCents) || refundCents <= 0 || refundCents > charge.chargeCents) {
    throw new InvariantViolation(`refund of ${refundCents} on a charge of ${charge.chargeCents}`);
  }
  if (charge.journalId === null) throw new InvariantViolation(`consultation ${charge.consultationId} was charged without a journal`);
  const split = refundSplit(
    {
      expertEarningsCents: charge.expertEarningsCents,
      feeCents: charge.feeCents,
      surchargeCents: charge.surchargeCents,
      sponsorCommissionCents: charge.commissionCents,
    },
    refundCents,
  );
  const lines: JournalLine[] = [
    { account: accounts.refunds, amountCents: refundCents, purpose: 'refund' },
    { account: accounts.platformFees, amountCents: -(split.feeCents - split.sponsorCommissionCents), purpose: 'refund_fee' },
    { account: accounts.platformTelephony, amountCents: -split.surchargeCents, purpose: 'refund_telephony' },
    ...(await walletLines(tx, { journalId: charge.journalId, ownerId: charge.expertId, amountCents: split.expertEarningsCents, purpose: 'refund_earnings' })),
  ];
  if (split.sponsorCommissionCents > 0) {
    if (!charge.sponsorId) throw new InvariantViolation(`commission refunded on ${charge.consultationId} without a sponsor`);
    lines.push(
      ...(await walletLines(tx, {
        journalId: charge.journalId,
        ownerId: charge.sponsorId,
        amountCents: split.sponsorCommissionCents,
        purpose: 'refund_commission',
      })),
    );
  }
  const total = lines.reduce((sum, line) => sum + line.amountCents, 0);
  if (total !== 0) throw new InvariantViolation(`refund journal of ${input.complaintId} sums to ${total}`);
  await postJournal(tx, {
    idempotencyKey: `refund:${input.complaintId}`,
    kind: 'complaint_refund',
    consultationId: charge.consultationId,
    createdAt: input.at,
    lines,
  });
  return split;
}

/** Takes `amountCents` back from a wallet: from the unreleased hold of that settlement first, the rest from available. */
async function walletLines(tx: Queryable, input: { journalId: number; ownerId: string; amountCents: number; purpose: string }): Promise<JournalLine[]> {
  if (input.amountCents === 0) return [];
  // Locked so the hold release (SKIP LOCKED) cannot release what this refund takes back.
  const [hold] = await tx.query<{ id: number; amount_cents: number; refunded_cents: number; released_journal_id: number | null }>(
    'SELECT id, amount_cents, refunded_cents, released_journal_id FROM wallet_holds WHERE journal_id = $1 AND owner_id = $2 FOR UPDATE',
    [input.journalId, input.ownerId],
  );
  const stillHeld = hold && hold.released_journal_id === null ? hold.amount_cents - hold.refunded_cents : 0;
  const fromPending = Math.min(stillHeld, input.amountCents);
  const fromAvailable = input.amountCents - fromPending;
  if (fromPending > 0) await tx.query('UPDATE wallet_holds SET refunded_cents = refunded_cents + $2 WHERE id = $1', [hold!.id, fromPending]);
  return [
    { account: accounts.walletPending(input.ownerId), amountCents: -fromPending, purpose: input.purpose },
    { account: accounts.walletAvailable(input.ownerId), amountCents: -fromAvailable, purpose: input.purpose },
  ];
}

/**
 * The second half of a refund: the card is refunded through the payment provider with the same
 * key as the journal (BILL-14), then the complaint is marked refunded. Runs right after the
 * answer and again from the periodic task until it succeeds, so a crash or a provider outage
 * only delays it.
 */
export class ComplaintRefunds {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #payments: PaymentProvider;
  readonly #logger: Logger;

  constructor(deps: { db: Database; clock: Clock; payments: PaymentProvider; logger: Logger }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#payments = deps.payments;
    this.#logger = deps.logger;
  }

  async execute(complaintId: string): Promise<boolean> {
    const [row] = await this.#db.query<{
      refund_cents: number;
      consultation_id: string;
      client_id: string;
      payment_hold_ref: string | null;
      payment_method_ref: string | null;
      charge_cents: number;
    }>(
      `SELECT k.refund_cents, k.consultation_id, c.client_id, c.payment_hold_ref, c.payment_method_ref, s.charge_cents
         FROM complaints k JOIN consultations c ON c.id = k.consultation_id JOIN settlements s ON s.consultation_id = c.id
        WHERE k.id = $1 AND k.refund_status = 'pending'`,
      [complaintId],
    );
    if (!row) return false;
    let holdRef = row.payment_hold_ref;
    if (!holdRef) {
      // BOOK-3: a charge taken on the saved card at settlement; replaying its key returns the same authorisation.
      if (!row.payment_method_ref) throw new InvariantViolation(`consultation ${row.consultation_id} was charged without a card`);
      holdRef = await holdOnSavedCardAtSettlement(this.#db, this.#payments, {
        consultationId: row.consultation_id,
        clientId: row.client_id,
        paymentMethodRef: row.payment_method_ref,
        amountCents: row.charge_cents,
      });
    }
    const { refundRef } = await this.#payments.refund({ holdRef, amountCents: row.refund_cents, idempotencyKey: `refund:${complaintId}` });
    await this.#db.query(`UPDATE complaints SET refund_status = 'refunded', refund_ref = $2, refunded_at = $3 WHERE id = $1 AND refund_status = 'pending'`, [
      complaintId,
      refundRef,
      this.#clock.now(),
    ]);
    return true;
  }

  /** Periodic: every refund decided in the ledger whose card refund has not gone through yet. */
  async retryPending(): Promise<number> {
    const pending = await this.#db.query<{ id: string }>(
      `SELECT id FROM complaints WHERE refund_status = 'pending' ORDER BY answered_at LIMIT ${PROVIDER_RETRY_BATCH_SIZE}`,
    );
    let done = 0;
    for (const { id } of pending) {
      try {
        if (await this.execute(id)) done += 1;
      } catch (error) {
        this.#logger.error({ err: error, complaintId: id }, 'complaint refund at the payment provider failed; retried later');
      }
    }
    return done;
  }
}
