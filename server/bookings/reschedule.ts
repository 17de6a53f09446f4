import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../platform/database.ts';
import { EXCLUSION_VIOLATION, UNIQUE_VIOLATION, sqlState } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { AppError, badRequest, conflict, notFound } from '../platform/errors.ts';
import { InvariantViolation, holdAmountCents, type ConsultationTerms } from '../billing/index.ts';
import { PaymentDeclinedError, type PaymentProvider } from '../payments/provider.ts';
import { customerOfSavedCard } from '../payments/saved-cards.ts';
import { readAvailability } from '../availability/store.ts';
import { MAX_BOOKING_DAYS_AHEAD, isWithinAvailability } from '../availability/schedule.ts';
import { enqueueJob, type JobQueue } from '../jobs/queue.ts';
import { notificationJob } from '../jobs/notify.ts';
import type { ConsultationStatus, Party } from './state-machine.ts';
import { appointmentJobKeys, bookingJobs } from './jobs.ts';
import { deferredHoldAt } from './rules.ts';
import { holdPlanAfterMove, proposalExpiresAt, rescheduleKind } from './reschedule-rules.ts';
import { lockExpertAgenda } from './agenda-lock.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const RESCHEDULE_JOBS = {
  /** BOOK-7: a proposal nobody answered lapses at its time; the expert is told. */
  expireProposal: 'consultation.expire_reschedule_proposal',
  /** BOOK-3 after BOOK-7: a hold a move no longer needs is released (durably, after the move commits). */
  releaseReplacedHold: 'consultation.release_replaced_hold',
} as const;

export interface RescheduleProposal {
  id: string;
  consultationId: string;
  status: 'pending' | 'accepted' | 'refused' | 'withdrawn' | 'expired';
  /** The appointment's start when the expert proposed. */
  currentStartAt: string;
  proposedStartAt: string;
  createdAt: string;
  /** The client answers before this (PROPOSAL_TTL_HOURS, the old start, or the proposed time, whichever comes first). */
  expiresAt: string;
  decidedAt: string | null;
}

interface AppointmentRow {
  id: string;
  status: ConsultationStatus;
  client_id: string;
  expert_id: string;
  mode: string;
  start_at: Date | null;
  reserved_minutes: number;
  schedule_version: number;
  terms: ConsultationTerms;
  payment_method_ref: string;
  payment_hold_ref: string | null;
  hold_placed_at: Date;
}

interface ProposalRow {
  id: string;
  consultation_id: string;
  status: RescheduleProposal['status'];
  current_start_at: Date;
  schedule_version: number;
  proposed_start_at: Date;
  created_at: Date;
  expires_at: Date;
  decided_at: Date | null;
}

const toProposal = (row: ProposalRow): RescheduleProposal => ({
  id: row.id,
  consultationId: row.consultation_id,
  status: row.status,
  currentStartAt: row.current_start_at.toISOString(),
  proposedStartAt: row.proposed_start_at.toISOString(),
  createdAt: row.created_at.toISOString(),
  expiresAt: row.expires_at.toISOString(),
  decidedAt: row.decided_at?.toISOString() ?? null,
});

const PROPOSAL_COLUMNS = 'id, consultation_id, status, current_start_at, schedule_version, proposed_start_at, created_at, expires_at, decided_at';

const proposalNotOpen = () =>
  conflict('proposal_not_open', 'This proposal is no longer open: it was answered, withdrawn, replaced or it expired.', 'proposalId');
const consultationChanged = () => conflict('consultation_changed', 'This appointment changed meanwhile; reload it and try again.');

/**
 * BOOK-7: moving an appointment. More than 48 h before the start, either party moves it at once;
 * within 48 h the expert proposes and the client accepts or refuses. A move keeps the terms and
 * the card hold (BOOK-3 decides whether the hold survives, `holdPlanAfterMove`), retires the
 * deadline jobs of the old time and enqueues those of the new one (reminders, no-show check,
 * deferred hold), and emails both parties with an updated .ics (same UID, higher SEQUENCE). The
 * exclusion constraint of EXP-6 refuses a new time that overlaps another appointment.
 */
export class RescheduleService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #payments: PaymentProvider;
  readonly #logger: Logger;

  constructor(deps: { db: Database; clock: Clock; payments: PaymentProvider; logger: Logger }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#payments = deps.payments;
    this.#logger = deps.logger;
  }

  /** `POST /api/consultations/:id/reschedule`: moved at once, or a proposal waiting for the client. */
  async request(
    user: { id: string },
    consultationId: string,
    startAtIso: string,
  ): Promise<{ outcome: 'moved' } | { outcome: 'proposed'; proposal: RescheduleProposal }> {
    const row = await this.#readAppointment(consultationId);
    const party = partyOf(row, user.id);
    const now = this.#clock.now();
    assertStillMovable(row, now);
    const kind = rescheduleKind(party, row.start_at!, now);
    const newStartAt = new Date(startAtIso);
    await this.#assertNewStart(row, newStartAt, now);
    if (kind === 'move') {
      await this.#move(row, newStartAt, party);
      return { outcome: 'moved' };
    }
    return { outcome: 'proposed', proposal: await this.#propose(row, newStartAt, user.id) };
  }

  /** The open proposal of a consultation, for either party (null when there is none). */
  async openProposal(user: { id: string }, consultationId: string): Promise<RescheduleProposal | null> {
    const row = await this.#readAppointment(consultationId);
    partyOf(row, user.id);
    const proposal = await this.#pendingProposal(this.#db, consultationId);
    return proposal && row.status === 'scheduled' && proposal.expires_at > this.#clock.now() ? toProposal(proposal) : null;
  }

  /** The client accepts: the appointment moves to the proposed time, if that slot is still free. */
  async accept(clientId: string, consultationId: string, proposalId: string): Promise<void> {
    const row = await this.#readAppointment(consultationId);
    if (partyOf(row, clientId) !== 'client') throw notFound('Consultation');
    const now = this.#clock.now();
    const proposal = await this.#pendingProposal(this.#db, consultationId);
    if (!proposal || proposal.id !== proposalId || proposal.expires_at <= now || proposal.schedule_version !== row.schedule_version) throw proposalNotOpen();
    assertStillMovable(row, now);
    // The expert's proposal is their consent to that time, so their opening hours are not asked again.
    await this.#move(row, proposal.proposed_start_at, 'expert', proposal.id);
  }

  /** The client refuses: the appointment stays as it was; the expert is told. */
  async refuse(clientId: string, consultationId: string, proposalId: string): Promise<RescheduleProposal> {
    const row = await this.#readAppointment(consultationId);
    if (partyOf(row, clientId) !== 'client') throw notFound('Consultation');
    return this.#close(row, proposalId, 'refused');
  }

  /** The expert takes their proposal back (to propose another time, or none). */
  async withdraw(expertId: string, consultationId: string, proposalId: string): Promise<RescheduleProposal> {
    const row = await this.#readAppointment(consultationId);
    if (partyOf(row, expertId) !== 'expert') throw notFound('Consultation');
    return this.#close(row, proposalId, 'withdrawn');
  }

  /** The expiry job: a proposal still open at its time lapses; the expert is told the appointment stays. */
  async expire(proposalId: string): Promise<void> {
    const now = this.#clock.now();
    await this.#db.transaction(async (tx) => {
      const [expired] = await tx.query<ProposalRow & { consultation_status: string; expert_id: string; start_at: Date }>(
        `UPDATE reschedule_proposals p SET status = 'expired', decided_at = $2
           FROM consultations c
          WHERE p.id = $1 AND p.status = 'pending' AND p.expires_at <= $2 AND c.id = p.consultation_id
          RETURNING p.id, p.consultation_id, p.proposed_start_at, c.status AS consultation_status, c.expert_id, c.start_at`,
        [proposalId, now],
      );
      // Cancelled meanwhile: the cancellation email said all there is to say.
      if (!expired || expired.consultation_status !== 'scheduled') return;
      await enqueueJob(
        tx,
        notificationJob({
          event: 'reschedule_proposal_expired',
          userId: expired.expert_id,
          consultationId: expired.consultation_id,
          at: now,
          data: { consultationId: expired.consultation_id, startAt: expired.start_at.toISOString(), proposedStartAt: expired.proposed_start_at.toISOString() },
          occurrence: expired.id,
        }),
        now,
      );
    });
  }

  async #close(row: AppointmentRow, proposalId: string, status: 'refused' | 'withdrawn'): Promise<RescheduleProposal> {
    if (!UUID.test(proposalId)) throw proposalNotOpen();
    const now = this.#clock.now();
    return this.#db.transaction(async (tx) => {
      const [closed] = await tx.query<ProposalRow>(
        `UPDATE reschedule_proposals SET status = $3, decided_at = $4
          WHERE id = $1 AND consultation_id = $2 AND status = 'pending' AND expires_at > $4 RETURNING ${PROPOSAL_COLUMNS}`,
        [proposalId, row.id, status, now],
      );
      if (!closed) throw proposalNotOpen();
      if (status === 'refused') {
        await enqueueJob(
          tx,
          notificationJob({
            event: 'reschedule_refused',
            userId: row.expert_id,
            consultationId: row.id,
            at: now,
            data: { consultationId: row.id, startAt: row.start_at!.toISOString(), proposedStartAt: closed.proposed_start_at.toISOString() },
            occurrence: closed.id,
          }),
          now,
        );
      }
      return toProposal(closed);
    });
  }

  async #readAppointment(consultationId: string): Promise<AppointmentRow> {
    if (!UUID.test(consultationId)) throw notFound('Consultation');
    const [row] = await this.#db.query<AppointmentRow>(
      `SELECT id, status, client_id, expert_id, mode, start_at, reserved_minutes, schedule_version, terms, payment_method_ref,
              payment_hold_ref, COALESCE(hold_placed_at, created_at) AS hold_placed_at
         FROM consultations WHERE id = $1`,
      [consultationId],
    );
    if (!row) throw notFound('Consultation');
    return row;
  }

  /** The new time obeys the booking rules (EXP-6, BOOK-1): future, within a year, inside the opening hours, not the same. */
  async #assertNewStart(row: AppointmentRow, newStartAt: Date, now: Date): Promise<void> {
    if (newStartAt.getTime() === row.start_at!.getTime()) throw badRequest('same_time', 'The appointment is already at this time.', 'startAt');
    if (newStartAt <= now) throw badRequest('start_in_past', 'An appointment starts in the future.', 'startAt');
    if (newStartAt.getTime() - now.getTime() > MAX_BOOKING_DAYS_AHEAD * DAY_MS) {
      throw badRequest('start_too_far', `Appointments are booked at most ${MAX_BOOKING_DAYS_AHEAD} days ahead.`, 'startAt');
    }
    const availability = await readAvailability(this.#db, row.expert_id);
    if (!isWithinAvailability(availability, newStartAt, row.reserved_minutes)) {
      throw badRequest('outside_availability', "This time is outside the expert's opening hours (EXP-6).", 'startAt');
    }
  }

  async #propose(row: AppointmentRow, proposedStartAt: Date, expertId: string): Promise<RescheduleProposal> {
    const now = this.#clock.now();
    // Told now rather than at the client's acceptance; the acceptance checks again (the database decides).
    const [taken] = await this.#db.query(
      `SELECT 1 FROM consultations WHERE expert_id = $1 AND id <> $2 AND status IN ('scheduled', 'live')
          AND reserved_during && tstzrange($3::timestamptz, $3::timestamptz + make_interval(mins => $4)) LIMIT 1`,
      [row.expert_id, row.id, proposedStartAt, row.reserved_minutes],
    );
    if (taken) throw slotTaken();
    const expiresAt = proposalExpiresAt(now, row.start_at!, proposedStartAt);
    try {
      return await this.#db.transaction(async (tx) => {
        await lockUnchanged(tx, row, now);
        // A lapsed proposal whose expiry job has not run yet does not block a new one.
        await tx.query(
          `UPDATE reschedule_proposals SET status = 'expired', decided_at = $2 WHERE consultation_id = $1 AND status = 'pending' AND expires_at <= $2`,
          [row.id, now],
        );
        const [inserted] = await tx.query<ProposalRow>(
          `INSERT INTO reschedule_proposals (consultation_id, proposed_by, current_start_at, schedule_version, proposed_start_at, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${PROPOSAL_COLUMNS}`,
          [row.id, expertId, row.start_at, row.schedule_version, proposedStartAt, now, expiresAt],
        );
        const proposal = inserted!;
        await enqueueJob(
          tx,
          { kind: RESCHEDULE_JOBS.expireProposal, payload: { proposalId: proposal.id }, runAt: expiresAt, dedupeKey: `expire-proposal:${proposal.id}` },
          now,
        );
        await enqueueJob(
          tx,
          notificationJob({
            event: 'reschedule_proposed',
            userId: row.client_id,
            consultationId: row.id,
            at: now,
            data: {
              consultationId: row.id,
              startAt: row.start_at!.toISOString(),
              proposedStartAt: proposedStartAt.toISOString(),
              expiresAt: expiresAt.toISOString(),
            },
            occurrence: proposal.id,
          }),
          now,
        );
        return toProposal(proposal);
      });
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION) {
        throw conflict('proposal_pending', 'A proposal is already waiting for the client; withdraw it first to propose another time.', 'startAt');
      }
      throw error;
    }
  }

  /**
   * The move itself. The only external effect, a new card hold when the new start is within
   * 24 h and no usable hold exists, comes first; then one transaction moves the appointment,
   * retires the old deadline jobs, enqueues the new ones and the emails, and hands a replaced
   * hold to a release job. If the transaction fails (the slot was taken: the exclusion
   * constraint), the new hold is released and nothing moved.
   */
  async #move(row: AppointmentRow, newStartAt: Date, by: Party, proposalId?: string): Promise<void> {
    const now = this.#clock.now();
    const plan = holdPlanAfterMove({ holdPlacedAt: row.payment_hold_ref ? row.hold_placed_at : null, newStartAt, now });
    const attempt = randomUUID();
    const newHoldRef = plan === 'hold_now' ? await this.#holdNow(row, attempt) : null;
    const version = row.schedule_version + 1;
    try {
      await this.#db.transaction(async (tx) => {
        await lockExpertAgenda(tx, row.expert_id);
        const locked = await lockUnchanged(tx, row, now);
        if (proposalId) {
          const [accepted] = await tx.query(
            `UPDATE reschedule_proposals SET status = 'accepted', decided_at = $2 WHERE id = $1 AND status = 'pending' AND expires_at > $2 RETURNING id`,
            [proposalId, now],
          );
          if (!accepted) throw proposalNotOpen();
        }
        const holdAfter = plan === 'keep' ? locked.payment_hold_ref : newHoldRef;
        const replacedHold = plan === 'keep' ? null : locked.payment_hold_ref;
        // BOOK-3 after the move: a hold exists, or the deferred-hold job runs before the new start.
        if (holdAfter === null && deferredHoldAt(newStartAt) <= now) throw new InvariantViolation(`move of ${row.id} leaves no hold within 24 h of the start`);
        await tx.query(
          `UPDATE consultations
              SET start_at = $2, reserved_during = tstzrange($2::timestamptz, $2::timestamptz + make_interval(mins => reserved_minutes), '[)'),
                  schedule_version = $3, rescheduled_at = $4, payment_hold_ref = $5,
                  hold_placed_at = CASE WHEN $6 THEN hold_placed_at WHEN $5::text IS NULL THEN NULL ELSE $4::timestamptz END,
                  hold_failures = 0, hold_failed_at = NULL
            WHERE id = $1`,
          [row.id, newStartAt, version, now, holdAfter, plan === 'keep'],
        );
        // The old time's reminders, no-show check and deferred hold are done with; the new time gets its own.
        await tx.query(`UPDATE jobs SET done_at = $2, locked_until = NULL WHERE dedupe_key = ANY($1::text[]) AND done_at IS NULL AND failed_at IS NULL`, [
          appointmentJobKeys(row.id, row.schedule_version),
          now,
        ]);
        for (const job of bookingJobs({ consultationId: row.id, startAt: newStartAt, now, deferredHold: holdAfter === null, scheduleVersion: version })) {
          await enqueueJob(tx, job, now);
        }
        if (replacedHold) {
          await enqueueJob(
            tx,
            {
              kind: RESCHEDULE_JOBS.releaseReplacedHold,
              payload: { consultationId: row.id, holdRef: replacedHold },
              runAt: now,
              dedupeKey: `release-replaced:${replacedHold}`,
            },
            now,
          );
        }
        for (const [userId, recipientRole] of [
          [row.client_id, 'client'],
          [row.expert_id, 'expert'],
        ] as const) {
          await enqueueJob(
            tx,
            notificationJob({
              event: 'consultation_rescheduled',
              userId,
              consultationId: row.id,
              at: now,
              data: {
                consultationId: row.id,
                mode: row.mode,
                startAt: newStartAt.toISOString(),
                previousStartAt: row.start_at!.toISOString(),
                rescheduledBy: by,
                recipientRole,
                scheduleVersion: version,
              },
              occurrence: `v${version}`,
            }),
            now,
          );
        }
      });
    } catch (error) {
      if (newHoldRef) await this.#releaseUnused(row.id, newHoldRef, `release:hold:${row.id}:move:${attempt}`);
      if (sqlState(error) === EXCLUSION_VIOLATION) throw slotTaken();
      throw error;
    }
  }

  /** BOOK-3: the saved card, off-session (the hold the deferred job would place). A refusal moves nothing. */
  async #holdNow(row: AppointmentRow, attempt: string): Promise<string> {
    const idempotencyKey = `hold:${row.id}:move:${attempt}`;
    const refused = () =>
      new AppError(
        402,
        'hold_failed',
        'The saved card was refused for the new time; change the card (PUT /api/consultations/:id/payment-method) and try again (BOOK-3).',
      );
    let authorisation;
    try {
      authorisation = await this.#payments.authorise({
        amountCents: holdAmountCents(row.terms),
        paymentMethod: row.payment_method_ref,
        customerRef: await customerOfSavedCard(this.#db, row.client_id, row.payment_method_ref),
        offSession: true,
        idempotencyKey,
        description: `Consultation ${row.id}`,
      });
    } catch (error) {
      if (error instanceof PaymentDeclinedError) throw refused();
      throw error;
    }
    if (authorisation.status === 'authorised') return authorisation.holdRef;
    await this.#releaseUnused(row.id, authorisation.holdRef, `release:${idempotencyKey}`);
    throw refused();
  }

  async #releaseUnused(consultationId: string, holdRef: string, idempotencyKey: string): Promise<void> {
    await this.#payments.release({ holdRef, idempotencyKey }).catch((error: unknown) => {
      // An unused authorisation lapses by itself; log so support can release it sooner.
      this.#logger.error({ err: error, consultationId, holdRef }, 'releasing the hold of a failed move failed');
    });
  }

  async #pendingProposal(db: Queryable, consultationId: string): Promise<ProposalRow | undefined> {
    const [row] = await db.query<ProposalRow>(`SELECT ${PROPOSAL_COLUMNS} FROM reschedule_proposals WHERE consultation_id = $1 AND status = 'pending'`, [
      consultationId,
    ]);
    return row;
  }
}

/** The open proposals of these consultations, by consultation (for the client area and the expert's dashboard). */
export async function openProposalsOf(db: Queryable, consultationIds: readonly string[], now: Date): Promise<Map<string, RescheduleProposal>> {
  if (consultationIds.length === 0) return new Map();
  const rows = await db.query<ProposalRow>(
    `SELECT ${PROPOSAL_COLUMNS} FROM reschedule_proposals WHERE consultation_id = ANY($1::uuid[]) AND status = 'pending' AND expires_at > $2`,
    [consultationIds, now],
  );
  return new Map(rows.map((row) => [row.consultation_id, toProposal(row)]));
}

export function registerRescheduleJobs(queue: JobQueue, deps: { reschedules: RescheduleService; payments: PaymentProvider }): void {
  queue.register(RESCHEDULE_JOBS.expireProposal, async (payload) => {
    await deps.reschedules.expire(String(payload['proposalId']));
  });
  queue.register(RESCHEDULE_JOBS.releaseReplacedHold, async (payload) => {
    const holdRef = String(payload['holdRef']);
    await deps.payments.release({ holdRef, idempotencyKey: `release-replaced:${holdRef}` });
  });
}

/** Who the user is to the consultation; a third party (or an admin) learns nothing, not even that it exists. */
function partyOf(row: AppointmentRow, userId: string): Party {
  if (row.client_id === userId) return 'client';
  if (row.expert_id === userId) return 'expert';
  throw notFound('Consultation');
}

/** Only an appointment that has not started can move. */
function assertStillMovable(row: { status: ConsultationStatus; start_at: Date | null }, now: Date): void {
  if (row.status === 'requested') throw conflict('not_an_appointment', 'An immediate request has no time to move; cancel it instead (BOOK-4).');
  if (row.status === 'live' || (row.status === 'scheduled' && now >= row.start_at!)) {
    throw conflict('consultation_started', 'This consultation has started; it can no longer be moved.');
  }
  if (row.status !== 'scheduled') throw conflict('not_reschedulable', `A ${row.status} consultation cannot be moved.`);
}

/** Locks the appointment and checks nothing changed since it was read (another move, a cancellation, the start). */
async function lockUnchanged(tx: Queryable, row: AppointmentRow, now: Date): Promise<{ payment_hold_ref: string | null }> {
  const [locked] = await tx.query<{ status: ConsultationStatus; start_at: Date | null; schedule_version: number; payment_hold_ref: string | null }>(
    'SELECT status, start_at, schedule_version, payment_hold_ref FROM consultations WHERE id = $1 FOR UPDATE',
    [row.id],
  );
  if (!locked) throw notFound('Consultation');
  assertStillMovable(locked, now);
  if (locked.schedule_version !== row.schedule_version) throw consultationChanged();
  return locked;
}

const slotTaken = () => conflict('slot_taken', 'This time overlaps another appointment of the expert; pick another one (EXP-6).', 'startAt');
