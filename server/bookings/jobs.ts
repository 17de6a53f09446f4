import type { Database } from '../platform/database.ts';
import type { Logger } from '../platform/logger.ts';
import { NO_SHOW_MINUTES, holdAmountCents, type ConsultationTerms } from '../billing/index.ts';
import { PaymentDeclinedError, type PaymentProvider } from '../payments/provider.ts';
import { customerOfSavedCard } from '../payments/saved-cards.ts';
import { releaseUnusedHold } from './unused-hold.ts';
import type { JobQueue, JobRequest, JobResult } from '../jobs/queue.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { notificationJob } from '../jobs/notify.ts';
import type { ConsultationStateMachine } from './state-machine.ts';
import { HOLD_RETRY_INTERVAL_MINUTES, IMMEDIATE_REQUEST_TIMEOUT_MINUTES, REMINDER_LEADS, deferredHoldAt, holdFixDeadline, minutesAfter } from './rules.ts';

/** The booking deadlines, as durable jobs (server/jobs/queue.ts). One job per consultation and kind. */
export const BOOKING_JOBS = {
  expireRequest: 'consultation.expire_request',
  detectNoShow: 'consultation.detect_no_show',
  reminder: 'consultation.reminder',
  placeHold: 'consultation.place_hold',
  releaseUnauthenticatedHold: 'consultation.release_unauthenticated_hold',
} as const;

/** BOOK-3: a hold still waiting for 3-D Secure when its time is up is released. */
export function releaseUnauthenticatedHoldJob(input: { consultationId: string; holdRef: string; runAt: Date }): JobRequest {
  return {
    kind: BOOKING_JOBS.releaseUnauthenticatedHold,
    payload: { consultationId: input.consultationId, holdRef: input.holdRef },
    runAt: input.runAt,
    dedupeKey: `release-unauthenticated:${input.holdRef}`,
  };
}

/**
 * BOOK-7: every move of an appointment bumps its schedule version; the deadline jobs of a version
 * have their own keys (version 0 keeps the original ones), so a move can retire the old jobs and
 * enqueue new ones, and a job of an old version that runs anyway does nothing.
 */
export function versionSuffix(scheduleVersion: number): string {
  return scheduleVersion === 0 ? '' : `:v${scheduleVersion}`;
}

/** The dedupe keys of an appointment's deadline jobs for one schedule version. */
export function appointmentJobKeys(consultationId: string, scheduleVersion: number): string[] {
  const suffix = versionSuffix(scheduleVersion);
  return [
    `no-show:${consultationId}${suffix}`,
    ...REMINDER_LEADS.map((reminder) => `reminder-${reminder.name}:${consultationId}${suffix}`),
    `place-hold:${consultationId}${suffix}`,
  ];
}

/** The jobs a new booking (or a moved appointment, BOOK-7) needs, written in its transaction. */
export function bookingJobs(input: { consultationId: string; startAt: Date | null; now: Date; deferredHold: boolean; scheduleVersion?: number }): JobRequest[] {
  const { consultationId: id, startAt, now } = input;
  if (!startAt) {
    // BOOK-4
    return [
      {
        kind: BOOKING_JOBS.expireRequest,
        payload: { consultationId: id },
        runAt: minutesAfter(now, IMMEDIATE_REQUEST_TIMEOUT_MINUTES),
        dedupeKey: `expire:${id}`,
      },
    ];
  }
  const scheduleVersion = input.scheduleVersion ?? 0;
  const suffix = versionSuffix(scheduleVersion);
  const payload = { consultationId: id, scheduleVersion };
  const jobs: JobRequest[] = [
    // BOOK-5
    { kind: BOOKING_JOBS.detectNoShow, payload, runAt: minutesAfter(startAt, NO_SHOW_MINUTES), dedupeKey: `no-show:${id}${suffix}` },
  ];
  for (const reminder of REMINDER_LEADS) {
    // BOOK-6: a reminder whose time has already passed at booking is not sent.
    const runAt = minutesAfter(startAt, -reminder.leadMinutes);
    if (runAt > now)
      jobs.push({
        kind: BOOKING_JOBS.reminder,
        payload: { ...payload, reminder: reminder.name },
        runAt,
        dedupeKey: `reminder-${reminder.name}:${id}${suffix}`,
      });
  }
  if (input.deferredHold) {
    // BOOK-3
    jobs.push({ kind: BOOKING_JOBS.placeHold, payload, runAt: deferredHoldAt(startAt), dedupeKey: `place-hold:${id}${suffix}` });
  }
  return jobs;
}

/** The version a job was made for (jobs enqueued before BOOK-7 carry none: version 0). */
function jobScheduleVersion(payload: Record<string, unknown>): number {
  return Number(payload['scheduleVersion'] ?? 0);
}

/** BOOK-7: is this job about the appointment's current time? */
async function isCurrentSchedule(db: Database, payload: Record<string, unknown>): Promise<boolean> {
  const [row] = await db.query<{ schedule_version: number }>('SELECT schedule_version FROM consultations WHERE id = $1', [String(payload['consultationId'])]);
  return row !== undefined && row.schedule_version === jobScheduleVersion(payload);
}

export function registerBookingJobs(
  queue: JobQueue,
  deps: { db: Database; payments: PaymentProvider; consultations: ConsultationStateMachine; logger: Logger },
): void {
  const { db, consultations } = deps;
  const consultationId = (payload: Record<string, unknown>) => String(payload['consultationId']);

  queue.register(BOOKING_JOBS.expireRequest, async (payload) => {
    const { retryAt } = await consultations.expireRequest(consultationId(payload));
    return retryAt ? { outcome: 'retry_at', runAt: retryAt } : { outcome: 'done' };
  });

  queue.register(BOOKING_JOBS.detectNoShow, async (payload) => {
    if (!(await isCurrentSchedule(db, payload))) return; // moved since (BOOK-7): the new time has its own check
    await consultations.detectNoShow(consultationId(payload));
  });

  queue.register(BOOKING_JOBS.reminder, async (payload, { now }) => {
    const reminder = REMINDER_LEADS.find((candidate) => candidate.name === payload['reminder']);
    if (!reminder) throw new Error(`unknown reminder ${String(payload['reminder'])}`);
    const [row] = await db.query<{ status: string; client_id: string; expert_id: string; mode: string; start_at: Date; schedule_version: number }>(
      'SELECT status, client_id, expert_id, mode, start_at, schedule_version FROM consultations WHERE id = $1',
      [consultationId(payload)],
    );
    // A cancelled appointment gets no reminder; a moved one gets those of its new time (BOOK-7).
    if (row?.status !== 'scheduled' || row.schedule_version !== jobScheduleVersion(payload)) return;
    const data = { consultationId: consultationId(payload), mode: row.mode, startAt: row.start_at.toISOString(), scheduleVersion: row.schedule_version };
    const occurrence = row.schedule_version === 0 ? undefined : `v${row.schedule_version}`;
    await db.transaction(async (tx) => {
      for (const [userId, recipientRole] of [
        [row.client_id, 'client'],
        [row.expert_id, 'expert'],
      ] as const) {
        await enqueueJob(
          tx,
          notificationJob({ event: reminder.event, userId, consultationId: data.consultationId, at: now, data: { ...data, recipientRole }, occurrence }),
          now,
        );
      }
    });
  });

  queue.register(BOOKING_JOBS.placeHold, async (payload, { now }) => {
    if (!(await isCurrentSchedule(db, payload))) return { outcome: 'done' }; // moved since (BOOK-7): the new time has its own job
    return placeDeferredHold({ ...deps, consultationId: consultationId(payload), now });
  });

  queue.register(BOOKING_JOBS.releaseUnauthenticatedHold, async (payload) => {
    const holdRef = String(payload['holdRef']);
    // Deleting first settles a race with a late booking: whichever deletes the row owns the hold.
    // A consultation with the hold's id means the booking won; otherwise the hold is nobody's
    // (also when a first run deleted the row and then failed to release).
    await db.query('DELETE FROM pending_card_authentications WHERE hold_ref = $1', [holdRef]);
    const [booked] = await db.query('SELECT 1 FROM consultations WHERE id = $1', [consultationId(payload)]);
    if (!booked) await releaseUnusedHold(deps.payments, consultationId(payload), holdRef);
  });
}

interface HoldCandidate {
  status: string;
  start_at: Date;
  client_id: string;
  terms: ConsultationTerms;
  payment_method_ref: string;
  payment_hold_ref: string | null;
  hold_failures: number;
  schedule_version: number;
}

/**
 * BOOK-3: holds the price on the card saved at booking, if the appointment has no hold yet. A
 * refusal (or a bank asking for 3-D Secure, with nobody on the page to pass it) is counted, so
 * the next attempt uses a new idempotency key; a crash after a success replays the same key and
 * gets the same hold back.
 */
export async function tryPlaceHold(deps: {
  db: Database;
  payments: PaymentProvider;
  consultationId: string;
  now: Date;
}): Promise<{ outcome: 'placed' | 'not_needed' } | { outcome: 'refused'; consultation: HoldCandidate }> {
  const { db, payments, consultationId: id } = deps;
  const [row] = await db.query<HoldCandidate>(
    'SELECT status, start_at, client_id, terms, payment_method_ref, payment_hold_ref, hold_failures, schedule_version FROM consultations WHERE id = $1',
    [id],
  );
  if (!row || row.status !== 'scheduled' || row.payment_hold_ref) return { outcome: 'not_needed' };
  // A move that released a hold bumped the version (BOOK-7): the next hold never replays a released one's key.
  const idempotencyKey = `hold:${id}${versionSuffix(row.schedule_version)}:${row.hold_failures}`;
  let holdRef: string | undefined;
  try {
    const authorisation = await payments.authorise({
      amountCents: holdAmountCents(row.terms),
      paymentMethod: row.payment_method_ref,
      customerRef: await customerOfSavedCard(db, row.client_id, row.payment_method_ref),
      offSession: true,
      idempotencyKey,
      description: `Consultation ${id}`,
    });
    if (authorisation.status === 'authorised') holdRef = authorisation.holdRef;
    else await payments.release({ holdRef: authorisation.holdRef, idempotencyKey: `release:${idempotencyKey}` });
  } catch (error) {
    if (!(error instanceof PaymentDeclinedError)) throw error;
  }
  if (!holdRef) {
    await db.query('UPDATE consultations SET hold_failures = hold_failures + 1, hold_failed_at = COALESCE(hold_failed_at, $2) WHERE id = $1', [id, deps.now]);
    return { outcome: 'refused', consultation: row };
  }
  const [stored] = await db.query(
    `UPDATE consultations SET payment_hold_ref = $2, hold_placed_at = $3 WHERE id = $1 AND status = 'scheduled' AND payment_hold_ref IS NULL RETURNING id`,
    [id, holdRef, deps.now],
  );
  // Cancelled (or fixed) meanwhile: this hold is not needed.
  if (!stored) await payments.release({ holdRef, idempotencyKey: `release:${idempotencyKey}` });
  return { outcome: 'placed' };
}

/**
 * BOOK-3: 24 h before a far appointment, hold the price on the saved card. If the bank refuses,
 * the client is told and may fix the card (PUT /api/consultations/:id/payment-method); we try
 * again every hour until 2 h before the start, then the platform cancels with no fee.
 */
export async function placeDeferredHold(deps: {
  db: Database;
  payments: PaymentProvider;
  consultations: ConsultationStateMachine;
  logger: Logger;
  consultationId: string;
  now: Date;
}): Promise<JobResult> {
  const { db, consultationId: id, now } = deps;
  const attempt = await tryPlaceHold(deps);
  if (attempt.outcome !== 'refused') return { outcome: 'done' };
  const row = attempt.consultation;
  const deadline = holdFixDeadline(row.start_at);
  // Told once; the retries that follow are silent (docs/notifications.md: one email per consultation).
  await enqueueJob(
    db,
    notificationJob({
      event: 'payment_hold_failed',
      userId: row.client_id,
      consultationId: id,
      at: now,
      data: { consultationId: id, startAt: row.start_at.toISOString(), fixBefore: deadline.toISOString() },
      // Told once per time of the appointment: a moved one whose card fails again is told again (BOOK-7).
      occurrence: row.schedule_version === 0 ? undefined : `v${row.schedule_version}`,
    }),
    now,
  );
  if (now >= deadline) {
    deps.logger.info({ consultationId: id }, 'deferred hold failed until the deadline: cancelling without fee (BOOK-3)');
    await deps.consultations.cancel(id, 'platform');
    return { outcome: 'done' };
  }
  const next = minutesAfter(now, HOLD_RETRY_INTERVAL_MINUTES);
  return { outcome: 'retry_at', runAt: next < deadline ? next : deadline };
}
