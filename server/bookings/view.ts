import type { Queryable } from '../platform/database.ts';
import type { ConsultationTerms } from '../billing/index.ts';
import type { ConsultationStatus, Party } from './state-machine.ts';
import { requestDeadline } from './rules.ts';

/** SPEC §11 `GET /api/consultations/:id`: the consultation, with its settlement's amounts once settled. */
export interface ConsultationView {
  id: string;
  status: ConsultationStatus;
  mode: 'video' | 'phone';
  pricing: 'free_rate' | 'package';
  startAt: string | null;
  reservedMinutes: number;
  connectedSeconds: number;
  expert: { id: string; slug: string; firstName: string; lastName: string };
  client: { id: string; firstName: string; lastName: string };
  budgetCents: number | null;
  packageId: string | null;
  packageMinutes: number | null;
  phoneNumber: string | null;
  /** TEL-5: typed on the keypad when calling the platform back from another phone (parties only). */
  phoneReturnCode?: string | null;
  /** BILL-13: what was frozen at booking. */
  terms: ConsultationTerms;
  termsAcceptedAt: string;
  withdrawalWaivedAt: string;
  /** BOOK-3: false until the deferred hold of a far appointment is placed. */
  paymentHoldPlaced: boolean;
  createdAt: string;
  /** BOOK-4: while an immediate request waits, when it expires (the page shows the minutes left). */
  requestExpiresAt: string | null;
  /** BOOK-4: when the expert accepted or declined the immediate request. */
  acceptedAt: string | null;
  declinedAt: string | null;
  liveAt: string | null;
  endedAt: string | null;
  endReason: string | null;
  cancelledBy: 'client' | 'expert' | 'platform' | null;
  cancelledAt: string | null;
  /** Null until settled (PAY-2). */
  chargeCents: number | null;
  feeCents: number | null;
  surchargeCents: number | null;
  expertEarningsCents: number | null;
  /** What a cancellation or no-show cost the client (BILL-10); 0 for a consultation that took place. */
  cancellationChargeCents: number | null;
  /** BILL-12: shown to the expert and admins only. */
  expertPenaltyCents?: number | null;
}

const SELECT_VIEW = `
  SELECT c.id, c.status, c.mode, c.pricing, c.start_at, c.reserved_minutes, c.connected_seconds, c.terms, c.package_id,
         c.phone_number, c.phone_return_code, c.terms_accepted_at, c.withdrawal_waived_at, c.payment_hold_ref IS NOT NULL AS hold_placed, c.created_at,
         c.live_at, c.ended_at, c.end_reason, c.cancelled_by, c.cancelled_at, c.client_id, c.expert_id, c.accepted_at, c.declined_at,
         e.slug AS expert_slug, eu.first_name AS expert_first_name, eu.last_name AS expert_last_name,
         cu.first_name AS client_first_name, cu.last_name AS client_last_name,
         s.status AS settlement_status, s.kind AS settlement_kind, s.charge_cents, s.fee_cents, s.surcharge_cents,
         s.expert_earnings_cents, s.expert_penalty_cents
    FROM consultations c
    JOIN expert_profiles e ON e.user_id = c.expert_id
    JOIN users eu ON eu.id = c.expert_id
    JOIN users cu ON cu.id = c.client_id
    LEFT JOIN settlements s ON s.consultation_id = c.id`;

interface ViewRow {
  id: string;
  status: ConsultationStatus;
  mode: 'video' | 'phone';
  pricing: 'free_rate' | 'package';
  start_at: Date | null;
  reserved_minutes: number;
  connected_seconds: number;
  terms: ConsultationTerms;
  package_id: string | null;
  phone_number: string | null;
  phone_return_code: string | null;
  terms_accepted_at: Date;
  withdrawal_waived_at: Date;
  hold_placed: boolean;
  created_at: Date;
  accepted_at: Date | null;
  declined_at: Date | null;
  live_at: Date | null;
  ended_at: Date | null;
  end_reason: string | null;
  cancelled_by: ConsultationView['cancelledBy'];
  cancelled_at: Date | null;
  client_id: string;
  expert_id: string;
  expert_slug: string;
  expert_first_name: string;
  expert_last_name: string;
  client_first_name: string;
  client_last_name: string;
  settlement_status: 'capturing' | 'settled' | null;
  settlement_kind: 'consultation' | 'cancellation' | null;
  charge_cents: number | null;
  fee_cents: number | null;
  surcharge_cents: number | null;
  expert_earnings_cents: number | null;
  expert_penalty_cents: number | null;
}

export type Viewer = Party | 'admin';

/** The row and who the user is to it; undefined when the user may not see it. */
export async function readConsultation(db: Queryable, id: string, user: { id: string; role: string }): Promise<ConsultationView | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db.query<ViewRow>(`${SELECT_VIEW} WHERE c.id = $1`, [id]);
  if (!row) return undefined;
  const viewer: Viewer | undefined = row.client_id === user.id ? 'client' : row.expert_id === user.id ? 'expert' : user.role === 'admin' ? 'admin' : undefined;
  return viewer ? toView(row, viewer) : undefined;
}

export const LIST_LIMIT_MAX = 100;
const UPCOMING = ['requested', 'scheduled', 'live'];

/** The client area and the expert workspace: upcoming (soonest first) or past (latest first). */
export async function listConsultations(
  db: Queryable,
  input: { userId: string; as: Party; when: 'upcoming' | 'past'; limit: number },
): Promise<ConsultationView[]> {
  const column = input.as === 'client' ? 'c.client_id' : 'c.expert_id';
  const upcoming = input.when === 'upcoming';
  const rows = await db.query<ViewRow>(
    `${SELECT_VIEW} WHERE ${column} = $1 AND (c.status = ANY($2::text[])) = $3
      ORDER BY COALESCE(c.start_at, c.created_at) ${upcoming ? 'ASC' : 'DESC'}, c.id LIMIT $4`,
    [input.userId, UPCOMING, upcoming, Math.min(input.limit, LIST_LIMIT_MAX)],
  );
  return rows.map((row) => toView(row, input.as));
}

function toView(row: ViewRow, viewer: Viewer): ConsultationView {
  const settled = row.settlement_status === 'settled';
  const amount = (value: number | null) => (settled ? value : null);
  const iso = (value: Date | null) => value?.toISOString() ?? null;
  return {
    id: row.id,
    status: row.status,
    mode: row.mode,
    pricing: row.pricing,
    startAt: iso(row.start_at),
    reservedMinutes: row.reserved_minutes,
    connectedSeconds: row.connected_seconds,
    expert: { id: row.expert_id, slug: row.expert_slug, firstName: row.expert_first_name, lastName: row.expert_last_name },
    client: { id: row.client_id, firstName: row.client_first_name, lastName: row.client_last_name },
    budgetCents: row.terms.pricing === 'free_rate' ? row.terms.budgetCents : null,
    packageId: row.package_id,
    packageMinutes: row.terms.pricing === 'package' ? row.terms.packageMinutes : null,
    phoneNumber: row.phone_number,
    ...(viewer === 'admin' ? {} : { phoneReturnCode: row.phone_return_code }),
    terms: row.terms,
    termsAcceptedAt: row.terms_accepted_at.toISOString(),
    withdrawalWaivedAt: row.withdrawal_waived_at.toISOString(),
    paymentHoldPlaced: row.hold_placed,
    createdAt: row.created_at.toISOString(),
    requestExpiresAt: row.status === 'requested' && row.start_at === null ? requestDeadline(row.created_at, row.accepted_at).toISOString() : null,
    acceptedAt: iso(row.accepted_at),
    declinedAt: iso(row.declined_at),
    liveAt: iso(row.live_at),
    endedAt: iso(row.ended_at),
    endReason: row.end_reason,
    cancelledBy: row.cancelled_by,
    cancelledAt: iso(row.cancelled_at),
    chargeCents: amount(row.charge_cents),
    feeCents: amount(row.fee_cents),
    surchargeCents: amount(row.surcharge_cents),
    expertEarningsCents: amount(row.expert_earnings_cents),
    cancellationChargeCents: settled ? (row.settlement_kind === 'cancellation' ? row.charge_cents : 0) : null,
    ...(viewer === 'client' ? {} : { expertPenaltyCents: amount(row.expert_penalty_cents) }),
  };
}
