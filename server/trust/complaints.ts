import type { Database, Queryable } from '../platform/database.ts';
import { UNIQUE_VIOLATION, sqlState } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { Role } from '../platform/http.ts';
import { badRequest, conflict, forbidden, notFound } from '../platform/errors.ts';
import { enqueueNotification } from './notify.ts';
import { postComplaintRefund, readSettledCharge, type ComplaintRefunds } from './refunds.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** TRUST-2, TRUST-3: a complaint is filed at most 7 days after the consultation ended or the incident happened. */
export const COMPLAINT_FILING_DAYS = 7;
/** TRUST-2: the expert answers within 14 days of the filing, else it escalates to the admins. */
export const EXPERT_ANSWER_DAYS = 14;
/** TRUST-3: the admins answer a platform complaint within 45 days of the filing. */
export const PLATFORM_ANSWER_DAYS = 45;

/** TRUST-2, TRUST-3: the last moment a complaint about something that happened at `occurredAt` can be filed (the client area shows it too). */
export function complaintFilingDeadline(occurredAt: Date): Date {
  return new Date(occurredAt.getTime() + COMPLAINT_FILING_DAYS * DAY_MS);
}
/** TRUST-2: after a rejection the client is shown how to reach a consumer mediator (Code de la consommation, L612-1). */
export const MEDIATOR_URL = 'https://www.economie.gouv.fr/mediation-conso';
export const COMPLAINT_TEXT_MAX_LENGTH = 5000;
export const COMPLAINT_LIST_MAX = 200;
/** Clock skew tolerated on a reported incident time. */
const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
/** One escalation run handles at most this many complaints per transaction. */
const ESCALATION_BATCH_SIZE = 200;

export type ComplaintKind = 'consultation' | 'platform';
export type ComplaintStatus = 'open' | 'escalated' | 'resolved';
export type Resolution = 'full_refund' | 'partial_refund' | 'rejected' | 'answered';

export interface ComplaintView {
  id: string;
  kind: ComplaintKind;
  status: ComplaintStatus;
  consultationId: string | null;
  complainant: { id: string; firstName: string; lastName: string };
  expert: { id: string; firstName: string; lastName: string } | null;
  comment: string;
  occurredAt: string;
  filedAt: string;
  answerDueAt: string;
  /** TRUST-3: an unanswered complaint past its deadline is highlighted in the admin queue. */
  overdue: boolean;
  escalatedAt: string | null;
  resolution: Resolution | null;
  refundCents: number | null;
  reply: string | null;
  answeredBy: 'expert' | 'admin' | null;
  answeredAt: string | null;
  refundStatus: 'pending' | 'refunded' | null;
  /** TRUST-2: shown after a rejection. */
  mediatorUrl: string | null;
}

interface ComplaintRow {
  id: string;
  kind: ComplaintKind;
  status: ComplaintStatus;
  consultation_id: string | null;
  complainant_id: string;
  complainant_first_name: string;
  complainant_last_name: string;
  expert_id: string | null;
  expert_first_name: string | null;
  expert_last_name: string | null;
  comment: string;
  occurred_at: Date;
  filed_at: Date;
  answer_due_at: Date;
  escalated_at: Date | null;
  resolution: Resolution | null;
  refund_cents: number | null;
  reply: string | null;
  answered_by: string | null;
  answered_by_role: Role | null;
  answered_at: Date | null;
  refund_status: 'pending' | 'refunded' | null;
}

const SELECT_COMPLAINTS = `
  SELECT k.id, k.kind, k.status, k.consultation_id, k.complainant_id, cu.first_name AS complainant_first_name, cu.last_name AS complainant_last_name,
         k.expert_id, eu.first_name AS expert_first_name, eu.last_name AS expert_last_name, k.comment, k.occurred_at, k.filed_at,
         k.answer_due_at, k.escalated_at, k.resolution, k.refund_cents, k.reply, k.answered_by, au.role AS answered_by_role, k.answered_at, k.refund_status
    FROM complaints k JOIN users cu ON cu.id = k.complainant_id
    LEFT JOIN users eu ON eu.id = k.expert_id LEFT JOIN users au ON au.id = k.answered_by`;

function toView(row: ComplaintRow, now: Date): ComplaintView {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    consultationId: row.consultation_id,
    complainant: { id: row.complainant_id, firstName: row.complainant_first_name, lastName: row.complainant_last_name },
    expert: row.expert_id ? { id: row.expert_id, firstName: row.expert_first_name!, lastName: row.expert_last_name! } : null,
    comment: row.comment,
    occurredAt: row.occurred_at.toISOString(),
    filedAt: row.filed_at.toISOString(),
    answerDueAt: row.answer_due_at.toISOString(),
    overdue: row.status !== 'resolved' && now.getTime() > row.answer_due_at.getTime(),
    escalatedAt: row.escalated_at?.toISOString() ?? null,
    resolution: row.resolution,
    refundCents: row.refund_cents,
    reply: row.reply,
    answeredBy: row.answered_by_role === 'admin' ? 'admin' : row.answered_by ? 'expert' : null,
    answeredAt: row.answered_at?.toISOString() ?? null,
    refundStatus: row.refund_status,
    mediatorUrl: row.resolution === 'rejected' ? MEDIATOR_URL : null,
  };
}

export interface FileComplaintInput {
  kind: ComplaintKind;
  consultationId?: string | undefined;
  comment: string;
  /** TRUST-3: when the incident happened (default: now). */
  incidentAt?: string | undefined;
}

export interface AnswerInput {
  resolution: Resolution;
  refundCents?: number | undefined;
  reply?: string | undefined;
}

const days = (count: number) => count * DAY_MS;

/**
 * TRUST-2 and TRUST-3: filing, answering (with refunds through the ledger and the payment
 * provider), escalation after 14 days and the queues. Every deadline is computed from the
 * injected clock, so tests move time to the second.
 */
export class ComplaintService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #refunds: ComplaintRefunds;
  readonly #logger: Logger;

  constructor(deps: { db: Database; clock: Clock; refunds: ComplaintRefunds; logger: Logger }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#refunds = deps.refunds;
    this.#logger = deps.logger;
  }

  async file(user: { id: string; role: Role }, input: FileComplaintInput): Promise<ComplaintView> {
    const now = this.#clock.now();
    if (user.role === 'admin') throw forbidden('Admins answer complaints; they do not file them.');
    let occurredAt: Date;
    let expertId: string | null = null;
    let consultationId: string | null = null;
    if (input.kind === 'consultation') {
      // TRUST-2: "the client can file one" about their own consultation.
      if (user.role !== 'client') throw forbidden('Only the client of a consultation can complain about it (TRUST-2).');
      if (!input.consultationId) throw badRequest('consultation_required', 'Say which consultation the complaint is about.', 'consultationId');
      const [row] = await this.#db.query<{ client_id: string; expert_id: string; status: string; finished_at: Date | null; settled: boolean }>(
        `SELECT c.client_id, c.expert_id, c.status, COALESCE(c.ended_at, c.cancelled_at, s.settled_at) AS finished_at, s.status = 'settled' AS settled
           FROM consultations c LEFT JOIN settlements s ON s.consultation_id = c.id WHERE c.id = $1`,
        [input.consultationId],
      );
      if (!row || row.client_id !== user.id) throw notFound('Consultation');
      if (!row.settled || !row.finished_at)
        throw conflict('consultation_not_finished', 'A complaint is filed once the consultation is over (TRUST-2).', 'consultationId');
      occurredAt = row.finished_at;
      expertId = row.expert_id;
      consultationId = input.consultationId;
    } else {
      occurredAt = input.incidentAt ? new Date(input.incidentAt) : now;
      if (occurredAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS)
        throw badRequest('incident_in_future', 'The incident cannot be in the future.', 'incidentAt');
      if (input.consultationId) {
        const [row] = await this.#db.query<{ id: string }>('SELECT id FROM consultations WHERE id = $1 AND (client_id = $2 OR expert_id = $2)', [
          input.consultationId,
          user.id,
        ]);
        if (!row) throw notFound('Consultation');
        consultationId = row.id;
      }
    }
    // TRUST-2, TRUST-3: 7 days, to the millisecond.
    if (now > complaintFilingDeadline(occurredAt)) {
      throw conflict('complaint_window_closed', `Complaints are filed within ${COMPLAINT_FILING_DAYS} days (TRUST-2, TRUST-3).`);
    }
    const answerDueAt = new Date(now.getTime() + days(input.kind === 'consultation' ? EXPERT_ANSWER_DAYS : PLATFORM_ANSWER_DAYS));
    let id: string;
    try {
      id = await this.#db.transaction(async (tx) => {
        const [inserted] = await tx.query<{ id: string }>(
          `INSERT INTO complaints (kind, complainant_id, consultation_id, expert_id, comment, occurred_at, filed_at, answer_due_at, status)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open') RETURNING id`,
          [input.kind, user.id, consultationId, expertId, input.comment, occurredAt, now, answerDueAt],
        );
        const complaintId = inserted!.id;
        await enqueueNotification(tx, {
          event: 'complaint_received',
          userId: user.id,
          data: { complaintId, kind: input.kind, answerBefore: answerDueAt.toISOString(), ...(consultationId ? { consultationId } : {}) },
          idempotencyKey: `complaint_received:${complaintId}`,
          at: now,
        });
        if (expertId) {
          await enqueueNotification(tx, {
            event: 'complaint_filed',
            userId: expertId,
            data: { complaintId, consultationId, answerBefore: answerDueAt.toISOString() },
            idempotencyKey: `complaint_filed:${complaintId}`,
            at: now,
          });
        }
        return complaintId;
      });
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION)
        throw conflict('complaint_exists', 'A complaint about this consultation was already filed (TRUST-2).', 'consultationId');
      throw error;
    }
    return (await this.read(id))!;
  }

  /**
   * TRUST-2: the expert answers within 14 days with a full refund, a partial refund or a
   * rejection with a reply; after escalation (or for TRUST-3) an admin answers instead.
   */
  async answer(
    user: { id: string; role: Role },
    complaintId: string,
    input: AnswerInput,
    options: { audit?: (tx: Queryable) => Promise<void> } = {},
  ): Promise<ComplaintView> {
    const reply = input.reply?.trim() || undefined;
    const refundNeeded = input.resolution === 'full_refund' || input.resolution === 'partial_refund';
    if (input.resolution === 'rejected' && !reply) throw badRequest('reply_required', 'A rejection comes with a reply (TRUST-2).', 'reply');
    if (input.resolution === 'answered' && !reply) throw badRequest('reply_required', 'An answer needs a reply (TRUST-3).', 'reply');
    if (input.resolution === 'partial_refund' && input.refundCents === undefined) {
      throw badRequest('refund_amount_required', 'A partial refund says how many cents are refunded.', 'refundCents');
    }
    if (input.resolution !== 'partial_refund' && input.refundCents !== undefined) {
      throw badRequest('unexpected_refund_amount', 'Only a partial refund takes an amount.', 'refundCents');
    }
    const now = this.#clock.now();
    const outcome = await this.#db.transaction(async (tx) => {
      const [row] = await tx.query<{
        id: string;
        kind: ComplaintKind;
        status: ComplaintStatus;
        expert_id: string | null;
        complainant_id: string;
        consultation_id: string | null;
        answer_due_at: Date;
      }>('SELECT id, kind, status, expert_id, complainant_id, consultation_id, answer_due_at FROM complaints WHERE id = $1 FOR UPDATE', [complaintId]);
      // An expert sees only the complaints about their own consultations: anything else does not exist for them.
      if (!row || (user.role !== 'admin' && row.expert_id !== user.id)) throw notFound('Complaint');
      if (row.status === 'resolved') throw conflict('complaint_already_answered', 'This complaint was already answered.');
      if (user.role !== 'admin') {
        if (row.status === 'escalated') throw conflict('complaint_escalated', 'This complaint went to the Consulto team after 14 days (TRUST-2).');
        if (now.getTime() > row.answer_due_at.getTime()) throw conflict('answer_deadline_passed', 'The 14 days to answer are over (TRUST-2).');
      }
      if (row.kind === 'platform' && input.resolution !== 'answered') {
        throw badRequest('invalid_resolution', 'A complaint about the platform is answered with a reply (TRUST-3).', 'resolution');
      }
      if (row.kind === 'consultation' && input.resolution === 'answered') {
        throw badRequest('invalid_resolution', 'A consultation complaint ends in a full refund, a partial refund or a rejection (TRUST-2).', 'resolution');
      }
      let refundCents: number | null = null;
      if (refundNeeded) {
        const charge = await readSettledCharge(tx, row.consultation_id!);
        if (!charge || charge.chargeCents === 0) throw conflict('nothing_to_refund', 'Nothing was charged for this consultation.');
        if (input.resolution === 'full_refund') refundCents = charge.chargeCents;
        else {
          refundCents = input.refundCents!;
          if (refundCents < 1 || refundCents >= charge.chargeCents) {
            throw badRequest('invalid_refund_amount', `A partial refund is between 1 and ${charge.chargeCents - 1} cents.`, 'refundCents');
          }
        }
        await postComplaintRefund(tx, { complaintId, charge, refundCents, at: now });
      }
      await tx.query(
        `UPDATE complaints SET status = 'resolved', resolution = $2, refund_cents = $3, reply = $4, answered_by = $5, answered_at = $6,
                refund_status = CASE WHEN $3::integer IS NULL THEN NULL ELSE 'pending' END
          WHERE id = $1`,
        [complaintId, input.resolution, refundCents, reply ?? null, user.id, now],
      );
      const data = {
        complaintId,
        resolution: input.resolution,
        refundCents: refundCents ?? 0,
        reply: reply ?? null,
        mediatorUrl: input.resolution === 'rejected' ? MEDIATOR_URL : null,
        ...(row.consultation_id ? { consultationId: row.consultation_id } : {}),
      };
      await enqueueNotification(tx, {
        event: row.kind === 'platform' ? 'platform_complaint_answered' : 'complaint_answered',
        userId: row.complainant_id,
        data,
        idempotencyKey: `complaint_answered:${complaintId}`,
        at: now,
      });
      if (user.role === 'admin' && row.expert_id) {
        await enqueueNotification(tx, {
          event: 'complaint_resolved_by_admin',
          userId: row.expert_id,
          data,
          idempotencyKey: `complaint_resolved_by_admin:${complaintId}`,
          at: now,
        });
      }
      await options.audit?.(tx);
      return { refund: refundCents !== null };
    });
    if (outcome.refund) {
      // The ledger has decided; the card refund follows now, or from the periodic retry if the provider fails.
      await this.#refunds.execute(complaintId).catch((error: unknown) => {
        this.#logger.error({ err: error, complaintId }, 'complaint refund at the payment provider failed; retried later');
      });
    }
    return (await this.read(complaintId))!;
  }

  /** TRUST-2: complaints the expert left unanswered for 14 days go to the admins. Safe to run twice. */
  async escalateOverdue(): Promise<number> {
    let escalated = 0;
    for (;;) {
      const batch = await this.#db.transaction(async (tx) => {
        const now = this.#clock.now();
        const rows = await tx.query<{ id: string; complainant_id: string; expert_id: string; consultation_id: string }>(
          `UPDATE complaints SET status = 'escalated', escalated_at = $1
            WHERE id IN (SELECT id FROM complaints WHERE kind = 'consultation' AND status = 'open' AND answer_due_at < $1
                          ORDER BY answer_due_at LIMIT ${ESCALATION_BATCH_SIZE} FOR UPDATE SKIP LOCKED)
            RETURNING id, complainant_id, expert_id, consultation_id`,
          [now],
        );
        for (const row of rows) {
          for (const userId of [row.complainant_id, row.expert_id]) {
            await enqueueNotification(tx, {
              event: 'complaint_escalated',
              userId,
              data: { complaintId: row.id, consultationId: row.consultation_id },
              idempotencyKey: `complaint_escalated:${row.id}:${userId}`,
              at: now,
            });
          }
        }
        return rows.length;
      });
      escalated += batch;
      if (batch < ESCALATION_BATCH_SIZE) return escalated;
    }
  }

  async read(complaintId: string, db: Queryable = this.#db): Promise<ComplaintView | undefined> {
    const [row] = await db.query<ComplaintRow>(`${SELECT_COMPLAINTS} WHERE k.id = $1`, [complaintId]);
    return row ? toView(row, this.#clock.now()) : undefined;
  }

  /** A complaint for someone allowed to see it (complainant, the expert concerned, an admin), else 404. */
  async readFor(user: { id: string; role: Role }, complaintId: string): Promise<ComplaintView> {
    const view = await this.read(complaintId);
    if (!view || (user.role !== 'admin' && view.complainant.id !== user.id && view.expert?.id !== user.id)) throw notFound('Complaint');
    return view;
  }

  /** The complaints a user filed, and for an expert those about their consultations. */
  async listMine(user: { id: string }, limit: number): Promise<ComplaintView[]> {
    const rows = await this.#db.query<ComplaintRow>(`${SELECT_COMPLAINTS} WHERE k.complainant_id = $1 OR k.expert_id = $1 ORDER BY k.filed_at DESC LIMIT $2`, [
      user.id,
      limit,
    ]);
    const now = this.#clock.now();
    return rows.map((row) => toView(row, now));
  }

  /** The admins' queue: escalated and platform complaints still to answer by default, the nearest deadline first, a page at a time. */
  async adminQueue(filter: {
    status?: ComplaintStatus | 'to_answer' | undefined;
    limit: number;
    offset?: number;
  }): Promise<{ complaints: ComplaintView[]; total: number }> {
    const status = filter.status ?? 'to_answer';
    const toAnswer = status === 'to_answer';
    const where = (statusParam: number) =>
      toAnswer ? `(k.status = 'escalated' OR (k.kind = 'platform' AND k.status = 'open'))` : `k.status = $${statusParam}`;
    const statusParams = toAnswer ? [] : [status];
    const rows = await this.#db.query<ComplaintRow>(`${SELECT_COMPLAINTS} WHERE ${where(3)} ORDER BY k.answer_due_at, k.id LIMIT $1 OFFSET $2`, [
      filter.limit,
      filter.offset ?? 0,
      ...statusParams,
    ]);
    const [count] = await this.#db.query<{ total: number }>(`SELECT count(*)::int AS total FROM complaints k WHERE ${where(1)}`, statusParams);
    const now = this.#clock.now();
    return { complaints: rows.map((row) => toView(row, now)), total: count!.total };
  }
}

/** Used by deregistration (ACC-8): a complaint still waiting for an answer or a card refund. */
export async function hasOpenComplaint(db: Queryable, userId: string): Promise<boolean> {
  const [row] = await db.query(
    `SELECT 1 FROM complaints WHERE (complainant_id = $1 OR expert_id = $1) AND (status <> 'resolved' OR refund_status = 'pending') LIMIT 1`,
    [userId],
  );
  return row !== undefined;
}
