import type { Queryable } from '../platform/database.ts';
import { walletBalances } from '../ledger/balances.ts';
import { ratingFromSummary } from '../trust/reviews.ts';

export const USER_SEARCH_MAX = 200;
const FEE_HISTORY_MAX = 100;

export interface AdminUserSummary {
  id: string;
  role: 'client' | 'expert' | 'admin';
  email: string;
  firstName: string;
  lastName: string;
  status: 'active' | 'suspended' | 'closed';
  slug: string | null;
  walletBlocked: boolean;
  createdAt: string;
}

interface UserRow {
  id: string;
  role: AdminUserSummary['role'];
  email: string;
  first_name: string;
  last_name: string;
  status: AdminUserSummary['status'];
  slug: string | null;
  wallet_blocked: boolean | null;
  created_at: Date;
}

const SELECT_USERS = `
  SELECT u.id, u.role, u.email, u.first_name, u.last_name, u.status, e.slug, w.blocked AS wallet_blocked, u.created_at
    FROM users u LEFT JOIN expert_profiles e ON e.user_id = u.id LEFT JOIN wallets w ON w.user_id = u.id`;

const toSummary = (row: UserRow): AdminUserSummary => ({
  id: row.id,
  role: row.role,
  email: row.email,
  firstName: row.first_name,
  lastName: row.last_name,
  status: row.status,
  slug: row.slug,
  walletBlocked: row.wallet_blocked ?? false,
  createdAt: row.created_at.toISOString(),
});

/** LIKE wildcards typed by the admin are matched literally. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export const USER_SORTS = ['signup_date', 'name'] as const;

export interface UserListFilter {
  q?: string | undefined;
  role?: string | undefined;
  status?: string | undefined;
  sort: (typeof USER_SORTS)[number];
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** The admin console's users list: searched, filtered by role and status, sorted, a page at a time with the total. */
export async function listUsers(db: Queryable, filter: UserListFilter): Promise<{ users: AdminUserSummary[]; total: number }> {
  const q = filter.q?.trim() || null;
  const where = `($1::text IS NULL OR u.email ILIKE $1 OR u.first_name ILIKE $1 OR u.last_name ILIKE $1 OR (u.first_name || ' ' || u.last_name) ILIKE $1 OR e.slug ILIKE $1)
        AND ($2::text IS NULL OR u.role = $2) AND ($3::text IS NULL OR u.status = $3)`;
  const params = [q ? likePattern(q) : null, filter.role ?? null, filter.status ?? null];
  // Both orders end on the id, so pages never overlap or skip a user whose name or date ties.
  const direction = filter.order === 'asc' ? 'ASC' : 'DESC';
  const orderBy =
    filter.sort === 'name'
      ? `lower(u.last_name) ${direction}, lower(u.first_name) ${direction}, u.id ${direction}`
      : `u.created_at ${direction}, u.id ${direction}`;
  const rows = await db.query<UserRow>(`${SELECT_USERS} WHERE ${where} ORDER BY ${orderBy} LIMIT $4 OFFSET $5`, [...params, filter.limit, filter.offset]);
  const [count] = await db.query<{ total: number }>(
    `SELECT count(*)::int AS total FROM users u LEFT JOIN expert_profiles e ON e.user_id = u.id WHERE ${where}`,
    params,
  );
  return { users: rows.map(toSummary), total: count!.total };
}

export const NOTICE_STATES = ['all', 'active', 'scheduled', 'ended'] as const;

/** Every site notice, newest first (TRUST-4): in force, scheduled, ended or withdrawn. */
export async function listNotices(db: Queryable, filter: { state: (typeof NOTICE_STATES)[number]; now: Date; limit: number; offset: number }) {
  const condition = {
    all: null,
    active: 'withdrawn_at IS NULL AND starts_at <= $1 AND (ends_at IS NULL OR ends_at > $1)',
    scheduled: 'withdrawn_at IS NULL AND starts_at > $1',
    ended: '(withdrawn_at IS NOT NULL OR (ends_at IS NOT NULL AND ends_at <= $1))',
  }[filter.state];
  const where = condition ?? 'TRUE';
  const params: unknown[] = condition ? [filter.now] : [];
  const rows = await db.query<{
    id: string;
    message_fr: string;
    message_en: string;
    level: string;
    starts_at: Date;
    ends_at: Date | null;
    withdrawn_at: Date | null;
    created_at: Date;
  }>(
    `SELECT id, message_fr, message_en, level, starts_at, ends_at, withdrawn_at, created_at FROM site_notices
      WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, filter.limit, filter.offset],
  );
  const [count] = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM site_notices WHERE ${where}`, params);
  const stateOf = (row: (typeof rows)[number]) =>
    row.withdrawn_at ? 'withdrawn' : row.starts_at > filter.now ? 'scheduled' : row.ends_at && row.ends_at <= filter.now ? 'ended' : 'active';
  return {
    notices: rows.map((row) => ({
      id: row.id,
      messageFr: row.message_fr,
      messageEn: row.message_en,
      level: row.level,
      startsAt: row.starts_at.toISOString(),
      endsAt: row.ends_at?.toISOString() ?? null,
      withdrawnAt: row.withdrawn_at?.toISOString() ?? null,
      createdAt: row.created_at.toISOString(),
      state: stateOf(row),
    })),
    total: count!.total,
  };
}

export async function readUserDetail(db: Queryable, userId: string) {
  const [row] = await db.query<
    UserRow & {
      headline: string | null;
      description: string | null;
      has_photo: boolean | null;
      review_count: number | null;
      stars_total: number | null;
      closure: string | null;
    }
  >(
    `SELECT u.id, u.role, u.email, u.first_name, u.last_name, u.status, e.slug, w.blocked AS wallet_blocked, u.created_at,
            e.headline, e.description, e.photo IS NOT NULL AS has_photo, s.review_count, s.stars_total, c.kind AS closure
       FROM users u LEFT JOIN expert_profiles e ON e.user_id = u.id LEFT JOIN wallets w ON w.user_id = u.id
       LEFT JOIN expert_rating_summaries s ON s.expert_id = u.id LEFT JOIN account_closures c ON c.user_id = u.id
      WHERE u.id = $1`,
    [userId],
  );
  if (!row) return undefined;
  const [counts] = await db.query<{ consultations: number; open_complaints: number; open_reports: number }>(
    `SELECT (SELECT count(*) FROM consultations WHERE client_id = $1 OR expert_id = $1)::int AS consultations,
            (SELECT count(*) FROM complaints WHERE (complainant_id = $1 OR expert_id = $1) AND status <> 'resolved')::int AS open_complaints,
            (SELECT count(*) FROM reports WHERE target_user_id = $1 AND status = 'open')::int AS open_reports`,
    [userId],
  );
  const expert = row.role === 'expert';
  return {
    ...toSummary(row),
    closure: row.closure,
    profile: expert ? { headline: row.headline ?? '', description: row.description ?? '', hasPhoto: row.has_photo ?? false } : null,
    rating: expert ? ratingFromSummary(row.review_count ?? 0, row.stars_total ?? 0) : null,
    wallet: expert ? { ...(await walletBalances(db, userId)), blocked: row.wallet_blocked ?? false } : null,
    consultationsCount: counts!.consultations,
    openComplaintsCount: counts!.open_complaints,
    openReportsCount: counts!.open_reports,
  };
}

export async function activeNotices(db: Queryable, now: Date) {
  const rows = await db.query<{ id: string; message_fr: string; message_en: string; level: string; starts_at: Date; ends_at: Date | null }>(
    `SELECT id, message_fr, message_en, level, starts_at, ends_at FROM site_notices
      WHERE withdrawn_at IS NULL AND starts_at <= $1 AND (ends_at IS NULL OR ends_at > $1) ORDER BY starts_at DESC LIMIT 10`,
    [now],
  );
  return rows.map((row) => ({
    id: row.id,
    messageFr: row.message_fr,
    messageEn: row.message_en,
    level: row.level,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at?.toISOString() ?? null,
  }));
}

/** BILL-13: every version with its effective date; `inForce` marks the one applying now. */
export async function listFeeSchedules(db: Queryable, now: Date) {
  const fees = await db.query<{ id: number; fee_per_minute_cents: number; effective_from: Date; created_at: Date }>(
    `SELECT id, fee_per_minute_cents, effective_from, created_at FROM fee_schedules ORDER BY effective_from DESC LIMIT ${FEE_HISTORY_MAX}`,
  );
  const surcharges = await db.query<{ id: number; france_cents: number; eu_cents: number; world_cents: number; effective_from: Date; created_at: Date }>(
    `SELECT id, france_cents, eu_cents, world_cents, effective_from, created_at FROM surcharge_tables ORDER BY effective_from DESC LIMIT ${FEE_HISTORY_MAX}`,
  );
  const inForceId = <T extends { id: number; effective_from: Date }>(rows: T[]) => rows.find((row) => row.effective_from <= now)?.id;
  const feeInForce = inForceId(fees);
  const surchargeInForce = inForceId(surcharges);
  return {
    feeSchedules: fees.map((row) => ({
      id: row.id,
      feePerMinuteCents: row.fee_per_minute_cents,
      effectiveFrom: row.effective_from.toISOString(),
      status: row.id === feeInForce ? 'in_force' : row.effective_from > now ? 'scheduled' : 'past',
    })),
    surchargeTables: surcharges.map((row) => ({
      id: row.id,
      franceCents: row.france_cents,
      euCents: row.eu_cents,
      worldCents: row.world_cents,
      effectiveFrom: row.effective_from.toISOString(),
      status: row.id === surchargeInForce ? 'in_force' : row.effective_from > now ? 'scheduled' : 'past',
    })),
  };
}
