import type { UserRow } from '../accounts/users.ts';
import type { Logger } from '../platform/logger.ts';
import type { Notification, Notifier } from './notifier.ts';

/**
 * EXP-1: the consultation URL is emailed to the expert at signup (with the REF-1 signup URL).
 * The account is already committed when this runs, so a mail failure never fails the signup:
 * the email is handed to `retryLater` (the durable job table) and goes out when the transport
 * is back; the idempotency key makes sure it goes out once.
 */
export function welcomeExpert(deps: { notifier: Notifier; publicUrl: string; logger: Logger; retryLater?: (notification: Notification) => Promise<void> }) {
  return async (expert: UserRow): Promise<void> => {
    if (!expert.slug) return;
    const notification: Notification = {
      event: 'expert_welcome',
      userId: expert.id,
      idempotencyKey: `expert_welcome:${expert.id}`,
      data: {
        slug: expert.slug,
        consultationUrl: `${deps.publicUrl}/consultation/${expert.slug}`,
        signupUrl: `${deps.publicUrl}/inscription/${expert.slug}`,
      },
    };
    try {
      await deps.notifier.notify(notification);
    } catch (error) {
      deps.logger.warn({ err: error, userId: expert.id }, 'welcome email not sent now; retrying through the job table');
      try {
        await deps.retryLater?.(notification);
      } catch (retryError) {
        deps.logger.error({ err: retryError, userId: expert.id }, 'welcome email could not be scheduled');
      }
    }
  };
}
