import type { Queryable } from '../platform/database.ts';
import { InvariantViolation } from '../billing/index.ts';
import type { LedgerAccount } from './accounts.ts';

export interface JournalLine {
  account: LedgerAccount;
  amountCents: number;
  purpose: string;
}

export interface JournalEntry {
  /** BILL-14: the same key never posts twice. */
  idempotencyKey: string;
  kind: string;
  consultationId?: string;
  createdAt: Date;
  lines: readonly JournalLine[];
}

/**
 * Posts one balanced journal inside the caller's transaction. Zero lines are dropped (the
 * database refuses them); a journal whose lines all cancel out posts nothing. Replaying a key
 * returns the first journal, and its lines must be the same: a different body under the same
 * key is a bug, not a retry. The database checks the balance again at commit (PAY-1).
 */
export async function postJournal(tx: Queryable, entry: JournalEntry): Promise<{ journalId: number | undefined; replayed: boolean }> {
  const lines = entry.lines.filter((line) => line.amountCents !== 0);
  for (const line of lines) {
    if (!Number.isSafeInteger(line.amountCents)) throw new InvariantViolation(`ledger line of ${line.amountCents} cents is not an integer`);
  }
  const total = lines.reduce((sum, line) => sum + line.amountCents, 0);
  if (total !== 0) throw new InvariantViolation(`journal ${entry.idempotencyKey} does not balance: ${total}`);
  if (lines.length === 0) return { journalId: undefined, replayed: false };

  const [inserted] = await tx.query<{ id: number }>(
    `INSERT INTO ledger_journal (idempotency_key, kind, consultation_id, created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [entry.idempotencyKey, entry.kind, entry.consultationId ?? null, entry.createdAt],
  );
  if (!inserted) return { journalId: await assertSameReplay(tx, entry.idempotencyKey, lines), replayed: true };

  const distinctAccounts = [...new Map(lines.map((line) => [line.account.id, line.account])).values()];
  await tx.query(
    `INSERT INTO ledger_accounts (id, kind, owner_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[]) ON CONFLICT (id) DO NOTHING`,
    [distinctAccounts.map((a) => a.id), distinctAccounts.map((a) => a.kind), distinctAccounts.map((a) => a.ownerId)],
  );
  await tx.query(
    `INSERT INTO ledger_postings (journal_id, account_id, amount_cents, purpose)
     SELECT $1, * FROM unnest($2::text[], $3::bigint[], $4::text[])`,
    [inserted.id, lines.map((line) => line.account.id), lines.map((line) => line.amountCents), lines.map((line) => line.purpose)],
  );
  return { journalId: inserted.id, replayed: false };
}

async function assertSameReplay(tx: Queryable, idempotencyKey: string, lines: readonly JournalLine[]): Promise<number> {
  const posted = await tx.query<{ journal_id: number; account_id: string; amount_cents: number; purpose: string }>(
    `SELECT p.journal_id, p.account_id, p.amount_cents, p.purpose FROM ledger_postings p
       JOIN ledger_journal j ON j.id = p.journal_id WHERE j.idempotency_key = $1`,
    [idempotencyKey],
  );
  const signature = (rows: { account: string; amount: number; purpose: string }[]) =>
    rows.map((row) => `${row.account}|${row.amount}|${row.purpose}`).sort().join(',');
  const before = signature(posted.map((row) => ({ account: row.account_id, amount: row.amount_cents, purpose: row.purpose })));
  const now = signature(lines.map((line) => ({ account: line.account.id, amount: line.amountCents, purpose: line.purpose })));
  if (before !== now) throw new InvariantViolation(`idempotency key ${idempotencyKey} replayed with different lines`);
  return posted[0]!.journal_id;
}
