import type { Queryable } from '../platform/database.ts';

/**
 * Ownership of live phone sessions across API nodes (TEL-1, BILL-4). The node that starts a
 * session owns it, its bridge and its meter, under a lease in `phone_sessions` that it renews
 * every RENEW interval; a lease unrenewed for PHONE_LEASE_MS has lapsed and any node may take
 * the session over (one conditional UPDATE over `FOR UPDATE SKIP LOCKED` rows: one taker).
 * Times are the database's (`now()`), so the nodes' clocks need not agree.
 */
export const PHONE_LEASE_MS = 6_000;
export const PHONE_LEASE_RENEW_INTERVAL_MS = 2_000;
/**
 * How long after setting or renewing a lease its node acts without asking the database again: 2 s
 * short of the lease, the time a decision's calls to the provider may take before another node
 * could take the session over.
 */
export const PHONE_LEASE_TRUSTED_MS = PHONE_LEASE_MS - 2_000;
/** Sessions taken over per round; the next round takes the rest. */
const TAKEOVER_BATCH_SIZE = 50;

const LEASE = `now() + make_interval(secs => ${PHONE_LEASE_MS / 1000})`;

export interface TakenOverSession {
  consultation_id: string;
  conference_name: string;
  conference_id: string | null;
  join_deadline_at: Date;
}

/** Renews this node's leases; returns the sessions it still owns (a missing one was taken over: let it go). */
export async function renewLeases(db: Queryable, ownerNodeId: string, consultationIds: readonly string[]): Promise<Set<string>> {
  if (consultationIds.length === 0) return new Set();
  const rows = await db.query<{ consultation_id: string }>(
    `UPDATE phone_sessions SET lease_expires_at = ${LEASE}
      WHERE consultation_id = ANY($2::uuid[]) AND owner_node_id = $1 AND finished_at IS NULL RETURNING consultation_id`,
    [ownerNodeId, consultationIds],
  );
  return new Set(rows.map((row) => row.consultation_id));
}

/** Takes over unfinished sessions whose lease lapsed (their owner died or stalled). */
export async function takeOverLapsedSessions(db: Queryable, ownerNodeId: string): Promise<TakenOverSession[]> {
  return db.query<TakenOverSession>(
    `UPDATE phone_sessions SET owner_node_id = $1, lease_expires_at = ${LEASE}
      WHERE consultation_id IN (
        SELECT consultation_id FROM phone_sessions
         WHERE finished_at IS NULL AND lease_expires_at < now()
         ORDER BY lease_expires_at LIMIT ${TAKEOVER_BATCH_SIZE} FOR UPDATE SKIP LOCKED)
      RETURNING consultation_id, conference_name, conference_id, join_deadline_at`,
    [ownerNodeId],
  );
}

/** Whether calls run for this consultation on any node. */
export async function hasUnfinishedSession(db: Queryable, consultationId: string): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM phone_sessions WHERE consultation_id = $1 AND finished_at IS NULL', [consultationId]);
  return rows.length > 0;
}

/** A party's action for a session another node owns: recorded, and the owner is woken (the table's trigger NOTIFYs). */
export async function recordSessionRequest(db: Queryable, consultationId: string, action: 'end_by_expert', at: Date): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO phone_session_requests (consultation_id, action, requested_at)
     SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM phone_sessions WHERE consultation_id = $1 AND finished_at IS NULL) RETURNING id`,
    [consultationId, action, at],
  );
  return rows.length === 1;
}

/** The owner takes the requests of a session it holds (deleted as read: acting twice would be harmless anyway). */
export async function takeSessionRequests(db: Queryable, consultationId: string): Promise<{ action: 'end_by_expert' }[]> {
  return db.query<{ action: 'end_by_expert' }>('DELETE FROM phone_session_requests WHERE consultation_id = $1 RETURNING action', [consultationId]);
}
