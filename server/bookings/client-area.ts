import type { Queryable } from '../platform/database.ts';
import { LATE_CANCELLATION_HOURS, holdAmountCents, type ConsultationTerms } from '../billing/index.ts';
import { priceOutcome } from '../settlement/outcome.ts';
import { photoUrlOf } from '../experts/public-profile.ts';
import { consultationUrlOf } from '../experts/qr.ts';
import { consultationPageUrl } from '../notifications/calendar-identity.ts';
import { complaintFilingDeadline } from '../trust/complaints.ts';
import { reviewDeadline } from '../trust/reviews.ts';
import { accounts } from '../ledger/accounts.ts';
import { decodeCursor, encodeCursor } from '../platform/paging.ts';
import { JOINABLE_MINUTES_BEFORE_START, deferredHoldAt, minutesAfter } from './rules.ts';
import { movesAtOnce } from './reschedule-rules.ts';
import { openProposalsOf, type RescheduleProposal } from './reschedule.ts';

/**
 * The client area's data (issue 13): what the page shows for each consultation, computed here so
 * the page only formats it. Every amount comes from the billing rules (the hold from
 * `holdAmountCents`, a cancellation's price from `priceOutcome`, the code a real cancellation
 * settles with); every "still possible" from the rule that would accept or refuse the action.
 * Times are ISO UTC; the page shows them in the user's zone.
 */

export const UPCOMING_LIMIT_MAX = 100;
export const PAST_LIMIT_MAX = 50;
const HOUR_MS = 60 * 60 * 1000;

export interface ExpertSummary {
  id: string;
  slug: string;
  firstName: string;
  lastName: string;
  photoUrl: string | null;
  consultationUrl: string;
}

export interface UpcomingConsultation {
  id: string;
  status: 'requested' | 'scheduled' | 'live';
  /** `immediate`: a request waiting for the expert (BOOK-4) or live; `appointment`: a booked time. */
  kind: 'immediate' | 'appointment';
  startAt: string | null;
  endAt: string | null;
  reservedMinutes: number;
  mode: 'video' | 'phone';
  pricing: 'free_rate' | 'package';
  packageMinutes: number | null;
  expert: ExpertSummary;
  /** BOOK-3: what the card hold covers (the budget, or the package price with its phone surcharge). */
  amountHeldCents: number;
  /** False for a far appointment until 24 h before (`holdPlannedAt`). */
  holdPlaced: boolean;
  holdPlannedAt: string | null;
  /** The page shows the way in from here (10 minutes before the start); null for an immediate request (at once). */
  joinableFrom: string | null;
  /** The room or the call itself opens at the start (BOOK-5). */
  roomOpensAt: string | null;
  cancellation: {
    allowed: boolean;
    /** What cancelling now would cost (BILL-10/11), null when it cannot be cancelled. */
    chargeCents: number | null;
    /** Until when cancelling is free (48 h before the start); null for an immediate request (always free). */
    freeUntil: string | null;
  };
  reschedule: {
    /** BOOK-7: the client may move it now (more than 48 h before the start). */
    allowedForClient: boolean;
    allowedUntil: string | null;
    /** The expert's open proposal of a new time, to accept or refuse. */
    proposal: RescheduleProposal | null;
  };
  pageUrl: string;
}

export interface PastConsultation {
  id: string;
  status: 'ended' | 'cancelled' | 'expired' | 'no_show_client' | 'no_show_expert';
  /** When it was (the appointment's start, or when an immediate consultation began or was asked for). */
  date: string;
  startAt: string | null;
  endedAt: string | null;
  mode: 'video' | 'phone';
  pricing: 'free_rate' | 'package';
  expert: ExpertSummary;
  connectedSeconds: number;
  cancelledBy: 'client' | 'expert' | 'platform' | null;
  endReason: string | null;
  /** What the client paid (a consultation or a late-cancellation fee); null while it is being settled. */
  chargeCents: number | null;
  /** TRUST-2: given back after a complaint. */
  refundedCents: number;
  receipt: { number: string; issuedAt: string; json: string; html: string; pdf: string } | null;
  review: { stars: number; createdAt: string } | null;
  complaint: { id: string; status: string } | null;
  /** Which of the three actions the page still offers (each disappears once used or too late). */
  actions: { rate: boolean; complain: boolean; report: boolean };
  rateUntil: string | null;
  complainUntil: string | null;
  pageUrl: string;
}

interface ExpertColumns {
  expert_id: string;
  slug: string;
  expert_first_name: string;
  expert_last_name: string;
  has_photo: boolean;
  photo_version: number | null;
}

const EXPERT_COLUMNS = `c.expert_id, e.slug, eu.first_name AS expert_first_name, eu.last_name AS expert_last_name,
  e.photo IS NOT NULL AS has_photo, extract(epoch FROM e.photo_updated_at)::bigint AS photo_version`;
const EXPERT_JOINS = 'JOIN expert_profiles e ON e.user_id = c.expert_id JOIN users eu ON eu.id = c.expert_id';

function expertSummary(row: ExpertColumns, publicUrl: string): ExpertSummary {
  return {
    id: row.expert_id,
    slug: row.slug,
    firstName: row.expert_first_name,
    lastName: row.expert_last_name,
    photoUrl: row.has_photo ? photoUrlOf(publicUrl, row.slug, row.photo_version) : null,
    consultationUrl: consultationUrlOf(publicUrl, row.slug),
  };
}

interface UpcomingRow extends ExpertColumns {
  id: string;
  status: 'requested' | 'scheduled' | 'live';
  mode: 'video' | 'phone';
  pricing: 'free_rate' | 'package';
  start_at: Date | null;
  reserved_minutes: number;
  terms: ConsultationTerms;
  hold_placed: boolean;
}

export async function upcomingConsultations(
  db: Queryable,
  input: { clientId: string; now: Date; limit: number; publicUrl: string },
): Promise<UpcomingConsultation[]> {
  const rows = await db.query<UpcomingRow>(
    `SELECT c.id, c.status, c.mode, c.pricing, c.start_at, c.reserved_minutes, c.terms, c.payment_hold_ref IS NOT NULL AS hold_placed, ${EXPERT_COLUMNS}
       FROM consultations c ${EXPERT_JOINS}
      WHERE c.client_id = $1 AND c.status IN ('requested', 'scheduled', 'live')
      ORDER BY COALESCE(c.start_at, c.created_at), c.id LIMIT $2`,
    [input.clientId, Math.min(input.limit, UPCOMING_LIMIT_MAX)],
  );
  const proposals = await openProposalsOf(
    db,
    rows.map((row) => row.id),
    input.now,
  );
  return rows.map((row) => upcomingView(row, input.now, input.publicUrl, proposals.get(row.id) ?? null));
}

function upcomingView(row: UpcomingRow, now: Date, publicUrl: string, proposal: RescheduleProposal | null): UpcomingConsultation {
  const startAt = row.start_at;
  const notStarted = row.status === 'scheduled' && startAt !== null && now < startAt;
  const cancellable = row.status === 'requested' || row.status === 'scheduled';
  const iso = (at: Date | null) => at?.toISOString() ?? null;
  return {
    id: row.id,
    status: row.status,
    kind: startAt ? 'appointment' : 'immediate',
    startAt: iso(startAt),
    endAt: startAt ? minutesAfter(startAt, row.reserved_minutes).toISOString() : null,
    reservedMinutes: row.reserved_minutes,
    mode: row.mode,
    pricing: row.pricing,
    packageMinutes: row.terms.pricing === 'package' ? row.terms.packageMinutes : null,
    expert: expertSummary(row, publicUrl),
    amountHeldCents: holdAmountCents(row.terms),
    holdPlaced: row.hold_placed,
    holdPlannedAt: !row.hold_placed && startAt ? deferredHoldAt(startAt).toISOString() : null,
    joinableFrom: startAt ? minutesAfter(startAt, -JOINABLE_MINUTES_BEFORE_START).toISOString() : null,
    roomOpensAt: iso(startAt),
    cancellation: {
      allowed: cancellable,
      // The price a cancellation now would settle at: the same pure function settlement runs (BILL-10, BILL-11).
      chargeCents: cancellable
        ? priceOutcome({ status: 'cancelled', terms: row.terms, connectedSeconds: 0, startAt, cancelledAt: now, cancelledBy: 'client' }).chargeCents
        : null,
      freeUntil: startAt ? new Date(startAt.getTime() - LATE_CANCELLATION_HOURS * HOUR_MS).toISOString() : null,
    },
    reschedule: {
      allowedForClient: notStarted && movesAtOnce(startAt, now),
      allowedUntil: startAt ? new Date(startAt.getTime() - LATE_CANCELLATION_HOURS * HOUR_MS).toISOString() : null,
      proposal,
    },
    pageUrl: consultationPageUrl(publicUrl, row.id),
  };
}

interface PastRow extends ExpertColumns {
  id: string;
  status: PastConsultation['status'];
  mode: 'video' | 'phone';
  pricing: 'free_rate' | 'package';
  start_at: Date | null;
  live_at: Date | null;
  created_at: Date;
  ended_at: Date | null;
  connected_seconds: number;
  cancelled_by: PastConsultation['cancelledBy'];
  end_reason: string | null;
  sort_at: Date;
  settlement_status: string | null;
  charge_cents: number | null;
  finished_at: Date | null;
  refunded_cents: number;
  receipt_number: string | null;
  receipt_issued_at: Date | null;
  review_stars: number | null;
  review_created_at: Date | null;
  complaint_id: string | null;
  complaint_status: string | null;
  open_report: boolean;
}

/** Past consultations, newest first, `limit` at a time; `before` is the cursor of the previous page's last one. */
export async function pastConsultations(
  db: Queryable,
  input: { clientId: string; now: Date; limit: number; before?: string | undefined; publicUrl: string },
): Promise<{ consultations: PastConsultation[]; nextBefore: string | null }> {
  const cursor = input.before ? decodeCursor(input.before, isPastCursor) : null;
  const limit = Math.min(input.limit, PAST_LIMIT_MAX);
  const rows = await db.query<PastRow>(
    `SELECT c.id, c.status, c.mode, c.pricing, c.start_at, c.live_at, c.created_at, c.ended_at, c.connected_seconds, c.cancelled_by, c.end_reason,
            COALESCE(c.start_at, c.live_at, c.created_at) AS sort_at, ${EXPERT_COLUMNS},
            s.status AS settlement_status, s.charge_cents, COALESCE(c.ended_at, c.cancelled_at, s.settled_at) AS finished_at,
            COALESCE((SELECT sum(p.amount_cents) FROM ledger_postings p JOIN ledger_journal j ON j.id = p.journal_id
                       WHERE j.consultation_id = c.id AND p.account_id = '${accounts.refunds.id}'), 0) AS refunded_cents,
            r.number AS receipt_number, r.issued_at AS receipt_issued_at,
            v.stars AS review_stars, v.created_at AS review_created_at,
            k.id AS complaint_id, k.status AS complaint_status,
            EXISTS (SELECT 1 FROM reports o WHERE o.reporter_id = c.client_id AND o.target_type = 'profile'
                       AND o.target_user_id = c.expert_id AND o.status = 'open') AS open_report
       FROM consultations c ${EXPERT_JOINS}
       LEFT JOIN settlements s ON s.consultation_id = c.id
       LEFT JOIN receipts r ON r.consultation_id = c.id
       LEFT JOIN reviews v ON v.consultation_id = c.id
       LEFT JOIN complaints k ON k.consultation_id = c.id AND k.kind = 'consultation'
      WHERE c.client_id = $1 AND c.status NOT IN ('requested', 'scheduled', 'live')
        AND ($2::timestamptz IS NULL OR (COALESCE(c.start_at, c.live_at, c.created_at), c.id) < ($2::timestamptz, $3::uuid))
      ORDER BY COALESCE(c.start_at, c.live_at, c.created_at) DESC, c.id DESC LIMIT $4`,
    [input.clientId, cursor?.[0] ?? null, cursor?.[1] ?? null, limit + 1],
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    consultations: page.map((row) => pastView(row, input.now, input.publicUrl)),
    nextBefore: rows.length > limit && last ? encodeCursor([last.sort_at.toISOString(), last.id]) : null,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isPastCursor = (parts: string[]) => parts.length === 2 && Number.isFinite(Date.parse(parts[0]!)) && UUID.test(parts[1]!);

function pastView(row: PastRow, now: Date, publicUrl: string): PastConsultation {
  const settled = row.settlement_status === 'settled';
  const chargeCents = settled ? row.charge_cents : null;
  // TRUST-1: a consultation that took place and was charged, once, within 30 days of its end.
  const rateUntil = row.status === 'ended' && settled && (row.charge_cents ?? 0) > 0 && row.ended_at ? reviewDeadline(row.ended_at) : null;
  // TRUST-2: any settled consultation of the client, once, within 7 days of its end.
  const complainUntil = settled && row.finished_at ? complaintFilingDeadline(row.finished_at) : null;
  const api = `/api/consultations/${row.id}`;
  return {
    id: row.id,
    status: row.status,
    date: row.sort_at.toISOString(),
    startAt: row.start_at?.toISOString() ?? null,
    endedAt: row.ended_at?.toISOString() ?? null,
    mode: row.mode,
    pricing: row.pricing,
    expert: expertSummary(row, publicUrl),
    connectedSeconds: row.connected_seconds,
    cancelledBy: row.cancelled_by,
    endReason: row.end_reason,
    chargeCents,
    refundedCents: row.refunded_cents,
    receipt: row.receipt_number
      ? {
          number: row.receipt_number,
          issuedAt: row.receipt_issued_at!.toISOString(),
          json: `${api}/receipt`,
          html: `${api}/receipt.html`,
          pdf: `${api}/receipt.pdf`,
        }
      : null,
    review: row.review_stars !== null ? { stars: row.review_stars, createdAt: row.review_created_at!.toISOString() } : null,
    complaint: row.complaint_id ? { id: row.complaint_id, status: row.complaint_status! } : null,
    actions: {
      rate: rateUntil !== null && row.review_stars === null && now <= rateUntil,
      complain: complainUntil !== null && row.complaint_id === null && now <= complainUntil,
      // TRUST-5: one open report per reporter and profile.
      report: !row.open_report,
    },
    rateUntil: rateUntil?.toISOString() ?? null,
    complainUntil: complainUntil?.toISOString() ?? null,
    pageUrl: consultationPageUrl(publicUrl, row.id),
  };
}
