import type { Queryable } from '../platform/database.ts';
import { accounts } from '../ledger/accounts.ts';
import { walletBalances } from '../ledger/balances.ts';
import type { KycStatus } from './kyc-rules.ts';
import { movementKind, movementReferences, type MovementKind } from './movement-kinds.ts';

export const MOVEMENTS_PAGE_MAX = 100;

/**
 * Creates the wallet row if needed and locks it until the transaction ends: whatever reads the
 * available balance to spend it (payouts) holds this lock first (PAY-5 races).
 */
export async function lockWallet(tx: Queryable, userId: string): Promise<void> {
  await tx.query('INSERT INTO wallets (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING', [userId]);
  await tx.query('SELECT user_id FROM wallets WHERE user_id = $1 FOR UPDATE', [userId]);
}

export interface WalletView {
  pendingCents: number;
  availableCents: number;
  kycStatus: KycStatus;
  blocked: boolean;
  currency: 'eur';
}

/** `GET /api/wallet`: balances derived from the ledger (PAY-1, PAY-3), the KYC status and the TRUST-4 flag. */
export async function readWallet(db: Queryable, userId: string): Promise<WalletView> {
  const balances = await walletBalances(db, userId);
  const [row] = await db.query<{ kyc_status: KycStatus | null; blocked: boolean | null }>(
    `SELECT (SELECT status FROM kyc_profiles WHERE user_id = $1) AS kyc_status, (SELECT blocked FROM wallets WHERE user_id = $1) AS blocked`,
    [userId],
  );
  return { ...balances, kycStatus: row?.kyc_status ?? 'not_submitted', blocked: row?.blocked ?? false, currency: 'eur' };
}

export interface WalletMovement {
  id: number;
  at: string;
  /** Which side of the wallet moved: pending (PAY-3 hold) or available. */
  balance: 'pending' | 'available';
  amountCents: number;
  /** What it is, in a stable word the page translates (server/wallet/movement-kinds.ts); never a ledger code. */
  kind: MovementKind;
  /** The consultation it comes from (a release names the consultation whose earnings it releases). */
  consultationId: string | null;
  payoutId: string | null;
  complaintId: string | null;
}

/** The ledger postings of the user's two wallet accounts, newest first, paged by posting id. */
export async function readMovements(
  db: Queryable,
  userId: string,
  page: { limit: number; before?: number | undefined },
): Promise<{ movements: WalletMovement[]; nextBefore: number | null }> {
  const pending = accounts.walletPending(userId).id;
  const available = accounts.walletAvailable(userId).id;
  const rows = await db.query<{
    id: number;
    created_at: Date;
    account_id: string;
    amount_cents: number;
    kind: string;
    purpose: string;
    idempotency_key: string;
    consultation_id: string | null;
  }>(
    `SELECT p.id, j.created_at, p.account_id, p.amount_cents, j.kind, p.purpose, j.idempotency_key,
            COALESCE(j.consultation_id, (SELECT oj.consultation_id FROM wallet_holds h JOIN ledger_journal oj ON oj.id = h.journal_id
                                          WHERE h.released_journal_id = j.id AND h.owner_id = $5 LIMIT 1)) AS consultation_id
       FROM ledger_postings p JOIN ledger_journal j ON j.id = p.journal_id
      WHERE p.account_id IN ($1, $2) AND ($3::bigint IS NULL OR p.id < $3::bigint)
      ORDER BY p.id DESC LIMIT $4`,
    [pending, available, page.before ?? null, page.limit + 1, userId],
  );
  const movements = rows.slice(0, page.limit).map((row) => ({
    id: row.id,
    at: new Date(row.created_at).toISOString(),
    balance: row.account_id === pending ? ('pending' as const) : ('available' as const),
    amountCents: row.amount_cents,
    kind: movementKind(row.kind, row.purpose),
    consultationId: row.consultation_id,
    ...movementReferences(row.idempotency_key),
  }));
  return { movements, nextBefore: rows.length > page.limit ? movements[movements.length - 1]!.id : null };
}

/** TRUST-4: the admin console (issue 8) blocks or unblocks a wallet; a blocked wallet cannot pay out. */
export async function setWalletBlocked(db: Queryable, userId: string, change: { blocked: boolean; reason: string | null; at: Date }): Promise<void> {
  await db.query(
    `INSERT INTO wallets (user_id, blocked, blocked_reason, blocked_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id) DO UPDATE SET blocked = EXCLUDED.blocked, blocked_reason = EXCLUDED.blocked_reason, blocked_at = EXCLUDED.blocked_at`,
    [userId, change.blocked, change.blocked ? change.reason : null, change.blocked ? change.at : null],
  );
}
