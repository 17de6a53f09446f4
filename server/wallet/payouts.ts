import { randomUUID } from 'node:crypto';
import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { badRequest, conflict } from '../platform/errors.ts';
import { InvariantViolation } from '../billing/index.ts';
import { accounts } from '../ledger/accounts.ts';
import { postJournal } from '../ledger/journal.ts';
import { walletBalances } from '../ledger/balances.ts';
import { PayoutRejectedError, type PaymentProvider, type PayoutResult } from '../payments/provider.ts';
import { applyPayoutFact } from './facts.ts';
import { sendAll, type WalletNotification, type WalletNotifier } from './notifications.ts';
import { lockWallet } from './wallet.ts';
import { assertEmailVerified } from '../accounts/email-verification.ts';

/** PAY-5: the smallest payout, and so the smallest available balance that allows one (50.00 €). */
export const PAYOUT_MINIMUM_CENTS = 5000;
/** A payout row older than this with no answer from the provider is sent again (same idempotency key). */
const PAYOUT_RESEND_AFTER_MS = 60_000;
const PAYOUT_RESEND_BATCH_SIZE = 100;
export const PAYOUT_PAGE_MAX = 100;

export interface Payout {
  id: string;
  amountCents: number;
  currency: string;
  status: 'requested' | 'paid' | 'failed';
  failureReason: string | null;
  ibanLast4: string;
  createdAt: string;
  updatedAt: string;
}

interface PayoutRow {
  id: string;
  amount_cents: number;
  currency: string;
  status: Payout['status'];
  failure_reason: string | null;
  iban_last4: string;
  created_at: Date;
  updated_at: Date;
}

const PAYOUT_COLUMNS = 'id, amount_cents, currency, status, failure_reason, iban_last4, created_at, updated_at';

/**
 * PAY-5 payouts. The ledger moves first (`payout:<id>`, wallet_available → payouts) in the
 * transaction that locks the owner's wallet row, so two payouts racing for one balance are
 * serialised and the second sees the first's debit. Only then is the provider asked to pay,
 * with the same key (BILL-14); its answer, now or by webhook, goes through the state machine.
 */
export class PayoutService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #provider: PaymentProvider;
  readonly #logger: Logger;
  readonly #notifier: WalletNotifier | undefined;

  constructor(deps: { db: Database; clock: Clock; provider: PaymentProvider; logger: Logger; notifier?: WalletNotifier }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#provider = deps.provider;
    this.#logger = deps.logger;
    this.#notifier = deps.notifier;
  }

  /** A client's retry is answered by the Idempotency-Key layer of the route (§11), before this runs again. */
  async request(userId: string, amountCents: number): Promise<Payout> {
    if (!Number.isSafeInteger(amountCents) || amountCents <= 0) throw badRequest('invalid_amount', 'amountCents must be a positive integer.', 'amountCents');
    if (amountCents < PAYOUT_MINIMUM_CENTS) {
      throw badRequest('amount_below_minimum', `A payout is at least ${PAYOUT_MINIMUM_CENTS} cents (50.00 €).`, 'amountCents');
    }
    const created = await this.#db.transaction(async (tx) => {
      await lockWallet(tx, userId);
      await assertEmailVerified(tx, userId);
      const [wallet] = await tx.query<{ blocked: boolean }>('SELECT blocked FROM wallets WHERE user_id = $1', [userId]);
      if (wallet!.blocked) throw conflict('wallet_blocked', 'Your wallet is blocked by the platform (TRUST-4): contact support.');
      const [kyc] = await tx.query<{ status: string; iban: string | null; provider_account_ref: string | null }>(
        'SELECT status, iban, provider_account_ref FROM kyc_profiles WHERE user_id = $1',
        [userId],
      );
      if (kyc?.status !== 'validated' || !kyc.iban || !kyc.provider_account_ref) {
        throw conflict('kyc_not_validated', 'Your identity check must be validated before a payout (PAY-4).');
      }
      const { availableCents } = await walletBalances(tx, userId);
      if (availableCents < 0) {
        throw conflict('negative_wallet', 'Your available balance is negative (BILL-12): payouts resume once later earnings cover it.');
      }
      if (amountCents > availableCents) {
        throw conflict('insufficient_available_balance', `Only ${availableCents} cents are available.`, 'amountCents');
      }
      const id = randomUUID();
      const now = this.#clock.now();
      const [row] = await tx.query<PayoutRow>(
        `INSERT INTO payouts (id, user_id, amount_cents, status, iban_last4, created_at, updated_at)
         VALUES ($1, $2, $3, 'requested', $4, $5, $5) RETURNING ${PAYOUT_COLUMNS}`,
        [id, userId, amountCents, kyc.iban.slice(-4), now],
      );
      await postJournal(tx, {
        idempotencyKey: `payout:${id}`,
        kind: 'payout',
        createdAt: now,
        lines: [
          { account: accounts.walletAvailable(userId), amountCents: -amountCents, purpose: 'payout' },
          { account: accounts.payouts, amountCents, purpose: 'payout' },
        ],
      });
      const after = await walletBalances(tx, userId);
      if (after.availableCents !== availableCents - amountCents || after.availableCents < 0) {
        throw new InvariantViolation(`payout ${id} left ${after.availableCents} available from ${availableCents}`);
      }
      return row!;
    });
    await this.#send(created.id);
    return (await this.get(userId, created.id))!;
  }

  async get(userId: string, payoutId: string): Promise<Payout | undefined> {
    const [row] = await this.#db.query<PayoutRow>(`SELECT ${PAYOUT_COLUMNS} FROM payouts WHERE user_id = $1 AND id = $2`, [userId, payoutId]);
    return row ? toPayout(row) : undefined;
  }

  async list(userId: string, page: { limit: number; before?: string | undefined }): Promise<{ payouts: Payout[]; nextBefore: string | null }> {
    const rows = await this.#db.query<PayoutRow>(
      `SELECT ${PAYOUT_COLUMNS} FROM payouts WHERE user_id = $1 AND ($2::timestamptz IS NULL OR created_at < $2::timestamptz)
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      [userId, page.before ?? null, page.limit + 1],
    );
    const payouts = rows.slice(0, page.limit).map(toPayout);
    return { payouts, nextBefore: rows.length > page.limit ? payouts[payouts.length - 1]!.createdAt : null };
  }

  /** Asks the provider to pay; an answer that is already final is applied at once. A failure to reach it is retried later. */
  async #send(payoutId: string): Promise<void> {
    const [payout] = await this.#db.query<{ id: string; user_id: string; amount_cents: number; provider_account_ref: string }>(
      `SELECT p.id, p.user_id, p.amount_cents, k.provider_account_ref FROM payouts p JOIN kyc_profiles k ON k.user_id = p.user_id
        WHERE p.id = $1 AND p.status = 'requested'`,
      [payoutId],
    );
    if (!payout) return;
    let result: PayoutResult;
    try {
      result = await this.#provider.payOut({
        payoutId,
        accountRef: payout.provider_account_ref,
        amountCents: payout.amount_cents,
        idempotencyKey: `payout:${payoutId}`,
      });
    } catch (error) {
      if (!(error instanceof PayoutRejectedError)) {
        this.#logger.warn({ err: error, payoutId }, 'payout not sent to the provider; it will be retried');
        return;
      }
      // The adapter already took back whatever it had moved: nothing is left to reclaim.
      result = { status: 'failed', payoutRef: `rejected:${payoutId}`, reason: error.message };
      await this.#db.query('UPDATE payouts SET reclaimed_at = $2 WHERE id = $1', [payoutId, this.#clock.now()]);
    }
    const notifications: WalletNotification[] = await this.#db.transaction(async (tx) => {
      const now = this.#clock.now();
      await tx.query('UPDATE payouts SET provider_ref = $2, provider_transfer_ref = $3, provider_called_at = $4, updated_at = $4 WHERE id = $1', [
        payoutId,
        result.payoutRef,
        result.transferRef ?? null,
        now,
      ]);
      if (result.status === 'pending') return [];
      const fact = result.status === 'paid' ? ({ outcome: 'paid' } as const) : ({ outcome: 'failed', reason: result.reason } as const);
      return applyPayoutFact(tx, { payoutId, payoutRef: result.payoutRef }, fact, now);
    });
    await sendAll(this.#notifier, notifications, (error) => this.#logger.error({ err: error, payoutId }, 'payout email failed'));
    if (result.status === 'failed') await this.reclaimFailed();
  }

  /**
   * PAY-5: failed payouts whose money may still sit at the provider (Stripe: on the connected
   * account) are taken back once; `reclaimed_at` is set only after the provider answered, and
   * the idempotency key makes a repeated reclaim harmless. Run after each failure and periodically.
   */
  async reclaimFailed(): Promise<number> {
    const due = await this.#db.query<{ id: string; amount_cents: number; provider_transfer_ref: string | null }>(
      `SELECT id, amount_cents, provider_transfer_ref FROM payouts WHERE status = 'failed' AND reclaimed_at IS NULL
        ORDER BY updated_at LIMIT ${PAYOUT_RESEND_BATCH_SIZE}`,
    );
    let reclaimed = 0;
    for (const payout of due) {
      try {
        await this.#provider.reclaimFailedPayout({
          payoutId: payout.id,
          transferRef: payout.provider_transfer_ref,
          amountCents: payout.amount_cents,
          idempotencyKey: `payout:${payout.id}:reversal`,
        });
      } catch (error) {
        this.#logger.warn({ err: error, payoutId: payout.id }, 'failed payout not reclaimed yet; it will be retried');
        continue;
      }
      await this.#db.query('UPDATE payouts SET reclaimed_at = $2 WHERE id = $1', [payout.id, this.#clock.now()]);
      reclaimed++;
    }
    return reclaimed;
  }

  /** Periodic: payouts whose provider call never completed (crash, network) are sent again with the same key. */
  async resendUnsent(): Promise<number> {
    const due = await this.#db.query<{ id: string }>(
      `SELECT id FROM payouts WHERE status = 'requested' AND provider_called_at IS NULL AND created_at <= $1
        ORDER BY created_at LIMIT ${PAYOUT_RESEND_BATCH_SIZE}`,
      [new Date(this.#clock.now().getTime() - PAYOUT_RESEND_AFTER_MS)],
    );
    for (const { id } of due) await this.#send(id);
    return due.length;
  }
}

function toPayout(row: PayoutRow): Payout {
  return {
    id: row.id,
    amountCents: row.amount_cents,
    currency: row.currency,
    status: row.status,
    failureReason: row.failure_reason,
    ibanLast4: row.iban_last4,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
