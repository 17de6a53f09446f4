/**
 * PAY-1 ledger accounts. A user's wallet is one pending and one available account; a sponsor's
 * commissions land in the same wallet (every sponsor is an expert, REF-3), tagged by purpose.
 */
export type AccountKind = 'client_payments' | 'wallet_pending' | 'wallet_available' | 'platform_fees' | 'platform_telephony' | 'payouts' | 'refunds';

export interface LedgerAccount {
  id: string;
  kind: AccountKind;
  ownerId: string | null;
}

const owned = (kind: AccountKind, ownerId: string): LedgerAccount => ({ id: `${kind}:${ownerId}`, kind, ownerId });
const platform = (kind: AccountKind): LedgerAccount => ({ id: kind, kind, ownerId: null });

export const accounts = {
  clientPayments: (clientId: string) => owned('client_payments', clientId),
  walletPending: (userId: string) => owned('wallet_pending', userId),
  walletAvailable: (userId: string) => owned('wallet_available', userId),
  platformFees: platform('platform_fees'),
  platformTelephony: platform('platform_telephony'),
  payouts: platform('payouts'),
  refunds: platform('refunds'),
};
