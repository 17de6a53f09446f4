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
 * Pure: the lines a journal posts. Zero lines are dropped (the database refuses them); the rest
 * must be integers summing to zero, or the code that built them has a bug. An empty result means
 * the lines all cancelled out: nothing is posted.
 */
export function postableLines(entry: Pick<JournalEntry, 'idempotencyKey' | 'lines'>): JournalLine[] {
  const lines = entry.lines.filter((line) => line.amountCents !== 0);
  for (const line of lines) {
    if (!Number.isSafeInteger(line.amountCents)) throw new InvariantViolation(`ledger line of ${line.amountCents} cents is not an integer`);
  }
  const total = lines.reduce((sum, line) => sum + line.amountCents, 0);
  if (total !== 0) throw new InvariantViolation(`journal ${entry.idempotencyKey} does not balance: ${total}`);
  return lines;
}

/** The accounts the lines name, each once: inserted if new in the statement that posts them. */
export function distinctAccounts(lines: readonly JournalLine[]): LedgerAccount[] {
  return [...new Map(lines.map((line) => [line.account.id, line.account])).values()];
}

/**
 * Posts one balanced journal inside the caller's transaction, in one statement (journal, new
 * accounts, lines). Replaying a key returns the first journal, and its lines must be the same: a
 * different body under the same key is a bug, not a retry. The database checks the balance again
 * (PAY-1): the lines of the statement, then the whole journal at commit.
 */
export async function postJournal(tx: Queryable, entry: JournalEntry): Promise<{ journalId: number | undefined; replayed: boolean }> {
  const lines = postableLines(entry);
  if (lines.length === 0) return { journalId: undefined, replayed: false };
  const accounts = distinctAccounts(lines);
  const [inserted] = await tx.query<{ id: number }>(
    `WITH journal AS (
       INSERT INTO ledger_journal (idempotency_key, kind, consultation_id, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
     ), new_accounts AS (
       INSERT INTO ledger_accounts (id, kind, owner_id)
       SELECT * FROM unnest($5::text[], $6::text[], $7::uuid[]) ON CONFLICT (id) DO NOTHING
     ), postings AS (
       INSERT INTO ledger_postings (journal_id, account_id, amount_cents, purpose)
       SELECT journal.id, line.* FROM journal, unnest($8::text[], $9::bigint[], $10::text[]) AS line (account_id, amount_cents, purpose)
     )
     SELECT id FROM journal`,
    [
      entry.idempotencyKey,
      entry.kind,
      entry.consultationId ?? null,
      entry.createdAt,
      accounts.map((account) => account.id),
      accounts.map((account) => account.kind),
      accounts.map((account) => account.ownerId),
      lines.map((line) => line.account.id),
      lines.map((line) => line.amountCents),
      lines.map((line) => line.purpose),
    ],
  );
  if (!inserted) return { journalId: await assertSameReplay(tx, entry.idempotencyKey, lines), replayed: true };
  return { journalId: inserted.id, replayed: false };
}

async function assertSameReplay(tx: Queryable, idempotencyKey: string, lines: readonly JournalLine[]): Promise<number> {
  const posted = await tx.query<{ journal_id: number; account_id: string; amount_cents: number; purpose: string }>(
    `SELECT p.journal_id, p.account_id, p.amount_cents, p.purpose FROM ledger_postings p
       JOIN ledger_journal j ON j.id = p.journal_id WHERE j.idempotency_key = $1`,
    [idempotencyKey],
  );
  const signature = (rows: { account: string; amount: number; purpose: string }[]) =>
    rows
      .map((row) => `${row.account}|${row.amount}|${row.purpose}`)
      .sort()
      .join(',');
  const before = signature(posted.map((row) => ({ account: row.account_id, amount: row.amount_cents, purpose: row.purpose })));
  const now = signature(lines.map((line) => ({ account: line.account.id, amount: line.amountCents, purpose: line.purpose })));
  if (before !== now) throw new InvariantViolation(`idempotency key ${idempotencyKey} replayed with different lines`);
  return posted[0]!.journal_id;
}
