/**
 * The admin console's API (TRUST-2…TRUST-5, BILL-13, SPEC §11) with the server's own types.
 * Lists are paged by number with a total (sortable lists need it); the audit log by cursor.
 */
import { apiCall } from '../../api.ts';
import type { AdminUserSummary, listFeeSchedules, listNotices, readUserDetail } from '../../../../server/admin/queries.ts';
import type { AdminAction, AuditEntry } from '../../../../server/admin/audit.ts';
import type { ComplaintView } from '../../../../server/trust/complaints.ts';
import type { ReportView } from '../../../../server/trust/reports.ts';
import type { PageInfo } from '../../../../server/platform/paging.ts';

export type { AdminUserSummary } from '../../../../server/admin/queries.ts';
export type { AdminAction, AuditEntry } from '../../../../server/admin/audit.ts';
export type { ComplaintView } from '../../../../server/trust/complaints.ts';
export type { ReportView } from '../../../../server/trust/reports.ts';
export type UserDetail = NonNullable<Awaited<ReturnType<typeof readUserDetail>>>;
export type SiteNotice = Awaited<ReturnType<typeof listNotices>>['notices'][number];
export type FeeSchedules = Awaited<ReturnType<typeof listFeeSchedules>>;

/** Rows per page of the console's lists: a screenful, dense like a payments dashboard. */
export const ADMIN_PAGE_SIZE = 25;
export const AUDIT_PAGE_SIZE = 50;
/** The API's largest page number (`MAX_PAGE_NUMBER`, server/platform/paging.ts): past it, filter or search. */
export const MAX_PAGE_NUMBER = 10_000;

export type UserSort = 'signup_date' | 'name';
export type SortOrder = 'asc' | 'desc';

export interface UserQuery {
  q: string;
  role: '' | AdminUserSummary['role'];
  status: '' | AdminUserSummary['status'];
  sort: UserSort;
  order: SortOrder;
  page: number;
}

const withoutEmpty = (query: Record<string, string | number>) =>
  new URLSearchParams(
    Object.entries(query)
      .filter(([, value]) => value !== '')
      .map(([name, value]) => [name, String(value)]),
  );

export function fetchUsers(query: UserQuery): Promise<{ users: AdminUserSummary[] } & PageInfo> {
  return apiCall('GET', `/api/admin/users?${withoutEmpty({ ...query, limit: ADMIN_PAGE_SIZE })}`);
}

export function fetchUser(id: string): Promise<UserDetail> {
  return apiCall('GET', `/api/admin/users/${encodeURIComponent(id)}`);
}

/** TRUST-4: a moderation action on a user, with its reason for the audit log. */
export type UserAction = 'suspend' | 'reinstate' | 'terminate' | 'remove-photo' | 'remove-content' | 'wallet/block' | 'wallet/unblock';

export function moderateUser(id: string, action: UserAction, body: { reason: string; fields?: ('headline' | 'description')[] }): Promise<UserDetail> {
  return apiCall('POST', `/api/admin/users/${encodeURIComponent(id)}/${action}`, { json: body });
}

export type ComplaintQueue = 'to_answer' | 'open' | 'escalated' | 'resolved';

export function fetchComplaints(status: ComplaintQueue, page: number): Promise<{ complaints: ComplaintView[] } & PageInfo> {
  return apiCall('GET', `/api/admin/complaints?${withoutEmpty({ status, page, limit: ADMIN_PAGE_SIZE })}`);
}

export function answerComplaint(id: string, body: { resolution: string; refundCents?: number | undefined; reply?: string | undefined }): Promise<unknown> {
  return apiCall('POST', `/api/admin/complaints/${id}/answer`, { json: body });
}

export type ReportQueue = ReportView['status'];

export function fetchReports(status: ReportQueue, page: number): Promise<{ reports: ReportView[] } & PageInfo> {
  return apiCall('GET', `/api/admin/reports?${withoutEmpty({ status, page, limit: ADMIN_PAGE_SIZE })}`);
}

export function decideReport(id: string, body: { decision: 'dismissed' | 'actioned'; removeReview: boolean; reason: string }): Promise<unknown> {
  return apiCall('POST', `/api/admin/reports/${id}/decide`, { json: body });
}

export type NoticeState = 'all' | 'active' | 'scheduled' | 'ended';

export function fetchNotices(state: NoticeState, page: number): Promise<{ notices: SiteNotice[] } & PageInfo> {
  return apiCall('GET', `/api/admin/notices?${withoutEmpty({ state, page, limit: ADMIN_PAGE_SIZE })}`);
}

export function publishNotice(body: {
  messageFr: string;
  messageEn: string;
  level: 'info' | 'warning';
  startsAt?: string | undefined;
  endsAt?: string | undefined;
  reason: string;
}): Promise<unknown> {
  return apiCall('POST', '/api/admin/notices', { json: body });
}

export function withdrawNotice(id: string, reason: string): Promise<unknown> {
  return apiCall('POST', `/api/admin/notices/${id}/withdraw`, { json: { reason } });
}

export function fetchFeeSchedules(): Promise<FeeSchedules> {
  return apiCall('GET', '/api/admin/fee-schedules');
}

export function addFeeSchedule(body: { feePerMinuteCents: number; effectiveFrom: string; reason: string }): Promise<unknown> {
  return apiCall('POST', '/api/admin/fee-schedules', { json: body });
}

export function addSurchargeTable(body: { franceCents: number; euCents: number; worldCents: number; effectiveFrom: string; reason: string }): Promise<unknown> {
  return apiCall('POST', '/api/admin/surcharge-tables', { json: body });
}

export function fetchAudit(filter: {
  before: number | null;
  action: '' | AdminAction;
  targetId?: string;
}): Promise<{ entries: AuditEntry[]; nextBefore: number | null }> {
  return apiCall(
    'GET',
    `/api/admin/audit-log?${withoutEmpty({ limit: AUDIT_PAGE_SIZE, before: filter.before ?? '', action: filter.action, targetId: filter.targetId ?? '' })}`,
  );
}
