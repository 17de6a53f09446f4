import type { Queryable } from '../platform/database.ts';

export const AUDIT_REASON_MAX_LENGTH = 2000;
export const AUDIT_PAGE_MAX = 200;

/** Every admin action of the console (TRUST-4, BILL-13, TRUST-5, TRUST-2/3 answers). */
export type AdminAction =
  | 'user_suspended'
  | 'user_reinstated'
  | 'user_terminated'
  | 'profile_content_removed'
  | 'profile_photo_removed'
  | 'wallet_blocked'
  | 'wallet_unblocked'
  | 'notice_published'
  | 'notice_withdrawn'
  | 'report_decided'
  | 'review_removed'
  | 'complaint_answered'
  | 'fee_schedule_added'
  | 'surcharge_table_added';

export interface AuditEntry {
  id: number;
  adminId: string;
  adminEmail: string;
  action: AdminAction;
  targetType: string;
  targetId: string | null;
  reason: string;
  details: Record<string, unknown>;
  at: string;
}

/**
 * TRUST-4: who, what, when and why, written in the same transaction as the action itself, so an
 * action without its entry (or an entry without its action) cannot exist. The table refuses
 * UPDATE, DELETE and TRUNCATE (migration 050), like the ledger.
 */
export async function recordAdminAction(
  tx: Queryable,
  entry: { adminId: string; action: AdminAction; targetType: string; targetId: string | null; reason: string; details?: Record<string, unknown>; at: Date },
): Promise<number> {
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO admin_audit_log (admin_id, action, target_type, target_id, reason, details, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [entry.adminId, entry.action, entry.targetType, entry.targetId, entry.reason, JSON.stringify(entry.details ?? {}), entry.at],
  );
  return row!.id;
}

export async function readAuditLog(
  db: Queryable,
  filter: { limit: number; before?: number | undefined; targetId?: string | undefined; action?: string | undefined },
): Promise<{ entries: AuditEntry[]; nextBefore: number | null }> {
  const rows = await db.query<{
    id: number;
    admin_id: string;
    email: string;
    action: AdminAction;
    target_type: string;
    target_id: string | null;
    reason: string;
    details: Record<string, unknown>;
    created_at: Date;
  }>(
    `SELECT a.id, a.admin_id, u.email, a.action, a.target_type, a.target_id, a.reason, a.details, a.created_at
       FROM admin_audit_log a JOIN users u ON u.id = a.admin_id
      WHERE ($1::bigint IS NULL OR a.id < $1::bigint) AND ($2::text IS NULL OR a.target_id = $2::text) AND ($3::text IS NULL OR a.action = $3::text)
      ORDER BY a.id DESC LIMIT $4`,
    [filter.before ?? null, filter.targetId ?? null, filter.action ?? null, filter.limit + 1],
  );
  const entries = rows.slice(0, filter.limit).map((row) => ({
    id: row.id,
    adminId: row.admin_id,
    adminEmail: row.email,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    reason: row.reason,
    details: row.details,
    at: row.created_at.toISOString(),
  }));
  return { entries, nextBefore: rows.length > filter.limit ? entries[entries.length - 1]!.id : null };
}
