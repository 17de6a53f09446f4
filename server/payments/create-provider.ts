import type { PaymentsConfig } from '../config.ts';
import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import { LocalPaymentProvider } from './local-provider.ts';
import { StripePaymentProvider } from './stripe-provider.ts';
import type { PaymentProvider } from './provider.ts';

/** PAY-6: configuration picks the adapter; nothing else in the platform knows which one runs. */
export function createPaymentProvider(config: PaymentsConfig, deps: { db: Database; clock: Clock }): PaymentProvider {
  switch (config.provider) {
    case 'stripe':
      return new StripePaymentProvider({ secretKey: config.secretKey, webhookSecret: config.webhookSecret, apiUrl: config.apiUrl });
    case 'local':
      return new LocalPaymentProvider(deps.db, { clock: deps.clock, kycAutoValidateSeconds: config.kycAutoValidateSeconds });
  }
}
