import type { Request, Response, NextFunction } from 'express';
import type { Database, Queryable } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { AuthUser } from '../platform/http.ts';
import { AppError, notFound } from '../platform/errors.ts';
import type { ConsultationStateMachine } from '../bookings/state-machine.ts';

export const BLOCK_LIST_MAX = 500;
/** A client has at most this many open consultations with one expert; the block cancels them all. */
const OPEN_CONSULTATIONS_MAX = 100;

export interface BlockedClient {
  clientId: string;
  firstName: string;
  lastName: string;
  blockedAt: string;
}

/**
 * TRUST-6: an expert blocks a client of theirs. The client can no longer book that expert
 * (the booking guard and a database trigger refuse it) and every open appointment or request
 * between them is cancelled by the platform, which BILL-10…12 price at no fee for anyone.
 */
export async function blockClient(
  deps: { db: Database; clock: Clock; consultations: ConsultationStateMachine; logger: Logger },
  expertId: string,
  clientId: string,
): Promise<{ cancelledConsultationIds: string[] }> {
  const { db, clock, consultations } = deps;
  // Only someone who consulted (or booked) this expert can be blocked: no probing of user ids.
  const [known] = await db.query('SELECT 1 FROM consultations WHERE expert_id = $1 AND client_id = $2 LIMIT 1', [expertId, clientId]);
  if (!known) throw notFound('Client');
  await db.query('INSERT INTO expert_blocks (expert_id, client_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [expertId, clientId, clock.now()]);
  const open = await db.query<{ id: string }>(
    `SELECT id FROM consultations WHERE expert_id = $1 AND client_id = $2 AND status IN ('requested', 'scheduled') ORDER BY created_at LIMIT ${OPEN_CONSULTATIONS_MAX}`,
    [expertId, clientId],
  );
  const cancelled: string[] = [];
  for (const { id } of open) {
    try {
      await consultations.cancel(id, 'platform');
      cancelled.push(id);
    } catch (error) {
      // It went live or was cancelled meanwhile: nothing left to cancel.
      if (error instanceof AppError && error.status === 409) continue;
      throw error;
    }
  }
  return { cancelledConsultationIds: cancelled };
}

export async function unblockClient(db: Queryable, expertId: string, clientId: string): Promise<void> {
  const rows = await db.query('DELETE FROM expert_blocks WHERE expert_id = $1 AND client_id = $2 RETURNING client_id', [expertId, clientId]);
  if (rows.length === 0) throw notFound('Blocked client');
}

export async function listBlockedClients(db: Queryable, expertId: string): Promise<BlockedClient[]> {
  const rows = await db.query<{ client_id: string; first_name: string; last_name: string; created_at: Date }>(
    `SELECT b.client_id, u.first_name, u.last_name, b.created_at FROM expert_blocks b JOIN users u ON u.id = b.client_id
      WHERE b.expert_id = $1 ORDER BY b.created_at DESC LIMIT ${BLOCK_LIST_MAX}`,
    [expertId],
  );
  return rows.map((row) => ({ clientId: row.client_id, firstName: row.first_name, lastName: row.last_name, blockedAt: row.created_at.toISOString() }));
}

/**
 * In front of `POST /api/consultations`: a blocked client (TRUST-6) and a suspended or closed
 * expert (TRUST-4) are refused with a clear code before the booking service does any work. The
 * route itself still authenticates and validates; this only says no earlier, never yes.
 */
export function bookingGuard(deps: { db: Queryable; authenticate: (token: string) => Promise<AuthUser> }) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const header = req.headers.authorization;
    const slug = (req.body as { expertSlug?: unknown } | undefined)?.expertSlug;
    if (!header?.startsWith('Bearer ') || typeof slug !== 'string' || slug.length > 200) return next();
    let user: AuthUser;
    try {
      user = await deps.authenticate(header.slice('Bearer '.length).trim());
    } catch {
      return next(); // the route answers 401 itself
    }
    if (user.role !== 'client') return next();
    const [expert] = await deps.db.query<{ status: string; blocked: boolean }>(
      `SELECT u.status, EXISTS (SELECT 1 FROM expert_blocks b WHERE b.expert_id = u.id AND b.client_id = $2) AS blocked
         FROM expert_profiles e JOIN users u ON u.id = e.user_id WHERE e.slug = $1`,
      [slug, user.id],
    );
    if (expert && expert.status !== 'active') throw new AppError(409, 'expert_unavailable', 'This expert is unavailable.', 'expertSlug');
    if (expert?.blocked) throw new AppError(403, 'booking_refused', 'This expert does not take bookings from you (TRUST-6).', 'expertSlug');
    next();
  };
}
