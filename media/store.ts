import type { Queryable } from '../server/platform/database.ts';
import type { ConsultationTerms } from '../server/billing/index.ts';
import type { ConsultationStatus } from '../server/bookings/state-machine.ts';
import { requestDeadline } from '../server/bookings/rules.ts';

/** What the SFU reads of a consultation; it never writes one (the state machine does). */
export interface MediaConsultation {
  id: string;
  status: ConsultationStatus;
  mode: 'video' | 'phone';
  terms: ConsultationTerms;
  expertId: string;
  clientId: string;
  startAt: Date | null;
  /** BOOK-4: when an immediate request expires if the expert has not joined; null for appointments. */
  requestExpiresAt: Date | null;
}

export async function readMediaConsultation(db: Queryable, consultationId: string): Promise<MediaConsultation | undefined> {
  const [row] = await db.query<{
    id: string;
    status: ConsultationStatus;
    mode: 'video' | 'phone';
    terms: ConsultationTerms;
    expert_id: string;
    client_id: string;
    start_at: Date | null;
    created_at: Date;
    accepted_at: Date | null;
  }>('SELECT id, status, mode, terms, expert_id, client_id, start_at, created_at, accepted_at FROM consultations WHERE id = $1', [consultationId]);
  if (!row) return undefined;
  return {
    id: row.id,
    status: row.status,
    mode: row.mode,
    terms: row.terms,
    expertId: row.expert_id,
    clientId: row.client_id,
    startAt: row.start_at,
    requestExpiresAt: row.start_at === null ? requestDeadline(row.created_at, row.accepted_at) : null,
  };
}
