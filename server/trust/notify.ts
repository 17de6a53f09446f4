import type { Queryable } from '../platform/database.ts';
import type { NotificationEvent, Notification } from '../notifications/notifier.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { NOTIFY_JOB } from '../jobs/notify.ts';

/**
 * §10 for trust and operations: the email is enqueued in the same transaction as the fact it
 * announces (a complaint filed, a refund decided, an account suspended), so it exists if and
 * only if the fact commits; the job worker sends it once per idempotency key.
 */
export async function enqueueNotification(
  tx: Queryable,
  input: { event: NotificationEvent; userId: string; data: Notification['data']; idempotencyKey: string; at: Date },
): Promise<void> {
  await enqueueJob(
    tx,
    {
      kind: NOTIFY_JOB,
      payload: { event: input.event, userId: input.userId, data: input.data, idempotencyKey: input.idempotencyKey, withSettlement: false },
      runAt: input.at,
      dedupeKey: `notify:${input.idempotencyKey}`,
    },
    input.at,
  );
}
