import type { Queryable } from '../platform/database.ts';
import { PHONE_LEASE_MS } from './leases.ts';
import type { ConsultationTerms } from '../billing/index.ts';
import type { CallFact, CallParty } from './provider.ts';
import type { RecordedCall } from './legs.ts';

/** Data access of the phone runner: plain SQL, no decisions. */

export interface PhoneConsultationRow {
  id: string;
  status: string;
  mode: string;
  terms: ConsultationTerms;
  start_at: Date | null;
  created_at: Date;
  client_number: string | null;
  expert_number: string | null;
  /** TEL-5. */
  phone_return_code: string | null;
}

export async function readPhoneConsultation(db: Queryable, consultationId: string): Promise<PhoneConsultationRow | undefined> {
  const [row] = await db.query<PhoneConsultationRow>(
    `SELECT c.id, c.status, c.mode, c.terms, c.start_at, c.created_at, c.phone_number AS client_number, c.phone_return_code,
            COALESCE(u.phone_mobile, u.phone_landline) AS expert_number
       FROM consultations c JOIN users u ON u.id = c.expert_id
      WHERE c.id = $1`,
    [consultationId],
  );
  return row;
}

/** Creates the session once; returns false when it already existed (start is idempotent). */
export async function insertSession(
  db: Queryable,
  input: { consultationId: string; provider: string; conferenceName: string; startedAt: Date; joinDeadlineAt: Date; ownerNodeId: string },
): Promise<boolean> {
  // The starter owns the session, under a lease it renews (leases.ts).
  const rows = await db.query(
    `INSERT INTO phone_sessions (consultation_id, provider, conference_name, started_at, join_deadline_at, owner_node_id, lease_expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => ${PHONE_LEASE_MS / 1000})) ON CONFLICT (consultation_id) DO NOTHING RETURNING consultation_id`,
    [input.consultationId, input.provider, input.conferenceName, input.startedAt, input.joinDeadlineAt, input.ownerNodeId],
  );
  return rows.length === 1;
}

export async function recordConferenceId(db: Queryable, consultationId: string, conferenceId: string): Promise<void> {
  await db.query('UPDATE phone_sessions SET conference_id = $2 WHERE consultation_id = $1 AND conference_id IS NULL', [consultationId, conferenceId]);
}

export async function finishSession(db: Queryable, consultationId: string, outcome: string, at: Date): Promise<void> {
  await db.query('UPDATE phone_sessions SET finished_at = $2, outcome = $3 WHERE consultation_id = $1 AND finished_at IS NULL', [consultationId, at, outcome]);
}

export async function recordCall(
  db: Queryable,
  input: { callId: string; consultationId: string; party: CallParty; placedAt: Date; direction: 'outbound' | 'inbound' },
): Promise<void> {
  await db.query(
    'INSERT INTO phone_calls (call_id, consultation_id, party, placed_at, direction) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (call_id) DO NOTHING',
    [input.callId, input.consultationId, input.party, input.placedAt, input.direction],
  );
}

/** TEL-2: true the first time this callback is seen, false for a duplicate or a replay. */
export async function recordFact(db: Queryable, fact: CallFact, receivedAt: Date): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO phone_call_events (fact_id, consultation_id, call_id, party, kind, call_status, conference_id, received_at)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8 WHERE EXISTS (SELECT 1 FROM consultations WHERE id = $2)
     ON CONFLICT (fact_id) DO NOTHING RETURNING id`,
    [
      fact.factId,
      fact.consultationId,
      fact.callId,
      fact.party,
      fact.kind,
      fact.kind === 'call_status' ? fact.status : null,
      fact.kind === 'call_status' ? null : fact.conferenceId,
      receivedAt,
    ],
  );
  return rows.length === 1;
}

export interface UnfinishedSession {
  consultation_id: string;
  conference_name: string;
  conference_id: string | null;
}

/** This node's unfinished sessions (and those of no node, from before leases): another node's are its own. */
export async function readUnfinishedSessions(db: Queryable, limit: number, ownerNodeId: string): Promise<UnfinishedSession[]> {
  return db.query<UnfinishedSession>(
    `SELECT consultation_id, conference_name, conference_id FROM phone_sessions
      WHERE finished_at IS NULL AND (owner_node_id = $2 OR owner_node_id IS NULL) ORDER BY started_at LIMIT $1`,
    [limit, ownerNodeId],
  );
}

/** The recorded facts of one consultation, in arrival order, as the runner decided them. */
export async function readFacts(db: Queryable, consultationId: string, afterId = 0): Promise<{ id: number; fact: CallFact; atMs: number }[]> {
  const rows = await db.query<{
    id: number;
    fact_id: string;
    call_id: string;
    party: CallParty;
    kind: CallFact['kind'];
    call_status: string | null;
    conference_id: string | null;
    received_at: Date;
  }>(
    'SELECT id, fact_id, call_id, party, kind, call_status, conference_id, received_at FROM phone_call_events WHERE consultation_id = $1 AND id > $2 ORDER BY id',
    [consultationId, afterId],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    atMs: row.received_at.getTime(),
    fact:
      row.kind === 'call_status'
        ? { kind: 'call_status', factId: row.fact_id, consultationId, party: row.party, callId: row.call_id, status: row.call_status as never }
        : { kind: row.kind, factId: row.fact_id, consultationId, party: row.party, callId: row.call_id, conferenceId: row.conference_id ?? '' },
  }));
}

export async function readCalls(db: Queryable, consultationId: string): Promise<RecordedCall[]> {
  return db.query('SELECT call_id, party, direction FROM phone_calls WHERE consultation_id = $1 ORDER BY placed_at', [consultationId]);
}

/** TEL-5: an unfinished phone session a call to the platform's number may be returning to. */
export interface ReturnCandidate {
  consultation_id: string;
  conference_name: string;
  client_number: string | null;
  expert_number: string | null;
  phone_return_code: string | null;
}

/**
 * TEL-5: the live phone sessions whose client's or expert's number on file is `from`, or whose
 * return code is `code` (the same numbers as `readPhoneConsultation`), at most `limit`.
 */
export async function readReturnCandidates(db: Queryable, from: string | null, code: string | null, limit: number): Promise<ReturnCandidate[]> {
  return db.query<ReturnCandidate>(
    `SELECT s.consultation_id, s.conference_name, c.phone_number AS client_number,
            COALESCE(u.phone_mobile, u.phone_landline) AS expert_number, c.phone_return_code
       FROM phone_sessions s JOIN consultations c ON c.id = s.consultation_id JOIN users u ON u.id = c.expert_id
      WHERE s.finished_at IS NULL AND c.status = 'live'
        AND (c.phone_number = $1 OR COALESCE(u.phone_mobile, u.phone_landline) = $1 OR c.phone_return_code = $2)
      ORDER BY s.started_at LIMIT $3`,
    [from, code, limit],
  );
}

/** TEL-5: a call already recorded under this id (a retried webhook), with its session and whether that is over. */
export async function readRecordedCall(
  db: Queryable,
  callId: string,
): Promise<{ consultation_id: string; party: CallParty; conference_name: string; finished: boolean } | undefined> {
  const [row] = await db.query<{ consultation_id: string; party: CallParty; conference_name: string; finished: boolean }>(
    `SELECT p.consultation_id, p.party, s.conference_name, s.finished_at IS NOT NULL AS finished
       FROM phone_calls p JOIN phone_sessions s ON s.consultation_id = p.consultation_id WHERE p.call_id = $1`,
    [callId],
  );
  return row;
}

/** Locks an unfinished session's row until the transaction ends; false when it is finished. */
export async function lockUnfinishedSession(tx: Queryable, consultationId: string): Promise<boolean> {
  const rows = await tx.query('SELECT 1 FROM phone_sessions WHERE consultation_id = $1 AND finished_at IS NULL FOR UPDATE', [consultationId]);
  return rows.length === 1;
}

export async function deleteUnfinishedSession(db: Queryable, consultationId: string): Promise<void> {
  await db.query('DELETE FROM phone_sessions WHERE consultation_id = $1 AND finished_at IS NULL', [consultationId]);
}
