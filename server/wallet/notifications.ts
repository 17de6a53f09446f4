/**
 * The part of the Notifier (server/notifications/notifier.ts) the wallet uses: the domain says
 * what happened to whom, after the change is committed. Optional until notifications are wired.
 */
export interface WalletNotifier {
  notify(notification: {
    event: 'kyc_status_changed' | 'payout_paid' | 'payout_failed';
    userId: string;
    data: Record<string, string | number | boolean | null>;
    idempotencyKey: string;
  }): Promise<void>;
}

export type WalletNotification = Parameters<WalletNotifier['notify']>[0];

/** An email that fails must not undo or fail a money movement already committed. */
export async function sendAll(
  notifier: WalletNotifier | undefined,
  notifications: readonly WalletNotification[],
  onError: (error: unknown) => void,
): Promise<void> {
  if (!notifier) return;
  for (const notification of notifications) {
    try {
      await notifier.notify(notification);
    } catch (error) {
      onError(error);
    }
  }
}
