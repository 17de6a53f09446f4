import { randomInt, randomUUID } from 'node:crypto';
import type { Database } from '../platform/database.ts';
import { CHECK_VIOLATION, EXCLUSION_VIOLATION, UNIQUE_VIOLATION, sqlState } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { AppError, badRequest, conflict, notFound, paymentRequired } from '../platform/errors.ts';
import { parseE164 } from '../platform/phone.ts';
import { assertEmailVerified } from '../accounts/email-verification.ts';
import { holdAmountCents, type ConsultationMode } from '../billing/index.ts';
import { termsInForce } from '../pricing/terms.ts';
import { claimDiscountCodeUse } from '../pricing/discounts.ts';
import { PaymentDeclinedError, type PaymentProvider } from '../payments/provider.ts';
import { customerOfSavedCard } from '../payments/saved-cards.ts';
import { readAvailability } from '../availability/store.ts';
import { MAX_BOOKING_DAYS_AHEAD, isWithinAvailability } from '../availability/schedule.ts';
import { notificationJob } from '../jobs/notify.ts';
import { releaseUnusedHold } from './unused-hold.ts';
import { enqueueJob, type JobRequest } from '../jobs/queue.ts';
import { bookingJobs, releaseUnauthenticatedHoldJob } from './jobs.ts';
import { requestSmsJob } from '../live/request-sms.ts';
import { IMMEDIATE_REQUEST_TIMEOUT_MINUTES, holdIsDeferred, minutesAfter, reservedMinutes } from './rules.ts';
import { lockExpertAgenda } from './agenda-lock.ts';

/** SPEC §11 `POST /api/consultations`. */
export interface BookingRequest {
  expertSlug: string;
  mode: ConsultationMode;
  startAt: string | null;
  budgetCents?: number | undefined;
  packageId?: string | undefined;
  phoneNumber?: string | undefined;
  paymentMethod: string;
  discountCode?: string | undefined;
  acceptTerms?: boolean | undefined;
  waiveWithdrawal?: boolean | undefined;
  /** BOOK-3: the hold of a first attempt, after the client passed the bank's 3-D Secure step. */
  authenticatedHoldRef?: string | undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const PHONE_RETURN_CODE_DIGITS = 6;

/** BOOK-3: how long a hold waits for the client's 3-D Secure step before it is released. */
export const AUTHENTICATION_TIMEOUT_MINUTES = 30;

/**
 * 3-D Secure needed: the page runs the bank's step with the client secret, then books again with
 * `authenticatedHoldRef` (BOOK-3, docs/decisions.md).
 */
export class AuthenticationRequiredError extends AppError {
  readonly clientSecret: string;
  readonly holdRef: string;

  constructor(clientSecret: string, holdRef: string) {
    super(402, 'authentication_required', 'The card needs 3-D Secure authentication before it can be charged.');
    this.clientSecret = clientSecret;
    this.holdRef = holdRef;
  }
}

/**
 * BOOK-1 … BOOK-4: turns a client's choice into a consultation, or into a typed refusal that
 * leaves nothing behind (no row, no hold). Order: everything that can be refused without side
 * effects first, then the card hold (the only external effect, keyed by the consultation id
 * generated up front), then one transaction that inserts the consultation with its jobs; if that
 * transaction fails (the slot was taken meanwhile, EXP-6), the hold is released.
 */
export class BookingService {
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

  async book(clientId: string, request: BookingRequest): Promise<string> {
    // BOOK-1: both ticks, stored with their time.
    if (request.acceptTerms !== true) throw badRequest('terms_not_accepted', 'Tick "I accept the terms" to book (BOOK-1).', 'acceptTerms');
    if (request.waiveWithdrawal !== true) {
      throw badRequest('withdrawal_not_waived', 'Ask for the service to start before the end of the withdrawal period (BOOK-1).', 'waiveWithdrawal');
    }
    await assertSignupComplete(this.#db, clientId);
    await assertEmailVerified(this.#db, clientId);
    const [expert] = await this.#db.query<{ user_id: string; available_now: boolean; published: boolean }>(
      `SELECT e.user_id, e.available_now, e.photo IS NOT NULL AND u.email_verified_at IS NOT NULL AS published
         FROM expert_profiles e JOIN users u ON u.id = e.user_id
        WHERE e.slug = $1 AND u.status = 'active'`,
      [request.expertSlug],
    );
    if (!expert) throw notFound('Expert');
    // §11, ACC-10: a page is published once it has a photo, a price and a verified email; the pricing is checked with the terms below.
    if (!expert.published) throw conflict('page_not_published', "This expert's consultation page is not published yet.", 'expertSlug');

    // TEL-6: a real number of its country (libphonenumber-js), stored in E.164; its country gives the BILL-8 tier.
    let phoneNumber: string | null = null;
    let phoneCountry = 'FR';
    if (request.mode === 'phone') {
      const parsed = request.phoneNumber === undefined ? undefined : parseE164(request.phoneNumber);
      if (!parsed) {
        throw badRequest(
          'invalid_phone_number',
          'A phone consultation needs a valid number to call in E.164 form, e.g. +33612345678 (BOOK-1, TEL-6).',
          'phoneNumber',
        );
      }
      phoneNumber = parsed.e164;
      phoneCountry = parsed.country;
    }

    const now = this.#clock.now();
    // BILL-13: the same function as the quote route, so the page and the bill agree.
    const { terms, packageId, discountCodeId } = await termsInForce(this.#db, {
      expertId: expert.user_id,
      choice: {
        mode: request.mode,
        budgetCents: request.budgetCents,
        packageId: request.packageId,
        country: phoneCountry,
        discountCode: request.discountCode,
      },
      at: now,
      clientId,
    });
    const minutes = reservedMinutes(terms);

    let startAt: Date | null = null;
    if (request.startAt === null) {
      // BOOK-4: an immediate request only while the expert's "available now" switch is on.
      if (!expert.available_now) throw conflict('expert_not_available', 'This expert is not available now; pick a slot instead.', 'startAt');
      // Busy: another request or consultation now, or an appointment starting within the minutes this one may last.
      const [busy] = await this.#db.query(
        `SELECT 1 FROM consultations WHERE expert_id = $1
            AND (status IN ('requested', 'live')
                 OR (status = 'scheduled' AND reserved_during && tstzrange($2::timestamptz, $2::timestamptz + make_interval(mins => $3))))
          LIMIT 1`,
        [expert.user_id, now, minutes],
      );
      if (busy) throw expertBusy();
    } else {
      startAt = new Date(request.startAt);
      if (startAt <= now) throw badRequest('start_in_past', 'An appointment starts in the future.', 'startAt');
      if (startAt.getTime() - now.getTime() > MAX_BOOKING_DAYS_AHEAD * DAY_MS) {
        throw badRequest('start_too_far', `Appointments are booked at most ${MAX_BOOKING_DAYS_AHEAD} days ahead.`, 'startAt');
      }
      const availability = await readAvailability(this.#db, expert.user_id);
      if (!isWithinAvailability(availability, startAt, minutes)) {
        throw badRequest('outside_availability', "This time is outside the expert's opening hours (EXP-6).", 'startAt');
      }
    }

    // TEL-5: typed on the keypad to return to the call from a phone other than the number on file.
    const phoneReturnCode = request.mode === 'phone' ? String(randomInt(0, 10 ** PHONE_RETURN_CODE_DIGITS)).padStart(PHONE_RETURN_CODE_DIGITS, '0') : null;
    const amountCents = holdAmountCents(terms);
    const authenticatedHoldRef = request.authenticatedHoldRef;
    let id: string = randomUUID();
    let holdRef: string | null = null;
    if (authenticatedHoldRef) {
      id = await this.#authenticatedHold(clientId, authenticatedHoldRef, amountCents, request.paymentMethod);
      holdRef = authenticatedHoldRef;
    } else if (!(startAt !== null && holdIsDeferred(startAt, now))) {
      holdRef = await this.#authorise({ consultationId: id, clientId, amountCents, paymentMethod: request.paymentMethod });
    }
    const deferred = holdRef === null;

    const jobs: JobRequest[] = startAt
      ? [
          ...bookingJobs({ consultationId: id, startAt, now, deferredHold: deferred }),
          notificationJob({
            event: 'booking_confirmed_client',
            userId: clientId,
            consultationId: id,
            at: now,
            data: bookingData(id, request.mode, startAt, phoneReturnCode),
          }),
          notificationJob({
            event: 'booking_confirmed_expert',
            userId: expert.user_id,
            consultationId: id,
            at: now,
            data: bookingData(id, request.mode, startAt, phoneReturnCode),
          }),
        ]
      : [
          ...bookingJobs({ consultationId: id, startAt: null, now, deferredHold: false }),
          notificationJob({
            event: 'immediate_request_expert',
            userId: expert.user_id,
            consultationId: id,
            at: now,
            data: { ...bookingData(id, request.mode, null, phoneReturnCode), minutesToJoin: IMMEDIATE_REQUEST_TIMEOUT_MINUTES },
          }),
          // BOOK-4: and a text to the expert's mobile, if they opted in (the job checks).
          requestSmsJob({ consultationId: id, at: now }),
        ];
    try {
      await this.#db.transaction(async (tx) => {
        await lockExpertAgenda(tx, expert.user_id);
        // The authenticated hold books one consultation: a second attempt with it finds no row.
        if (authenticatedHoldRef) {
          const [pending] = await tx.query('DELETE FROM pending_card_authentications WHERE hold_ref = $1 AND client_id = $2 RETURNING hold_ref', [
            authenticatedHoldRef,
            clientId,
          ]);
          if (!pending) throw authenticationExpired();
        }
        // EXP-7: racing bookings with the last use of a code are decided one after the other, under the code's row lock.
        if (discountCodeId) await claimDiscountCodeUse(tx, discountCodeId);
        await tx.query(
          `INSERT INTO consultations (id, expert_id, client_id, mode, pricing, status, start_at, reserved_minutes, reserved_during, terms,
             package_id, discount_code_id, phone_number, terms_accepted_at, withdrawal_waived_at, payment_method_ref, payment_hold_ref, created_at, hold_placed_at,
             phone_return_code)
           VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz, $8,
             CASE WHEN $7::timestamptz IS NULL THEN NULL ELSE tstzrange($7::timestamptz, $7::timestamptz + make_interval(mins => $8), '[)') END,
             $9, $10, $11, $12, $13, $13, $14, $15, $13, CASE WHEN $15::text IS NULL THEN NULL ELSE $13::timestamptz END, $16)`,
          [
            id,
            expert.user_id,
            clientId,
            request.mode,
            terms.pricing,
            startAt ? 'scheduled' : 'requested',
            startAt,
            minutes,
            JSON.stringify(terms),
            packageId,
            discountCodeId,
            phoneNumber,
            now,
            request.paymentMethod,
            holdRef,
            phoneReturnCode,
          ],
        );
        for (const job of jobs) await enqueueJob(tx, job, now);
      });
    } catch (error) {
      // Used by another attempt: the hold is that consultation's now.
      if (error instanceof AppError && error.code === 'authentication_expired') throw error;
      if (holdRef) await this.#releaseUnused(id, holdRef);
      if (authenticatedHoldRef) await this.#db.query('DELETE FROM pending_card_authentications WHERE hold_ref = $1', [authenticatedHoldRef]);
      if (sqlState(error) === EXCLUSION_VIOLATION) {
        throw conflict('slot_taken', 'This slot was just booked by someone else; pick another one (EXP-6).', 'startAt');
      }
      if (sqlState(error) === UNIQUE_VIOLATION && startAt === null) throw expertBusy();
      // TRUST-6: the database refuses a booking that raced the expert blocking this client.
      if (sqlState(error) === CHECK_VIOLATION && String((error as Error).message).includes('is blocked by expert')) {
        throw new AppError(403, 'booking_refused', 'This expert does not accept bookings from you.');
      }
      throw error;
    }
    return id;
  }

  /**
   * BOOK-3: the hold of the budget or package price; a refusal is a 402 with the provider's code.
   * When the bank asks for 3-D Secure, nothing is booked: the waiting hold is remembered for the
   * client's next attempt and released if it is not used in time.
   */
  async #authorise(request: { consultationId: string; clientId: string; amountCents: number; paymentMethod: string }): Promise<string> {
    const { consultationId, clientId, amountCents, paymentMethod } = request;
    let authorisation;
    try {
      authorisation = await this.#payments.authorise({
        amountCents,
        paymentMethod,
        customerRef: await customerOfSavedCard(this.#db, clientId, paymentMethod),
        idempotencyKey: `hold:${consultationId}`,
        description: `Consultation ${consultationId}`,
      });
    } catch (error) {
      if (error instanceof PaymentDeclinedError) throw paymentRequired(error.code, error.message);
      throw error;
    }
    if (authorisation.status === 'authorised') return authorisation.holdRef;
    const now = this.#clock.now();
    const expiresAt = minutesAfter(now, AUTHENTICATION_TIMEOUT_MINUTES);
    await this.#db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO pending_card_authentications (hold_ref, consultation_id, client_id, amount_cents, payment_method_ref, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [authorisation.holdRef, consultationId, clientId, amountCents, paymentMethod, now, expiresAt],
      );
      await enqueueJob(tx, releaseUnauthenticatedHoldJob({ consultationId, holdRef: authorisation.holdRef, runAt: expiresAt }), now);
    });
    throw new AuthenticationRequiredError(authorisation.clientSecret, authorisation.holdRef);
  }

  /**
   * BOOK-3: the hold a first attempt left waiting, once the client passed 3-D Secure. It must be
   * this client's, unexpired, for the same amount and card; its consultation id (the key the hold
   * was made with) becomes the booking's.
   */
  async #authenticatedHold(clientId: string, holdRef: string, amountCents: number, paymentMethod: string): Promise<string> {
    const [pending] = await this.#db.query<{ consultation_id: string; amount_cents: number; payment_method_ref: string; expires_at: Date }>(
      'SELECT consultation_id, amount_cents, payment_method_ref, expires_at FROM pending_card_authentications WHERE hold_ref = $1 AND client_id = $2',
      [holdRef, clientId],
    );
    if (!pending || pending.expires_at <= this.#clock.now()) throw authenticationExpired();
    if (pending.amount_cents !== amountCents || pending.payment_method_ref !== paymentMethod) {
      throw conflict('authentication_mismatch', 'The card was confirmed for another amount or card; book again.', 'authenticatedHoldRef');
    }
    let authorisation;
    try {
      authorisation = await this.#payments.retrieveAuthorisation(holdRef);
    } catch (error) {
      if (error instanceof PaymentDeclinedError) throw paymentRequired(error.code, error.message);
      throw error;
    }
    if (authorisation.status === 'requires_action') throw new AuthenticationRequiredError(authorisation.clientSecret, holdRef);
    if (authorisation.status === 'failed') {
      await this.#releaseUnused(pending.consultation_id, holdRef);
      await this.#db.query('DELETE FROM pending_card_authentications WHERE hold_ref = $1', [holdRef]);
      throw paymentRequired('authentication_failed', 'The bank did not confirm the card (3-D Secure); try again or use another card.');
    }
    return pending.consultation_id;
  }

  async #releaseUnused(consultationId: string, holdRef: string): Promise<void> {
    await releaseUnusedHold(this.#payments, consultationId, holdRef).catch((releaseError: unknown) => {
      // The provider lets an unused authorisation lapse by itself; log so support can release it sooner.
      this.#logger.error({ err: releaseError, consultationId, holdRef }, 'releasing the hold of a failed booking failed');
    });
  }
}

const authenticationExpired = () =>
  conflict('authentication_expired', 'This card confirmation has expired or was already used; book again.', 'authenticatedHoldRef');

/** BOOK-4: one immediate request at a time per expert (also a unique index, for concurrent requests). */
const expertBusy = () => conflict('expert_busy', 'This expert is in another consultation; try again in a few minutes.', 'startAt');

function bookingData(consultationId: string, mode: ConsultationMode, startAt: Date | null, phoneReturnCode: string | null) {
  // scheduleVersion: this email's .ics is the first version of the appointment, even if it is sent after a move (BOOK-7).
  return { consultationId, mode, startAt: startAt?.toISOString() ?? null, scheduleVersion: 0, ...(phoneReturnCode ? { phoneReturnCode } : {}) };
}

/**
 * ACC-2: "an incomplete signup cannot book". Complete means an active client account with the
 * four signup fields (first name, last name, email, password) and the accepted terms (ACC-1);
 * the optional client-area fields are not needed. docs/decisions.md.
 */
async function assertSignupComplete(db: Database, clientId: string): Promise<void> {
  const [user] = await db.query<{ complete: boolean }>(
    `SELECT (role = 'client' AND status = 'active' AND length(first_name) > 0 AND length(last_name) > 0 AND length(email) > 0
             AND length(password_hash) > 0 AND terms_accepted_at IS NOT NULL) AS complete
       FROM users WHERE id = $1`,
    [clientId],
  );
  if (!user?.complete) throw new AppError(403, 'signup_incomplete', 'Complete your signup before booking (ACC-2).');
}
