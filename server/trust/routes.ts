import { z } from 'zod';
import type { Api } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { notFound } from '../platform/errors.ts';
import type { ConsultationStateMachine } from '../bookings/state-machine.ts';
import { COMPLAINT_LIST_MAX, COMPLAINT_TEXT_MAX_LENGTH, type ComplaintService } from './complaints.ts';
import { REVIEW_COMMENT_MAX_LENGTH, REVIEW_LIST_MAX, listPublishedReviews, listReviewsOfExpert, submitReview } from './reviews.ts';
import { REPORT_COMMENT_MAX_LENGTH, REPORT_REASONS, fileReport } from './reports.ts';
import { blockClient, listBlockedClients, unblockClient } from './blocking.ts';

const uuid = z.uuid();
const text = (max: number) => z.string().trim().min(1).max(max);

const reviewBody = z.object({ stars: z.number().int().min(1).max(5), comment: z.string().max(REVIEW_COMMENT_MAX_LENGTH).optional() }).strict();

const complaintBody = z
  .object({
    consultationId: uuid.optional(),
    kind: z.enum(['consultation', 'platform']),
    comment: text(COMPLAINT_TEXT_MAX_LENGTH),
    incidentAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const answerBody = z
  .object({
    resolution: z.enum(['full_refund', 'partial_refund', 'rejected', 'answered']),
    refundCents: z.number().int().min(1).max(1_000_000).optional(),
    reply: z.string().max(COMPLAINT_TEXT_MAX_LENGTH).optional(),
  })
  .strict();

const reportBody = z
  .object({
    targetType: z.enum(['profile', 'review']),
    expertSlug: z.string().min(1).max(200).optional(),
    reviewId: uuid.optional(),
    reason: z.enum(REPORT_REASONS),
    comment: z.string().max(REPORT_COMMENT_MAX_LENGTH).optional(),
  })
  .strict();

const limitQuery = (max: number) => z.object({ limit: z.coerce.number().int().min(1).max(max).default(Math.min(50, max)) });

/** TRUST-1, TRUST-2, TRUST-3, TRUST-5, TRUST-6: what clients and experts do from their areas. */
export function trustRoutes(
  api: Api,
  deps: { db: Database; clock: Clock; complaints: ComplaintService; consultations: ConsultationStateMachine; logger: Logger },
) {
  const { db, clock, complaints } = deps;
  const tag = 'trust';

  api.route(
    {
      method: 'post',
      path: '/api/consultations/:id/review',
      summary: 'Rate a charged consultation once, within 30 days (TRUST-1)',
      tag,
      access: ['client'],
      body: reviewBody,
      successStatus: 201,
    },
    async ({ req, body, user }) => {
      const consultationId = String(req.params['id']);
      if (!uuid.safeParse(consultationId).success) throw notFound('Consultation');
      return submitReview(db, clock, { clientId: user!.id, consultationId, stars: body.stars, comment: body.comment });
    },
  );

  // Before `/api/experts/:slug/reviews`, which would otherwise read "me" as a slug.
  api.route(
    {
      method: 'get',
      path: '/api/experts/me/reviews',
      summary: 'All reviews of my consultations with their moderation state (TRUST-1, TRUST-5)',
      tag,
      access: ['expert'],
      query: limitQuery(REVIEW_LIST_MAX),
    },
    async ({ user, query }) => ({ reviews: await listReviewsOfExpert(db, user!.id, query.limit) }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/experts/:slug/reviews',
      summary: "The published reviews of an expert's consultation page (TRUST-1)",
      tag,
      access: 'public',
      query: limitQuery(REVIEW_LIST_MAX),
    },
    async ({ req, query }) => {
      const reviews = await listPublishedReviews(db, String(req.params['slug']), query.limit);
      if (!reviews) throw notFound('Expert');
      return { reviews };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/complaints',
      summary: 'File a complaint about a consultation (TRUST-2) or the platform (TRUST-3)',
      tag,
      access: 'user',
      body: complaintBody,
      successStatus: 201,
    },
    ({ body, user }) => complaints.file(user!, body),
  );

  api.route(
    {
      method: 'get',
      path: '/api/complaints',
      summary: 'The complaints I filed, and for an expert those about my consultations',
      tag,
      access: ['client', 'expert'],
      query: limitQuery(COMPLAINT_LIST_MAX),
    },
    async ({ user, query }) => ({ complaints: await complaints.listMine(user!, query.limit) }),
  );

  api.route(
    { method: 'get', path: '/api/complaints/:id', summary: 'A complaint: its complainant, the expert concerned and admins only', tag, access: 'user' },
    ({ req, user }) => {
      const id = String(req.params['id']);
      if (!uuid.safeParse(id).success) throw notFound('Complaint');
      return complaints.readFor(user!, id);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/complaints/:id/answer',
      summary: 'The expert answers within 14 days: full refund, partial refund (refundCents) or rejection with a reply (TRUST-2)',
      tag,
      access: ['expert'],
      body: answerBody,
    },
    ({ req, body, user }) => {
      const id = String(req.params['id']);
      if (!uuid.safeParse(id).success) throw notFound('Complaint');
      return complaints.answer(user!, id, body);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/reports',
      summary: "Report an expert's profile or a review as abusive (TRUST-5)",
      tag,
      access: 'user',
      body: reportBody,
      successStatus: 201,
    },
    ({ body, user }) => fileReport(db, { reporterId: user!.id, ...body, at: clock.now() }),
  );

  api.route({ method: 'get', path: '/api/experts/me/blocks', summary: 'The clients I blocked (TRUST-6)', tag, access: ['expert'] }, async ({ user }) => ({
    blocks: await listBlockedClients(db, user!.id),
  }));

  api.route(
    {
      method: 'post',
      path: '/api/experts/me/blocks',
      summary: 'Block a client of mine: they can no longer book me, open appointments are cancelled without fee (TRUST-6)',
      tag,
      access: ['expert'],
      body: z.object({ clientId: uuid }).strict(),
      successStatus: 201,
    },
    async ({ body, user }) => {
      const { cancelledConsultationIds } = await blockClient(deps, user!.id, body.clientId);
      return { clientId: body.clientId, cancelledConsultationIds };
    },
  );

  api.route(
    { method: 'delete', path: '/api/experts/me/blocks/:clientId', summary: 'Unblock a client (TRUST-6)', tag, access: ['expert'] },
    async ({ req, user }) => {
      const clientId = String(req.params['clientId']);
      if (!uuid.safeParse(clientId).success) throw notFound('Blocked client');
      await unblockClient(db, user!.id, clientId);
    },
  );
}
