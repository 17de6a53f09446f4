import type { PaymentProvider } from '../payments/provider.ts';

/** A hold no consultation uses: the same key whoever releases it (a failed booking, the expiry job). */
export function releaseUnusedHold(payments: PaymentProvider, consultationId: string, holdRef: string): Promise<void> {
  return payments.release({ holdRef, idempotencyKey: `release:${consultationId}` });
}
