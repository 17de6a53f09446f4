import type { Queryable } from '../platform/database.ts';
import { notFound } from '../platform/errors.ts';
import { holdAmountCents, type ConsultationTerms } from '../billing/index.ts';
import { readAvailability } from '../availability/store.ts';
import { readWallet, type WalletView } from '../wallet/wallet.ts';
import { IMMEDIATE_REQUEST_TIMEOUT_MINUTES, JOINABLE_MINUTES_BEFORE_START, minutesAfter } from '../bookings/rules.ts';
import { openProposalsOf, type RescheduleProposal } from '../bookings/reschedule.ts';
import { consultationPageUrl } from '../notifications/calendar-identity.ts';
import { DOCUMENT_TIME_ZONE } from '../receipts/format.ts';
import { lastMonths, monthlyEarnings, type MonthEarnings } from './workspace-earnings.ts';

/**
 * The expert's dashboard (issue 13): one answer to "what now?". Live requests to accept, the
 * consultation in progress, the next appointments with their way in, this month's earnings, the
 * wallet, and the setup checklist until the consultation page is published and shared.
 */

export const NEXT_APPOINTMENTS_DEFAULT = 5;
export const NEXT_APPOINTMENTS_MAX = 20;

export interface ClientSummary {
  id: string;
  firstName: string;
  lastName: string;
}

export interface ExpertAppointment {
  id: string;
  status: 'scheduled' | 'live';
  startAt: string;
  endAt: string;
  reservedMinutes: number;
  mode: 'video' | 'phone';
  pricing: 'free_rate' | 'package';
  client: ClientSummary;
  /** The way in is shown from here (10 minutes before the start); the room opens at `startAt`. */
  joinableFrom: string;
  holdPlaced: boolean;
  /** BOOK-7: the expert's own proposal of a new time, waiting for the client. */
  rescheduleProposal: RescheduleProposal | null;
  pageUrl: string;
}

export type ChecklistKey = 'photo' | 'pricing' | 'opening_hours' | 'identity_check' | 'shared';

export interface ChecklistItem {
  key: ChecklistKey;
  done: boolean;
  /** Only for `identity_check`: where the check stands (PAY-4). */
  status?: WalletView['kycStatus'];
}

export interface ExpertDashboard {
  now: string;
  /** The expert's time zone (their opening hours'); every time below is ISO UTC. */
  timeZone: string;
  /** The page is published once the photo and a rate or package are set (SPEC §11) and the email verified (ACC-10). */
  published: boolean;
  /** ACC-10: until then the page stays unpublished and payouts are refused, whatever the checklist says. */
  emailVerified: boolean;
  availableNow: boolean;
  liveRequests: {
    id: string;
    mode: 'video' | 'phone';
    pricing: 'free_rate' | 'package';
    createdAt: string;
    /** BOOK-4: the request expires if the expert has not joined by then. */
    expiresAt: string;
    amountHeldCents: number;
    client: ClientSummary;
    pageUrl: string;
  }[];
  inProgress: { id: string; mode: 'video' | 'phone'; startAt: string | null; liveAt: string | null; client: ClientSummary; pageUrl: string }[];
  nextAppointments: ExpertAppointment[];
  /** EXP-8: this Paris month, by settlement time, as the earnings page counts it. */
  earnings: MonthEarnings & { timeZone: string };
  wallet: WalletView;
  checklist: { items: ChecklistItem[]; doneCount: number; total: number; complete: boolean };
}

interface ConsultationRow {
  id: string;
  status: 'requested' | 'scheduled' | 'live';
  mode: 'video' | 'phone';
  pricing: 'free_rate' | 'package';
  start_at: Date | null;
  live_at: Date | null;
  created_at: Date;
  reserved_minutes: number;
  terms: ConsultationTerms;
  hold_placed: boolean;
  client_id: string;
  client_first_name: string;
  client_last_name: string;
}

const CONSULTATION_COLUMNS = `c.id, c.status, c.mode, c.pricing, c.start_at, c.live_at, c.created_at, c.reserved_minutes, c.terms,
  c.payment_hold_ref IS NOT NULL AS hold_placed, c.client_id, cu.first_name AS client_first_name, cu.last_name AS client_last_name`;

export const clientOf = (row: { client_id: string; client_first_name: string; client_last_name: string }): ClientSummary => ({
  id: row.client_id,
  firstName: row.client_first_name,
  lastName: row.client_last_name,
});

export function appointmentView(
  row: ConsultationRow & { start_at: Date; status: 'scheduled' | 'live' },
  proposal: RescheduleProposal | null,
  publicUrl: string,
): ExpertAppointment {
  return {
    id: row.id,
    status: row.status,
    startAt: row.start_at.toISOString(),
    endAt: minutesAfter(row.start_at, row.reserved_minutes).toISOString(),
    reservedMinutes: row.reserved_minutes,
    mode: row.mode,
    pricing: row.pricing,
    client: clientOf(row),
    joinableFrom: minutesAfter(row.start_at, -JOINABLE_MINUTES_BEFORE_START).toISOString(),
    holdPlaced: row.hold_placed,
    rescheduleProposal: proposal,
    pageUrl: consultationPageUrl(publicUrl, row.id),
  };
}

export async function readExpertDashboard(db: Queryable, input: { expertId: string; now: Date; next: number; publicUrl: string }): Promise<ExpertDashboard> {
  const { expertId, now, publicUrl } = input;
  const [open, upcoming, profile, availability, wallet, [earnings]] = await Promise.all([
    db.query<ConsultationRow>(
      `SELECT ${CONSULTATION_COLUMNS} FROM consultations c JOIN users cu ON cu.id = c.client_id
        WHERE c.expert_id = $1 AND (c.status = 'requested' OR c.status = 'live') ORDER BY c.created_at`,
      [expertId],
    ),
    db.query<ConsultationRow & { start_at: Date; status: 'scheduled' }>(
      `SELECT ${CONSULTATION_COLUMNS} FROM consultations c JOIN users cu ON cu.id = c.client_id
        WHERE c.expert_id = $1 AND c.status = 'scheduled' ORDER BY c.start_at, c.id LIMIT $2`,
      [expertId, Math.min(input.next, NEXT_APPOINTMENTS_MAX)],
    ),
    db.query<{ has_photo: boolean; available_now: boolean; has_pricing: boolean; shared: boolean; email_verified: boolean }>(
      `SELECT e.photo IS NOT NULL AS has_photo, e.available_now, u.email_verified_at IS NOT NULL AS email_verified,
              (EXISTS (SELECT 1 FROM expert_rates r WHERE r.expert_id = e.user_id
                         AND (r.video_rate_per_minute_cents IS NOT NULL OR r.phone_rate_per_minute_cents IS NOT NULL))
               OR EXISTS (SELECT 1 FROM packages p WHERE p.expert_id = e.user_id AND p.retired_at IS NULL)) AS has_pricing,
              (EXISTS (SELECT 1 FROM expert_sharing s WHERE s.expert_id = e.user_id)
               OR EXISTS (SELECT 1 FROM consultations c WHERE c.expert_id = e.user_id)) AS shared
         FROM expert_profiles e JOIN users u ON u.id = e.user_id WHERE e.user_id = $1`,
      [expertId],
    ),
    readAvailability(db, expertId),
    readWallet(db, expertId),
    monthlyEarnings(db, expertId, lastMonths(now, 1)),
  ]);
  const [state] = profile;
  if (!state) throw notFound('Expert profile');
  const proposals = await openProposalsOf(
    db,
    upcoming.map((row) => row.id),
    now,
  );
  const items: ChecklistItem[] = [
    { key: 'photo', done: state.has_photo },
    { key: 'pricing', done: state.has_pricing },
    {
      key: 'opening_hours',
      done: availability.weekly.length > 0 || availability.exceptions.some((exception) => !('closed' in exception)),
    },
    { key: 'identity_check', done: wallet.kycStatus === 'validated', status: wallet.kycStatus },
    // Shared when the expert copied the URL, downloaded the QR code or copied the banner, or once a client booked.
    { key: 'shared', done: state.shared },
  ];
  const doneCount = items.filter((item) => item.done).length;
  return {
    now: now.toISOString(),
    timeZone: availability.timeZone,
    // The public page's own rule (public-profile.ts): the dashboard never says "published" when visitors get a 404.
    published: state.has_photo && state.has_pricing && state.email_verified,
    emailVerified: state.email_verified,
    availableNow: state.available_now,
    liveRequests: open
      .filter((row) => row.status === 'requested')
      .map((row) => ({
        id: row.id,
        mode: row.mode,
        pricing: row.pricing,
        createdAt: row.created_at.toISOString(),
        expiresAt: minutesAfter(row.created_at, IMMEDIATE_REQUEST_TIMEOUT_MINUTES).toISOString(),
        amountHeldCents: holdAmountCents(row.terms),
        client: clientOf(row),
        pageUrl: consultationPageUrl(publicUrl, row.id),
      })),
    inProgress: open
      .filter((row) => row.status === 'live')
      .map((row) => ({
        id: row.id,
        mode: row.mode,
        startAt: row.start_at?.toISOString() ?? null,
        liveAt: row.live_at?.toISOString() ?? null,
        client: clientOf(row),
        pageUrl: consultationPageUrl(publicUrl, row.id),
      })),
    nextAppointments: upcoming.map((row) => appointmentView(row, proposals.get(row.id) ?? null, publicUrl)),
    earnings: { ...earnings!, timeZone: DOCUMENT_TIME_ZONE },
    wallet,
    checklist: { items, doneCount, total: items.length, complete: doneCount === items.length },
  };
}

export const SHARING_CHANNELS = ['url', 'qr', 'banner'] as const;

/** The workspace reports a share (URL copied, QR code downloaded, banner copied): the checklist's last step. */
export async function recordSharing(db: Queryable, expertId: string, channel: (typeof SHARING_CHANNELS)[number], at: Date): Promise<void> {
  await db.query(
    `INSERT INTO expert_sharing (expert_id, first_shared_at, last_shared_at, channels) VALUES ($1, $2, $2, ARRAY[$3]::text[])
     ON CONFLICT (expert_id) DO UPDATE SET last_shared_at = EXCLUDED.last_shared_at,
       channels = CASE WHEN $3 = ANY(expert_sharing.channels) THEN expert_sharing.channels ELSE expert_sharing.channels || $3::text END`,
    [expertId, at, channel],
  );
}
