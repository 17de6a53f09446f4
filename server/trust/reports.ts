import type { Queryable } from '../platform/database.ts';
import { UNIQUE_VIOLATION, sqlState } from '../platform/database.ts';
import { badRequest, conflict, notFound } from '../platform/errors.ts';

export const REPORT_REASONS = ['inappropriate_content', 'fake_or_misleading', 'harassment', 'fraud', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
export const REPORT_COMMENT_MAX_LENGTH = 2000;
export const REPORT_LIST_MAX = 200;

export interface ReportView {
  id: string;
  targetType: 'profile' | 'review';
  /** The reported expert (a profile), or the expert whose page shows the reported review. */
  expert: { id: string; slug: string; firstName: string; lastName: string };
  review: { id: string; stars: number; comment: string | null; moderationState: string } | null;
  reason: ReportReason;
  comment: string | null;
  reporterId: string;
  status: 'open' | 'dismissed' | 'actioned';
  createdAt: string;
  decidedAt: string | null;
  decisionNote: string | null;
}

interface ReportRow {
  id: string;
  target_type: 'profile' | 'review';
  expert_id: string;
  slug: string;
  first_name: string;
  last_name: string;
  review_id: string | null;
  stars: number | null;
  review_comment: string | null;
  moderation_state: string | null;
  reason: ReportReason;
  comment: string | null;
  reporter_id: string;
  status: ReportView['status'];
  created_at: Date;
  decided_at: Date | null;
  decision_note: string | null;
}

const SELECT_REPORTS = `
  SELECT p.id, p.target_type, eu.id AS expert_id, e.slug, eu.first_name, eu.last_name, r.id AS review_id, r.stars, r.comment AS review_comment,
         r.moderation_state, p.reason, p.comment, p.reporter_id, p.status, p.created_at, p.decided_at, p.decision_note
    FROM reports p LEFT JOIN reviews r ON r.id = p.review_id
    JOIN users eu ON eu.id = COALESCE(p.target_user_id, r.expert_id) JOIN expert_profiles e ON e.user_id = eu.id`;

const toView = (row: ReportRow): ReportView => ({
  id: row.id,
  targetType: row.target_type,
  expert: { id: row.expert_id, slug: row.slug, firstName: row.first_name, lastName: row.last_name },
  review: row.review_id ? { id: row.review_id, stars: row.stars!, comment: row.review_comment, moderationState: row.moderation_state! } : null,
  reason: row.reason,
  comment: row.comment,
  reporterId: row.reporter_id,
  status: row.status,
  createdAt: row.created_at.toISOString(),
  decidedAt: row.decided_at?.toISOString() ?? null,
  decisionNote: row.decision_note,
});

/** TRUST-5: any signed-in user reports an expert's profile or a review as abusive; it joins the admins' queue. */
export async function fileReport(
  db: Queryable,
  input: {
    reporterId: string;
    targetType: 'profile' | 'review';
    expertSlug?: string | undefined;
    reviewId?: string | undefined;
    reason: ReportReason;
    comment?: string | undefined;
    at: Date;
  },
): Promise<ReportView> {
  let targetUserId: string | null = null;
  let reviewId: string | null = null;
  if (input.targetType === 'profile') {
    if (!input.expertSlug) throw badRequest('expert_slug_required', 'Say which profile you report.', 'expertSlug');
    const [expert] = await db.query<{ user_id: string }>('SELECT user_id FROM expert_profiles WHERE slug = $1', [input.expertSlug]);
    if (!expert) throw notFound('Expert');
    if (expert.user_id === input.reporterId) throw badRequest('cannot_report_yourself', 'You cannot report your own profile.', 'expertSlug');
    targetUserId = expert.user_id;
  } else {
    if (!input.reviewId) throw badRequest('review_id_required', 'Say which review you report.', 'reviewId');
    const [review] = await db.query<{ id: string }>(`SELECT id FROM reviews WHERE id = $1 AND moderation_state = 'published'`, [input.reviewId]);
    if (!review) throw notFound('Review');
    reviewId = review.id;
  }
  try {
    const [row] = await db.query<{ id: string }>(
      `INSERT INTO reports (reporter_id, target_type, target_user_id, review_id, reason, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [input.reporterId, input.targetType, targetUserId, reviewId, input.reason, input.comment?.trim() || null, input.at],
    );
    return (await readReport(db, row!.id))!;
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION) throw conflict('already_reported', 'You already reported this; the team will look at it.');
    throw error;
  }
}

export async function readReport(db: Queryable, reportId: string): Promise<ReportView | undefined> {
  const [row] = await db.query<ReportRow>(`${SELECT_REPORTS} WHERE p.id = $1`, [reportId]);
  return row ? toView(row) : undefined;
}

/** The admins' queue of one status, oldest first, a page at a time with the total (TRUST-5). */
export async function listReports(
  db: Queryable,
  filter: { status: ReportView['status']; limit: number; offset?: number },
): Promise<{ reports: ReportView[]; total: number }> {
  const rows = await db.query<ReportRow>(`${SELECT_REPORTS} WHERE p.status = $1 ORDER BY p.created_at, p.id LIMIT $2 OFFSET $3`, [
    filter.status,
    filter.limit,
    filter.offset ?? 0,
  ]);
  const [count] = await db.query<{ total: number }>('SELECT count(*)::int AS total FROM reports WHERE status = $1', [filter.status]);
  return { reports: rows.map(toView), total: count!.total };
}
