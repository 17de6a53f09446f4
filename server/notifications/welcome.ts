import type { UserRow } from '../accounts/users.ts';
import type { Logger } from '../platform/logger.ts';
import type { Notifier } from './notifier.ts';

/**
 * EXP-1: the consultation URL is emailed to the expert at signup (with the REF-1 signup URL).
 * The account is already committed when this runs: a mail failure is logged, never turned into
 * a failed signup, and the idempotency key makes a later resend harmless.
 */
export function welcomeExpert(deps: { notifier: Notifier; publicUrl: string; logger: Logger }) {
  return async (expert: UserRow): Promise<void> => {
    if (!expert.slug) return;
    try {
      await deps.notifier.notify({
        event: 'expert_welcome',
        userId: expert.id,
        idempotencyKey: `expert_welcome:${expert.id}`,
        data: {
          slug: expert.slug,
          consultationUrl: `${deps.publicUrl}/consultation/${expert.slug}`,
          signupUrl: `${deps.publicUrl}/inscription/${expert.slug}`,
        },
      });
    } catch (error) {
      deps.logger.error({ err: error, userId: expert.id }, 'welcome email not sent');
    }
  };
}
