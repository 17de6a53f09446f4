import type { Database, Queryable } from '../platform/database.ts';
import { UNIQUE_VIOLATION, sqlState } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import { conflict, notFound } from '../platform/errors.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** TRUST-1: a client rates a consultation at most 30 days after it ended. */
export const REVIEW_WINDOW_DAYS = 30;
export const REVIEW_COMMENT_MAX_LENGTH = 2000;
export const REVIEW_LIST_MAX = 100;

/** TRUST-1: the last moment a consultation that ended at `endedAt` can be rated (the client area shows it too). */
export function reviewDeadline(endedAt: Date): Date {
  return new Date(endedAt.getTime() + REVIEW_WINDOW_DAYS * DAY_MS);
}

export interface ReviewView {
  id: string;
  consultationId: string;
  stars: number;
  comment: string | null;
  /** Only the first name is public; a closed account shows none. */
  authorFirstName: string | null;
  moderationState: 'published' | 'removed';
  createdAt: string;
}

interface ReviewRow {
  id: string;
  consultation_id: string;
  stars: number;
  comment: string | null;
  author_first_name: string | null;
  moderation_state: 'published' | 'removed';
  created_at: Date;
}

const toView = (row: ReviewRow): ReviewView => ({
  id: row.id,
  consultationId: row.consultation_id,
  stars: row.stars,
  comment: row.comment,
  authorFirstName: row.author_first_name,
  moderationState: row.moderation_state,
  createdAt: row.created_at.toISOString(),
});

const SELECT_REVIEWS = `
  SELECT r.id, r.consultation_id, r.stars, r.comment, CASE WHEN u.status = 'closed' THEN NULL ELSE u.first_name END AS author_first_name,
         r.moderation_state, r.created_at
    FROM reviews r JOIN users u ON u.id = r.client_id`;

/**
 * TRUST-1: after a charged consultation (one that took place and was billed), its client may
 * rate the expert once, within 30 days of the end.
 */
export async function submitReview(
  db: Database,
  clock: Clock,
  input: { clientId: string; consultationId: string; stars: number; comment?: string | undefined },
): Promise<ReviewView> {
  const now = clock.now();
  const [row] = await db.query<{
    client_id: string;
    expert_id: string;
    status: string;
    ended_at: Date | null;
    charge_cents: number | null;
    settled: boolean | null;
  }>(
    `SELECT c.client_id, c.expert_id, c.status, c.ended_at, s.charge_cents, s.status = 'settled' AS settled
       FROM consultations c LEFT JOIN settlements s ON s.consultation_id = c.id WHERE c.id = $1`,
    [input.consultationId],
  );
  if (!row || row.client_id !== input.clientId) throw notFound('Consultation');
  if (row.status !== 'ended' || !row.settled || !row.charge_cents || !row.ended_at) {
    throw conflict('consultation_not_charged', 'Only a consultation that took place and was charged can be rated (TRUST-1).');
  }
  if (now > reviewDeadline(row.ended_at)) {
    throw conflict('review_window_closed', `A consultation is rated within ${REVIEW_WINDOW_DAYS} days (TRUST-1).`);
  }
  const comment = input.comment?.trim() || null;
  try {
    const [inserted] = await db.query<{ id: string }>(
      `INSERT INTO reviews (consultation_id, expert_id, client_id, stars, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [input.consultationId, row.expert_id, input.clientId, input.stars, comment, now],
    );
    return (await readReview(db, inserted!.id))!;
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION) throw conflict('already_reviewed', 'This consultation was already rated (TRUST-1).');
    throw error;
  }
}

export async function readReview(db: Queryable, reviewId: string): Promise<ReviewView | undefined> {
  const [row] = await db.query<ReviewRow>(`${SELECT_REVIEWS} WHERE r.id = $1`, [reviewId]);
  return row ? toView(row) : undefined;
}

/** The published reviews of an active expert's consultation page, newest first. */
export async function listPublishedReviews(db: Queryable, slug: string, limit: number): Promise<ReviewView[] | undefined> {
  const [expert] = await db.query<{ user_id: string }>(
    `SELECT e.user_id FROM expert_profiles e JOIN users u ON u.id = e.user_id WHERE e.slug = $1 AND u.status = 'active'`,
    [slug],
  );
  if (!expert) return undefined;
  const rows = await db.query<ReviewRow>(`${SELECT_REVIEWS} WHERE r.expert_id = $1 AND r.moderation_state = 'published' ORDER BY r.created_at DESC LIMIT $2`, [
    expert.user_id,
    limit,
  ]);
  return rows.map(toView);
}

/** The expert's own list: every review, published or removed by an admin (TRUST-5). */
export async function listReviewsOfExpert(db: Queryable, expertId: string, limit: number): Promise<ReviewView[]> {
  const rows = await db.query<ReviewRow>(`${SELECT_REVIEWS} WHERE r.expert_id = $1 ORDER BY r.created_at DESC LIMIT $2`, [expertId, limit]);
  return rows.map(toView);
}

/** TRUST-1: the public average (one decimal) and count; removed reviews count nowhere. */
export async function ratingOf(db: Queryable, expertId: string): Promise<{ averageStars: number | null; count: number }> {
  const [row] = await db.query<{ review_count: number; stars_total: number }>(
    'SELECT review_count, stars_total FROM expert_rating_summaries WHERE expert_id = $1',
    [expertId],
  );
  return ratingFromSummary(row?.review_count ?? 0, row?.stars_total ?? 0);
}

export function ratingFromSummary(count: number, starsTotal: number): { averageStars: number | null; count: number } {
  return { averageStars: count > 0 ? Math.round((starsTotal * 10) / count) / 10 : null, count };
}
