import { z } from 'zod';
import type { Api } from '../platform/http.ts';
import type { Database } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import { notFound } from '../platform/errors.ts';
import type { ComplaintService } from '../trust/complaints.ts';
import { COMPLAINT_LIST_MAX } from '../trust/complaints.ts';
import { answerBody } from '../trust/routes.ts';
import { REPORT_LIST_MAX, listReports } from '../trust/reports.ts';
import { AUDIT_PAGE_MAX, AUDIT_REASON_MAX_LENGTH, readAuditLog } from './audit.ts';
import type { AdminService } from './moderation.ts';
import { NOTICE_STATES, USER_SEARCH_MAX, USER_SORTS, activeNotices, listFeeSchedules, listNotices, listUsers, readUserDetail } from './queries.ts';
import { offsetOf, pageInfo, pageQuery } from '../platform/paging.ts';

const ADMIN = ['admin'] as const;
const uuid = z.uuid();
/** TRUST-4: every action says why; the reason goes to the audit log. */
const reason = z.string().trim().min(1).max(AUDIT_REASON_MAX_LENGTH);
const reasonBody = z.object({ reason }).strict();
const datetime = z.iso.datetime({ offset: true });
/** Lists answer this many rows unless asked otherwise (each has its own maximum). */
const DEFAULT_PAGE_SIZE = 50;
const NOTICES_PAGE_MAX = 100;

function idParam(value: unknown, what: string): string {
  const id = String(value);
  if (!uuid.safeParse(id).success) throw notFound(what);
  return id;
}

/** The admin console's API (TRUST-2…TRUST-5, BILL-13): admins only, everything else is 403. */
export function adminRoutes(api: Api, deps: { db: Database; clock: Clock; admin: AdminService; complaints: ComplaintService }) {
  const { db, clock, admin, complaints } = deps;
  const tag = 'admin';

  api.route(
    {
      method: 'get',
      path: '/api/admin/users',
      summary: 'Users, paged: search by email, name or slug, filter by role and status, sort by signup date or name',
      tag,
      access: ADMIN,
      query: pageQuery(USER_SEARCH_MAX, DEFAULT_PAGE_SIZE).extend({
        q: z.string().max(200).optional(),
        role: z.enum(['client', 'expert', 'admin']).optional(),
        status: z.enum(['active', 'suspended', 'closed']).optional(),
        sort: z.enum(USER_SORTS).default('signup_date'),
        order: z.enum(['asc', 'desc']).default('desc'),
      }),
    },
    async ({ query }) => {
      const { users, total } = await listUsers(db, { ...query, offset: offsetOf(query) });
      return { users, ...pageInfo(query, total) };
    },
  );

  api.route(
    { method: 'get', path: '/api/admin/users/:id', summary: 'One user: account, profile, wallet flag, counts', tag, access: ADMIN },
    async ({ req }) => {
      const detail = await readUserDetail(db, idParam(req.params['id'], 'User'));
      if (!detail) throw notFound('User');
      return detail;
    },
  );

  const userAction = (path: string, summary: string, run: (adminId: string, userId: string, body: z.infer<typeof reasonBody>) => Promise<void>) =>
    api.route({ method: 'post', path: `/api/admin/users/:id/${path}`, summary, tag, access: ADMIN, body: reasonBody }, async ({ req, body, user }) => {
      const userId = idParam(req.params['id'], 'User');
      await run(user!.id, userId, body);
      return readUserDetail(db, userId);
    });

  userAction('suspend', 'Suspend an account: signed out at once, open appointments cancelled without fee (TRUST-4)', (adminId, userId, body) =>
    admin.suspend({ id: adminId }, userId, body.reason),
  );
  userAction('reinstate', 'Reinstate a suspended account (TRUST-4)', (adminId, userId, body) => admin.reinstate({ id: adminId }, userId, body.reason));
  userAction('terminate', 'Terminate an account for good (TRUST-4)', (adminId, userId, body) => admin.terminate({ id: adminId }, userId, body.reason));
  userAction('remove-photo', "Remove an expert's profile photo (TRUST-4)", (adminId, userId, body) =>
    admin.removeProfilePhoto({ id: adminId }, userId, body.reason),
  );
  userAction('wallet/block', 'Block a wallet: no payouts (TRUST-4, PAY-5)', (adminId, userId, body) =>
    admin.setWalletBlocked({ id: adminId }, userId, true, body.reason),
  );
  userAction('wallet/unblock', 'Unblock a wallet (TRUST-4)', (adminId, userId, body) => admin.setWalletBlocked({ id: adminId }, userId, false, body.reason));

  api.route(
    {
      method: 'post',
      path: '/api/admin/users/:id/remove-content',
      summary: "Empty an expert's headline and/or description (TRUST-4)",
      tag,
      access: ADMIN,
      body: z
        .object({
          fields: z
            .array(z.enum(['headline', 'description']))
            .min(1)
            .max(2)
            .default(['headline', 'description']),
          reason,
        })
        .strict(),
    },
    async ({ req, body, user }) => {
      const userId = idParam(req.params['id'], 'User');
      await admin.removeProfileContent({ id: user!.id }, userId, body.fields, body.reason);
      return readUserDetail(db, userId);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/admin/notices',
      summary: 'Publish a notice on the site (TRUST-4)',
      tag,
      access: ADMIN,
      body: z
        .object({
          messageFr: z.string().trim().min(1).max(1000),
          messageEn: z.string().trim().min(1).max(1000),
          level: z.enum(['info', 'warning']).default('info'),
          startsAt: datetime.optional(),
          endsAt: datetime.optional(),
          reason,
        })
        .strict(),
      successStatus: 201,
    },
    ({ body, user }) => admin.publishNotice({ id: user!.id }, body),
  );

  api.route(
    {
      method: 'get',
      path: '/api/admin/notices',
      summary: 'Every site notice, newest first, paged; filter by state (active, scheduled, ended) (TRUST-4)',
      tag,
      access: ADMIN,
      query: pageQuery(NOTICES_PAGE_MAX, DEFAULT_PAGE_SIZE).extend({ state: z.enum(NOTICE_STATES).default('all') }),
    },
    async ({ query }) => {
      const { notices, total } = await listNotices(db, { state: query.state, now: clock.now(), limit: query.limit, offset: offsetOf(query) });
      return { notices, ...pageInfo(query, total) };
    },
  );

  api.route(
    { method: 'post', path: '/api/admin/notices/:id/withdraw', summary: 'Withdraw a notice (TRUST-4)', tag, access: ADMIN, body: reasonBody },
    async ({ req, body, user }) => {
      await admin.withdrawNotice({ id: user!.id }, idParam(req.params['id'], 'Notice'), body.reason);
    },
  );

  api.route({ method: 'get', path: '/api/notices', summary: 'The site notices in force, in both languages', tag: 'platform', access: 'public' }, async () => ({
    notices: await activeNotices(db, clock.now()),
  }));

  api.route(
    {
      method: 'get',
      path: '/api/admin/reports',
      summary: 'The reports queue (TRUST-5), oldest first, paged',
      tag,
      access: ADMIN,
      query: pageQuery(REPORT_LIST_MAX, DEFAULT_PAGE_SIZE).extend({ status: z.enum(['open', 'dismissed', 'actioned']).default('open') }),
    },
    async ({ query }) => {
      const { reports, total } = await listReports(db, { status: query.status, limit: query.limit, offset: offsetOf(query) });
      return { reports, ...pageInfo(query, total) };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/admin/reports/:id/decide',
      summary: 'Dismiss a report, or act on it (removeReview for a review) (TRUST-5)',
      tag,
      access: ADMIN,
      body: z.object({ decision: z.enum(['dismissed', 'actioned']), removeReview: z.boolean().default(false), reason }).strict(),
    },
    ({ req, body, user }) => admin.decideReport({ id: user!.id }, idParam(req.params['id'], 'Report'), body),
  );

  api.route(
    { method: 'post', path: '/api/admin/reviews/:id/remove', summary: 'Remove an abusive review (TRUST-5)', tag, access: ADMIN, body: reasonBody },
    async ({ req, body, user }) => {
      await admin.removeReview({ id: user!.id }, idParam(req.params['id'], 'Review'), body.reason);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/admin/complaints',
      summary:
        'The complaints queue sorted by deadline, paged: escalated and platform complaints to answer by default, overdue ones flagged (TRUST-2, TRUST-3)',
      tag,
      access: ADMIN,
      query: pageQuery(COMPLAINT_LIST_MAX, DEFAULT_PAGE_SIZE).extend({ status: z.enum(['to_answer', 'open', 'escalated', 'resolved']).default('to_answer') }),
    },
    async ({ query }) => {
      const queue = await complaints.adminQueue({ status: query.status, limit: query.limit, offset: offsetOf(query) });
      return { complaints: queue.complaints, ...pageInfo(query, queue.total) };
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/admin/complaints/:id/answer',
      summary: 'Answer an escalated (TRUST-2) or platform (TRUST-3) complaint',
      tag,
      access: ADMIN,
      body: answerBody.extend({ reason: reason.optional() }),
    },
    ({ req, body, user }) =>
      admin.answerComplaint({ id: user!.id }, idParam(req.params['id'], 'Complaint'), { ...body, reason: body.reason ?? body.reply ?? body.resolution }),
  );

  api.route(
    {
      method: 'get',
      path: '/api/admin/fee-schedules',
      summary: 'Fee schedules and surcharge tables with their effective dates (BILL-7, BILL-8, BILL-13)',
      tag,
      access: ADMIN,
    },
    () => listFeeSchedules(db, clock.now()),
  );

  api.route(
    {
      method: 'post',
      path: '/api/admin/fee-schedules',
      summary: 'Schedule a new operating fee per minute from a future date; every expert is emailed now (BILL-13)',
      tag,
      access: ADMIN,
      body: z.object({ feePerMinuteCents: z.number().int().min(0).max(1000), effectiveFrom: datetime, reason }).strict(),
      successStatus: 201,
    },
    ({ body, user }) => admin.addFeeSchedule({ id: user!.id }, body),
  );

  api.route(
    {
      method: 'post',
      path: '/api/admin/surcharge-tables',
      summary: 'Schedule a new phone surcharge table from a future date (BILL-8, BILL-13)',
      tag,
      access: ADMIN,
      body: z
        .object({
          franceCents: z.number().int().min(0).max(1000),
          euCents: z.number().int().min(0).max(1000),
          worldCents: z.number().int().min(0).max(1000),
          effectiveFrom: datetime,
          reason,
        })
        .strict(),
      successStatus: 201,
    },
    ({ body, user }) => admin.addSurchargeTable({ id: user!.id }, body),
  );

  api.route(
    {
      method: 'get',
      path: '/api/admin/audit-log',
      summary: 'The audit log of admin actions, newest first (TRUST-4); it cannot be edited',
      tag,
      access: ADMIN,
      query: z.object({
        limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).default(50),
        before: z.coerce.number().int().min(1).optional(),
        targetId: z.string().max(100).optional(),
        action: z.string().max(50).optional(),
      }),
    },
    ({ query }) => readAuditLog(db, query),
  );
}
