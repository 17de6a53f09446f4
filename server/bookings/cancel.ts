import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { isLateCancellation } from '../billing/index.ts';
import type { PaymentProvider } from '../payments/provider.ts';
import type { SettlementRecord } from '../settlement/service.ts';
import type { ConsultationStateMachine } from './state-machine.ts';
import { tryPlaceHold } from './jobs.ts';

const HOUR_MS = 60 * 60 * 1000;

/**
 * `POST /api/consultations/:id/cancel`. A late client cancellation (BILL-10) of a far appointment
 * whose deferred hold is not placed yet (BOOK-3) is charged on the saved card: the hold is placed
 * first, so the settlement only ever captures an existing hold. If the bank refuses the saved
 * card, the fee cannot be collected: the appointment is cancelled as BOOK-3's failed hold
 * (`cancelled_by = 'platform'`, no fee), the same outcome the hold job reaches 2 h before the
 * start (docs/decisions.md).
 */
export async function cancelByParty(
  deps: { db: Database; clock: Clock; payments: PaymentProvider; consultations: ConsultationStateMachine; logger: Logger },
  consultationId: string,
  party: 'client' | 'expert',
): Promise<SettlementRecord> {
  const { db, clock } = deps;
  if (party === 'client') {
    const [row] = await db.query<{ status: string; start_at: Date | null; payment_hold_ref: string | null }>(
      'SELECT status, start_at, payment_hold_ref FROM consultations WHERE id = $1',
      [consultationId],
    );
    const now = clock.now();
    if (row?.status === 'scheduled' && row.start_at && !row.payment_hold_ref && isLateCancellation((row.start_at.getTime() - now.getTime()) / HOUR_MS)) {
      const attempt = await tryPlaceHold({ db, payments: deps.payments, consultationId, now });
      if (attempt.outcome === 'refused') {
        deps.logger.info({ consultationId }, 'late cancellation on a refused saved card: cancelled without fee (BOOK-3)');
        return deps.consultations.cancel(consultationId, 'platform');
      }
    }
  }
  return deps.consultations.cancel(consultationId, party);
}
