import { randomBytes } from 'node:crypto';
import { prepared, sqlState, type Database } from '../platform/database.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { InvariantViolation } from '../billing/index.ts';
import {
  PaymentDeclinedError,
  WebhookSignatureError,
  type AuthoriseRequest,
  type CaptureRequest,
  type Authorisation,
  type CardSetup,
  type CardSetupResult,
  type ConnectedAccountRequest,
  type IdentitySubmission,
  type PaymentProvider,
  type PayoutRequest,
  type PayoutResult,
  type ProviderEvent,
  type SavedCardDetails,
} from './provider.ts';

const captureRefOf = (request: CaptureRequest) => `${request.holdRef}:capture`;

/** PAY-6 test cards of the embedded provider, named like Stripe's test payment methods. */
export const LOCAL_TEST_CARDS = {
  succeeds: 'pm_card_visa',
  declined: 'pm_card_chargeDeclined',
  needsAuthentication: 'pm_card_authenticationRequired',
} as const;

/** What the browser shows for each test card (PAY-7: the same details Stripe returns for its test cards). */
const TEST_CARD_DETAILS: Record<string, Omit<SavedCardDetails, 'paymentMethodRef'>> = {
  [LOCAL_TEST_CARDS.succeeds]: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2034 },
  [LOCAL_TEST_CARDS.declined]: { brand: 'visa', last4: '0002', expMonth: 12, expYear: 2034 },
  [LOCAL_TEST_CARDS.needsAuthentication]: { brand: 'visa', last4: '3184', expMonth: 12, expYear: 2034 },
};

/** PAY-6 local: a document whose file name contains this is refused by the simulated identity check. */
const REFUSING_FILE_NAME = 'refuse';
/** PAY-6 local: a payout to an IBAN ending like this fails, as a closed bank account would. */
const FAILING_IBAN_SUFFIX = '0000';
/** SQLSTATE of RAISE EXCEPTION in local_payment_capture. */
const RAISED_BY_FUNCTION = 'P0001';
/** Identity decisions emitted per run, so a backlog never makes one huge batch. */
const KYC_DECISION_BATCH_SIZE = 200;

export interface LocalProviderOptions {
  clock?: Clock;
  /** PAY-6 local: how long the simulated identity check takes before it answers. */
  kycAutoValidateSeconds?: number;
}

/**
 * The embedded payment provider: keeps card holds in its own tables, as a real provider
 * keeps them on its side, and honours idempotency keys the same way.
 */
export class LocalPaymentProvider implements PaymentProvider {
  readonly name = 'local';
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #kycDelayMs: number;

  constructor(db: Database, options: LocalProviderOptions = {}) {
    this.#db = db;
    this.#clock = options.clock ?? systemClock;
    this.#kycDelayMs = (options.kycAutoValidateSeconds ?? 30) * 1000;
  }

  async authorise(request: AuthoriseRequest): Promise<Authorisation> {
    if (request.paymentMethod === LOCAL_TEST_CARDS.declined) {
      throw new PaymentDeclinedError('card_declined', 'The card was declined.');
    }
    if (!Object.values(LOCAL_TEST_CARDS).includes(request.paymentMethod as never) && !request.paymentMethod.startsWith('pm_local_')) {
      throw new PaymentDeclinedError('invalid_payment_method', 'Unknown payment method.');
    }
    // BOOK-3: nobody is there to answer 3-D Secure for a hold placed later.
    if (request.offSession && request.paymentMethod === LOCAL_TEST_CARDS.needsAuthentication) {
      throw new PaymentDeclinedError('authentication_required', 'The bank asks for 3-D Secure: the client must confirm the card.');
    }
    const status = request.paymentMethod === LOCAL_TEST_CARDS.needsAuthentication ? 'requires_action' : 'authorised';
    const [hold] = await this.#db.query<{ id: string; status: string }>(
      `INSERT INTO local_payment_holds (id, idempotency_key, payment_method, amount_cents, status) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key RETURNING id, status`,
      [`lpi_${randomBytes(12).toString('hex')}`, request.idempotencyKey, request.paymentMethod, request.amountCents, status],
    );
    return hold!.status === 'requires_action'
      ? { status: 'requires_action', holdRef: hold!.id, clientSecret: `${hold!.id}_secret` }
      : { status: 'authorised', holdRef: hold!.id };
  }

  /** The simulated 3-D Secure step, answered by the client in the browser. */
  async completeAuthentication(holdRef: string, outcome: 'succeeded' | 'failed'): Promise<void> {
    await this.#db.query(`UPDATE local_payment_holds SET status = $2 WHERE id = $1 AND status = 'requires_action'`, [
      holdRef,
      outcome === 'succeeded' ? 'authorised' : 'failed',
    ]);
  }

  async retrieveAuthorisation(holdRef: string): Promise<Authorisation | { status: 'failed'; holdRef: string }> {
    const [hold] = await this.#db.query<{ status: string }>('SELECT status FROM local_payment_holds WHERE id = $1', [holdRef]);
    if (hold?.status === 'authorised') return { status: 'authorised', holdRef };
    if (hold?.status === 'requires_action') return { status: 'requires_action', holdRef, clientSecret: `${holdRef}_secret` };
    return { status: 'failed', holdRef };
  }

  /** One statement (local_payment_capture, migration 075): a capture is one call at a real provider too. */
  async capture(request: CaptureRequest): Promise<{ captureRef: string }> {
    await this.#capturing(() =>
      this.#db.query(prepared('SELECT local_payment_capture($1, $2, $3)'), [request.idempotencyKey, request.holdRef, request.amountCents]),
    );
    return { captureRef: captureRefOf(request) };
  }

  /**
   * All the captures in one statement, in the order of their keys (two batches sharing a hold lock
   * it in the same order). If one cannot be taken the statement keeps nothing, and each is then
   * captured on its own so that the others still succeed.
   */
  async captureEach(requests: readonly CaptureRequest[]): Promise<PromiseSettledResult<{ captureRef: string }>[]> {
    const sorted = [...requests].sort((a, b) => (a.idempotencyKey < b.idempotencyKey ? -1 : a.idempotencyKey > b.idempotencyKey ? 1 : 0));
    try {
      await this.#capturing(() =>
        this.#db.query(prepared('SELECT local_payment_capture_each($1::text[], $2::text[], $3::integer[])'), [
          sorted.map((request) => request.idempotencyKey),
          sorted.map((request) => request.holdRef),
          sorted.map((request) => request.amountCents),
        ]),
      );
      return requests.map((request) => ({ status: 'fulfilled', value: { captureRef: captureRefOf(request) } }));
    } catch {
      return Promise.allSettled(requests.map((request) => this.capture(request)));
    }
  }

  async #capturing(statement: () => Promise<unknown>): Promise<void> {
    try {
      await statement();
    } catch (error) {
      // The function raises (and keeps nothing) when a hold cannot take its capture: a bug of the caller.
      if (sqlState(error) === RAISED_BY_FUNCTION) throw new InvariantViolation((error as Error).message);
      throw error;
    }
  }

  async release(request: { holdRef: string; idempotencyKey: string }): Promise<void> {
    await this.#once(request.idempotencyKey, request.holdRef, 'release', 0, async (tx) => {
      await tx.query(`UPDATE local_payment_holds SET status = 'released' WHERE id = $1 AND status IN ('authorised', 'requires_action')`, [request.holdRef]);
    });
  }

  async refund(request: { holdRef: string; amountCents: number; idempotencyKey: string }): Promise<{ refundRef: string }> {
    await this.#once(request.idempotencyKey, request.holdRef, 'refund', request.amountCents, async (tx) => {
      const [updated] = await tx.query(
        `UPDATE local_payment_holds SET refunded_cents = refunded_cents + $2
          WHERE id = $1 AND status = 'captured' AND refunded_cents + $2 <= captured_cents RETURNING id`,
        [request.holdRef, request.amountCents],
      );
      if (!updated) throw new InvariantViolation(`refund of ${request.amountCents} on hold ${request.holdRef} exceeds the capture`);
    });
    return { refundRef: `${request.holdRef}:refund:${request.idempotencyKey}` };
  }

  async createCardSetup(request: { userId: string; customerRef: string | undefined; idempotencyKey: string }): Promise<CardSetup> {
    const customerRef = request.customerRef ?? `cus_local_${request.userId.replaceAll('-', '')}`;
    const [setup] = await this.#db.query<{ id: string; customer_ref: string }>(
      `INSERT INTO local_card_setups (id, idempotency_key, customer_ref, status) VALUES ($1, $2, $3, 'requires_payment_method')
       ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key RETURNING id, customer_ref`,
      [`seti_local_${randomBytes(12).toString('hex')}`, request.idempotencyKey, customerRef],
    );
    return { setupRef: setup!.id, customerRef: setup!.customer_ref, clientSecret: `${setup!.id}_secret` };
  }

  /** The browser's side of a card setup: it picks one of the test cards (development only). */
  async confirmCardSetup(setupRef: string, paymentMethod: string): Promise<void> {
    if (!(paymentMethod in TEST_CARD_DETAILS)) throw new PaymentDeclinedError('invalid_payment_method', 'Unknown test card.');
    if (paymentMethod === LOCAL_TEST_CARDS.declined) throw new PaymentDeclinedError('card_declined', 'The card was declined.');
    await this.#db.query(`UPDATE local_card_setups SET payment_method = $2, status = 'succeeded' WHERE id = $1 AND status <> 'succeeded'`, [
      setupRef,
      paymentMethod,
    ]);
  }

  async retrieveCardSetup(setupRef: string): Promise<CardSetupResult> {
    const [setup] = await this.#db.query<{ status: string; payment_method: string | null; customer_ref: string }>(
      'SELECT status, payment_method, customer_ref FROM local_card_setups WHERE id = $1',
      [setupRef],
    );
    if (!setup || setup.status !== 'succeeded' || !setup.payment_method) return { status: 'incomplete' };
    return {
      status: 'succeeded',
      customerRef: setup.customer_ref,
      card: { paymentMethodRef: setup.payment_method, ...TEST_CARD_DETAILS[setup.payment_method]! },
    };
  }

  async createConnectedAccount(request: ConnectedAccountRequest): Promise<{ accountRef: string }> {
    const [account] = await this.#db.query<{ id: string }>(
      `INSERT INTO local_connected_accounts (id, idempotency_key, user_id) VALUES ($1, $2, $3)
       ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key RETURNING id`,
      [`acct_local_${randomBytes(8).toString('hex')}`, request.idempotencyKey, request.userId],
    );
    return { accountRef: account!.id };
  }

  /** PAY-6 local: the check answers after the configured delay, refusing a file named like `…refuse…`. */
  async submitIdentity(request: IdentitySubmission): Promise<void> {
    const refuse = request.documents.some((document) => document.fileName.toLowerCase().includes(REFUSING_FILE_NAME));
    const [updated] = await this.#db.query(
      `UPDATE local_connected_accounts SET submission = submission + 1, decide_at = $3, refuse = $4, last_submission_key = $2, iban = $5
        WHERE id = $1 AND last_submission_key IS DISTINCT FROM $2 RETURNING id`,
      [request.accountRef, request.idempotencyKey, new Date(this.#clock.now().getTime() + this.#kycDelayMs), refuse, request.bank.iban],
    );
    if (!updated) {
      const [exists] = await this.#db.query('SELECT 1 FROM local_connected_accounts WHERE id = $1', [request.accountRef]);
      if (!exists) throw new InvariantViolation(`identity submitted for unknown local account ${request.accountRef}`);
    }
  }

  /**
   * The simulated verifications that have answered by now, as events. Their ids are fixed by
   * (account, submission), so a run repeated after a crash yields the same events, which the
   * wallet records once; `markKycDecided` then stops them coming back.
   */
  async dueKycEvents(): Promise<ProviderEvent[]> {
    const due = await this.#db.query<{ id: string; submission: number; refuse: boolean; decide_at: Date }>(
      `SELECT id, submission, refuse, decide_at FROM local_connected_accounts
        WHERE decided_submission < submission AND decide_at <= $1 ORDER BY decide_at LIMIT ${KYC_DECISION_BATCH_SIZE}`,
      [this.#clock.now()],
    );
    return due.map((account): ProviderEvent => {
      const common = { id: `evt_local_kyc_${account.id}_${account.submission}`, occurredAt: account.decide_at, accountRef: account.id };
      return account.refuse
        ? { ...common, type: 'kyc.refused', providerType: 'local.kyc.refused', reason: 'A document was refused by the identity check.' }
        : { ...common, type: 'kyc.validated', providerType: 'local.kyc.validated' };
    });
  }

  async markKycDecided(event: ProviderEvent): Promise<void> {
    const match = /^evt_local_kyc_(.+)_(\d+)$/.exec(event.id);
    if (!match) return;
    await this.#db.query('UPDATE local_connected_accounts SET decided_submission = GREATEST(decided_submission, $2) WHERE id = $1', [
      match[1],
      Number(match[2]),
    ]);
  }

  /** PAY-6 local: pays at once, except to an IBAN ending in 0000. */
  async payOut(request: PayoutRequest): Promise<PayoutResult> {
    const [account] = await this.#db.query<{ iban: string | null }>('SELECT iban FROM local_connected_accounts WHERE id = $1', [request.accountRef]);
    if (!account) throw new InvariantViolation(`payout to unknown local account ${request.accountRef}`);
    const fails = !account.iban || account.iban.endsWith(FAILING_IBAN_SUFFIX);
    const [payout] = await this.#db.query<{ id: string; status: 'paid' | 'failed'; failure_reason: string | null }>(
      `INSERT INTO local_payouts (id, idempotency_key, account_id, amount_cents, status, failure_reason) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (idempotency_key) DO UPDATE SET idempotency_key = EXCLUDED.idempotency_key RETURNING id, status, failure_reason`,
      [
        `po_local_${randomBytes(12).toString('hex')}`,
        request.idempotencyKey,
        request.accountRef,
        request.amountCents,
        fails ? 'failed' : 'paid',
        fails ? 'The bank refused the transfer: the account is closed.' : null,
      ],
    );
    return payout!.status === 'paid' ? { status: 'paid', payoutRef: payout!.id } : { status: 'failed', payoutRef: payout!.id, reason: payout!.failure_reason! };
  }

  /** The local provider keeps no balance on the connected account: nothing to take back. */
  async reclaimFailedPayout(): Promise<void> {}

  parseWebhook(): ProviderEvent {
    throw new WebhookSignatureError('The local payment provider sends no webhooks.');
  }

  async #once(
    idempotencyKey: string,
    holdRef: string,
    operation: string,
    amountCents: number,
    work: (tx: import('../platform/database.ts').Queryable) => Promise<void>,
  ): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const [first] = await tx.query(
        `INSERT INTO local_payment_operations (idempotency_key, hold_id, operation, amount_cents) VALUES ($1, $2, $3, $4)
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key`,
        [idempotencyKey, holdRef, operation, amountCents],
      );
      if (first) await work(tx);
    });
  }
}
