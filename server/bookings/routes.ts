import { z } from 'zod';
import type { Api } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import { badRequest, conflict, notFound, paymentRequired } from '../platform/errors.ts';
import { MAX_FREE_RATE_BUDGET_CENTS } from '../billing/index.ts';
import type { PaymentProvider } from '../payments/provider.ts';
import type { Logger } from '../platform/logger.ts';
import { AuthenticationRequiredError, type BookingService } from './booking.ts';
import type { ConsultationStateMachine, Party } from './state-machine.ts';
import { LIST_LIMIT_MAX, listConsultations, readConsultation } from './view.ts';
import { placeDeferredHold } from './jobs.ts';
import { cancelByParty } from './cancel.ts';
import { deferredHoldAt } from './rules.ts';

/** Longest value a client sends for a field, so no body can be made of megabytes of one string. */
const MAX_TOKEN_LENGTH = 200;

const bookingBody = z
  .object({
    expertSlug: z.string().min(1).max(MAX_TOKEN_LENGTH),
    mode: z.enum(['video', 'phone']),
    startAt: z.iso.datetime({ offset: true }).nullable(),
    // BILL-1's ceiling is checked by the billing rules with its own code (budget_too_large); this only bounds the integer.
    budgetCents: z
      .number()
      .int()
      .min(0)
      .max(MAX_FREE_RATE_BUDGET_CENTS * 1000)
      .optional(),
    packageId: z.string().max(MAX_TOKEN_LENGTH).optional(),
    phoneNumber: z.string().max(32).optional(),
    paymentMethod: z.string().min(1).max(MAX_TOKEN_LENGTH),
    discountCode: z.string().max(32).optional(),
    acceptTerms: z.boolean().optional(),
    waiveWithdrawal: z.boolean().optional(),
    authenticatedHoldRef: z.string().min(1).max(MAX_TOKEN_LENGTH).optional(),
  })
  .strict();

const listQuery = z.object({
  role: z.enum(['client', 'expert']).optional(),
  when: z.enum(['upcoming', 'past']).default('upcoming'),
  limit: z.coerce.number().int().min(1).max(LIST_LIMIT_MAX).default(50),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function bookingRoutes(
  api: Api,
  deps: { db: Database; clock: Clock; bookings: BookingService; consultations: ConsultationStateMachine; payments: PaymentProvider; logger: Logger },
) {
  const { db, clock, bookings, consultations } = deps;
  const tag = 'consultations';

  api.route(
    {
      method: 'post',
      path: '/api/consultations',
      summary: 'Book: an immediate request (startAt null, BOOK-4) or an appointment (BOOK-5), with the card hold (BOOK-3)',
      tag,
      access: ['client'],
      body: bookingBody,
      successStatus: 201,
      idempotent: true,
    },
    async ({ body, user, res }) => {
      if (body.packageId !== undefined && !UUID.test(body.packageId)) throw badRequest('unknown_package', 'This expert offers no such package.', 'packageId');
      try {
        const id = await bookings.book(user!.id, body);
        return await readConsultation(db, id, user!);
      } catch (error) {
        if (error instanceof AuthenticationRequiredError) {
          // The page runs the bank's 3-D Secure step with this secret, then books again with the hold's reference.
          res.status(402).json({ error: { code: error.code, message: error.message, clientSecret: error.clientSecret, holdRef: error.holdRef } });
          return undefined;
        }
        throw error;
      }
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/consultations',
      summary: 'My consultations: the client area (role=client) or the expert workspace (role=expert), upcoming or past',
      tag,
      access: ['client', 'expert'],
      query: listQuery,
    },
    async ({ query, user }) => {
      const as: Party = query.role ?? (user!.role === 'expert' ? 'expert' : 'client');
      if (as !== user!.role) throw badRequest('invalid_role', `You are a ${user!.role}.`, 'role');
      return { consultations: await listConsultations(db, { userId: user!.id, as, when: query.when, limit: query.limit }) };
    },
  );

  api.route(
    { method: 'get', path: '/api/consultations/:id', summary: 'A consultation, for its parties and admins', tag, access: 'user' },
    async ({ req, user }) => {
      const view = await readConsultation(db, String(req.params['id']), user!);
      if (!view) throw notFound('Consultation');
      return view;
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/consultations/:id/cancel',
      summary: 'Cancel (BILL-10 client, BILL-11 immediate request, BILL-12 expert): returns the consultation with cancellationChargeCents',
      tag,
      access: ['client', 'expert'],
    },
    async ({ req, user }) => {
      const id = String(req.params['id']);
      const view = await readConsultation(db, id, user!);
      if (!view || user!.role === 'admin') throw notFound('Consultation');
      await cancelByParty(deps, id, view.client.id === user!.id ? 'client' : 'expert');
      return readConsultation(db, id, user!);
    },
  );

  api.route(
    {
      method: 'put',
      path: '/api/consultations/:id/payment-method',
      summary: 'BOOK-3: change the saved card of an appointment whose hold is not placed yet; within 24 h of the start the hold is tried at once',
      tag,
      access: ['client'],
      body: z.object({ paymentMethod: z.string().min(1).max(MAX_TOKEN_LENGTH) }).strict(),
    },
    async ({ req, body, user }) => {
      const id = String(req.params['id']);
      const view = await readConsultation(db, id, user!);
      if (!view || view.client.id !== user!.id) throw notFound('Consultation');
      if (view.status !== 'scheduled' || view.paymentHoldPlaced) {
        throw conflict('hold_already_placed', 'This consultation does not need a new card.');
      }
      await db.query(`UPDATE consultations SET payment_method_ref = $2 WHERE id = $1 AND status = 'scheduled' AND payment_hold_ref IS NULL`, [
        id,
        body.paymentMethod,
      ]);
      const now = clock.now();
      if (now >= deferredHoldAt(new Date(view.startAt!))) {
        await placeDeferredHold({ db, payments: deps.payments, consultations, logger: deps.logger, consultationId: id, now });
        const after = await readConsultation(db, id, user!);
        if (after && !after.paymentHoldPlaced && after.status === 'scheduled') {
          throw paymentRequired('card_declined', 'The card was refused; try another one before the deadline (BOOK-3).');
        }
        return after;
      }
      return readConsultation(db, id, user!);
    },
  );
}
