import { randomBytes } from 'node:crypto';
import type { Database } from '../platform/database.ts';
import { InvariantViolation } from '../billing/index.ts';
import { PaymentDeclinedError, type AuthoriseRequest, type Authorisation, type PaymentProvider } from './provider.ts';

/** PAY-6 test cards of the embedded provider, named like Stripe's test payment methods. */
export const LOCAL_TEST_CARDS = {
  succeeds: 'pm_card_visa',
  declined: 'pm_card_chargeDeclined',
  needsAuthentication: 'pm_card_authenticationRequired',
} as const;

/**
 * The embedded payment provider: keeps card holds in its own tables, as a real provider
 * keeps them on its side, and honours idempotency keys the same way.
 */
export class LocalPaymentProvider implements PaymentProvider {
  readonly name = 'local';
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  async authorise(request: AuthoriseRequest): Promise<Authorisation> {
    if (request.paymentMethod === LOCAL_TEST_CARDS.declined) {
      throw new PaymentDeclinedError('card_declined', 'The card was declined.');
    }
    if (!Object.values(LOCAL_TEST_CARDS).includes(request.paymentMethod as never) && !request.paymentMethod.startsWith('pm_local_')) {
      throw new PaymentDeclinedError('invalid_payment_method', 'Unknown payment method.');
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

  /** The simulated 3-D Secure step, completed by the browser. */
  async confirmAuthentication(holdRef: string): Promise<void> {
    await this.#db.query(`UPDATE local_payment_holds SET status = 'authorised' WHERE id = $1 AND status = 'requires_action'`, [holdRef]);
  }

  async capture(request: { holdRef: string; amountCents: number; idempotencyKey: string }): Promise<{ captureRef: string }> {
    await this.#once(request.idempotencyKey, request.holdRef, 'capture', request.amountCents, async (tx) => {
      const [hold] = await tx.query<{ status: string; amount_cents: number }>(
        'SELECT status, amount_cents FROM local_payment_holds WHERE id = $1 FOR UPDATE',
        [request.holdRef],
      );
      if (!hold || hold.status !== 'authorised') throw new InvariantViolation(`capture of hold ${request.holdRef} in state ${hold?.status}`);
      if (request.amountCents <= 0 || request.amountCents > hold.amount_cents) {
        throw new InvariantViolation(`capture of ${request.amountCents} on a hold of ${hold.amount_cents}`);
      }
      await tx.query(`UPDATE local_payment_holds SET status = 'captured', captured_cents = $2 WHERE id = $1`, [request.holdRef, request.amountCents]);
    });
    return { captureRef: `${request.holdRef}:capture` };
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
