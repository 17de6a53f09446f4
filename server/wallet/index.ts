import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { PaymentProvider, ProviderEvent } from '../payments/provider.ts';
import { LocalPaymentProvider } from '../payments/local-provider.ts';
import { DocumentStore } from './documents.ts';
import { KycService } from './kyc.ts';
import { PayoutService } from './payouts.ts';
import type { WalletNotifier } from './notifications.ts';

export interface Wallet {
  kyc: KycService;
  payouts: PayoutService;
  /**
   * Housekeeping, safe to run at any time and on several nodes: the local provider's identity
   * verdicts that are due (PAY-6 local) and payouts whose provider call never completed.
   */
  tick(): Promise<{ kycDecisions: number; payoutsResent: number; payoutsReclaimed: number }>;
  /** A provider fact (webhook): recorded once, applied by the state machine, then its follow-ups. */
  record(providerName: string, event: ProviderEvent): Promise<{ duplicate: boolean }>;
}

export function createWallet(deps: {
  db: Database;
  clock: Clock;
  logger: Logger;
  provider: PaymentProvider;
  dataDir: string;
  documentsKey: Buffer;
  notifier?: WalletNotifier;
}): Wallet {
  const documents = new DocumentStore(deps.dataDir, deps.documentsKey);
  const kyc = new KycService({ ...deps, documents });
  const payouts = new PayoutService(deps);
  return {
    kyc,
    payouts,
    tick: async () => {
      let kycDecisions = 0;
      if (deps.provider instanceof LocalPaymentProvider) {
        for (const event of await deps.provider.dueKycEvents()) {
          await kyc.record(deps.provider.name, event);
          await deps.provider.markKycDecided(event);
          kycDecisions++;
        }
      }
      return { kycDecisions, payoutsResent: await payouts.resendUnsent(), payoutsReclaimed: await payouts.reclaimFailed() };
    },
    record: async (providerName, event) => {
      const result = await kyc.record(providerName, event);
      if (event.type === 'payout.failed') await payouts.reclaimFailed();
      return result;
    },
  };
}
