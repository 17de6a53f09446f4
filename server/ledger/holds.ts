import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import { accounts } from './accounts.ts';
import { postJournal } from './journal.ts';

/** PAY-3: the complaint window (TRUST-2); earnings and commissions stay pending that long. */
export const WALLET_HOLD_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;
/** One release run handles at most this many holds per transaction, so a backlog never makes one huge transaction. */
const RELEASE_BATCH_SIZE = 500;

/** PAY-3: when earnings settled at `settledAt` become available (the settlement statement writes the hold). */
export function walletHoldReleaseAt(settledAt: Date): Date {
  return new Date(settledAt.getTime() + WALLET_HOLD_DAYS * DAY_MS);
}

/**
 * Moves every hold that is due from pending to available. Safe to run twice, concurrently
 * (SKIP LOCKED) or after a crash: each release posts under the key `release:<hold>` and
 * marks the hold in the same transaction.
 */
export async function releaseDueHolds(db: Database, clock: Clock): Promise<number> {
  let released = 0;
  for (;;) {
    const batch = await db.transaction(async (tx) => {
      const due = await tx.query<{ id: number; owner_id: string; amount_cents: number; refunded_cents: number }>(
        `SELECT id, owner_id, amount_cents, refunded_cents FROM wallet_holds
          WHERE released_journal_id IS NULL AND release_at <= $1
          ORDER BY release_at LIMIT ${RELEASE_BATCH_SIZE} FOR UPDATE SKIP LOCKED`,
        [clock.now()],
      );
      for (const hold of due) {
        const amountCents = hold.amount_cents - hold.refunded_cents;
        const { journalId } = await postJournal(tx, {
          idempotencyKey: `release:${hold.id}`,
          kind: 'wallet_release',
          createdAt: clock.now(),
          lines: [
            { account: accounts.walletPending(hold.owner_id), amountCents: -amountCents, purpose: 'release' },
            { account: accounts.walletAvailable(hold.owner_id), amountCents, purpose: 'release' },
          ],
        });
        // A fully refunded hold has nothing left to move; it is closed with the hold's own journal.
        await tx.query('UPDATE wallet_holds SET released_journal_id = COALESCE($2, journal_id) WHERE id = $1', [hold.id, journalId ?? null]);
      }
      return due.length;
    });
    released += batch;
    if (batch < RELEASE_BATCH_SIZE) return released;
  }
}
