import type { Queryable } from '../platform/database.ts';
import { accounts } from './accounts.ts';

/** PAY-1: balances are derived from postings, never stored. */
export async function accountBalanceCents(db: Queryable, accountId: string): Promise<number> {
  const [row] = await db.query<{ balance: number }>('SELECT COALESCE(sum(amount_cents), 0) AS balance FROM ledger_postings WHERE account_id = $1', [accountId]);
  return row!.balance;
}

export async function walletBalances(db: Queryable, userId: string): Promise<{ pendingCents: number; availableCents: number }> {
  const pending = accounts.walletPending(userId).id;
  const available = accounts.walletAvailable(userId).id;
  const rows = await db.query<{ account_id: string; balance: number }>(
    `SELECT account_id, sum(amount_cents) AS balance FROM ledger_postings WHERE account_id IN ($1, $2) GROUP BY account_id`,
    [pending, available],
  );
  const of = (id: string) => rows.find((row) => row.account_id === id)?.balance ?? 0;
  return { pendingCents: of(pending), availableCents: of(available) };
}

/** PAY-1's global invariant: money is only ever moved, so everything sums to zero. */
export async function sumOfAllAccountsCents(db: Queryable): Promise<number> {
  const [row] = await db.query<{ total: number }>('SELECT COALESCE(sum(amount_cents), 0) AS total FROM ledger_postings');
  return row!.total;
}
