import type { Queryable } from '../platform/database.ts';
import type { Notification, NotificationEvent, Notifier } from '../notifications/notifier.ts';
import type { JobHandler, JobRequest } from './queue.ts';

/**
 * Emails leave through the job table: the notification is written in the same transaction as the
 * fact it announces, and a failing mail transport is retried with backoff without undoing the
 * fact. The idempotency key travels to the Notifier, so a job replayed after a crash sends once.
 */
export const NOTIFY_JOB = 'notify';

export function notificationJob(input: {
  event: NotificationEvent;
  userId: string;
  consultationId: string;
  at: Date;
  data: Notification['data'];
  /** Cancellations and no-shows: the amounts are read from the settlement when the email goes out. */
  withSettlement?: boolean;
  /** An event that can happen again to the same consultation (a reminder after a move, BOOK-7) says which time it is. */
  occurrence?: string;
}): JobRequest {
  const idempotencyKey = `${input.event}:${input.consultationId}:${input.userId}${input.occurrence ? `:${input.occurrence}` : ''}`;
  return {
    kind: NOTIFY_JOB,
    payload: { event: input.event, userId: input.userId, data: input.data, idempotencyKey, withSettlement: input.withSettlement ?? false },
    runAt: input.at,
    dedupeKey: `notify:${idempotencyKey}`,
  };
}

export function notifyJobHandler(db: Queryable, notifier: Notifier): JobHandler {
  return async (payload) => {
    const data = { ...(payload['data'] as Notification['data']) };
    if (payload['withSettlement']) {
      const [settlement] = await db.query<{ status: string; kind: string; charge_cents: number; expert_penalty_cents: number }>(
        'SELECT status, kind, charge_cents, expert_penalty_cents FROM settlements WHERE consultation_id = $1',
        [data['consultationId']],
      );
      // The settlement follows the transition right away; until it is done, try again later.
      if (settlement?.status !== 'settled') throw new Error(`settlement of ${String(data['consultationId'])} not done yet`);
      // docs/notifications.md: consultation_cancelled and no_show carry what it cost whom.
      data['chargeCents'] = settlement.charge_cents;
      data['cancellationChargeCents'] = settlement.kind === 'cancellation' ? settlement.charge_cents : 0;
      data['penaltyCents'] = settlement.expert_penalty_cents;
    }
    await notifier.notify({
      event: payload['event'] as NotificationEvent,
      userId: String(payload['userId']),
      data,
      idempotencyKey: String(payload['idempotencyKey']),
    });
  };
}
