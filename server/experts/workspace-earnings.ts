import { z } from 'zod';
import type { Api } from '../platform/http.ts';
import type { Database, Queryable } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import { badRequest } from '../platform/errors.ts';
import { accounts } from '../ledger/accounts.ts';
import { DOCUMENT_TIME_ZONE } from '../receipts/format.ts';

/**
 * EXP-8: the expert's earnings, a view of the settlements and the ledger (nothing stored here).
 * Client price, operating fee and surcharge come from the settlement (frozen at settlement,
 * PAY-2); net earnings are what the ledger actually put in the expert's wallet for that
 * consultation (earnings, less a BILL-12 penalty, less any later refund reversal, TRUST-2), so the list
 * always agrees with the wallet. Days and months are Paris time, by settlement time, like the
 * receipts and the monthly fee statement (BILL-9).
 */

/** Lines per answer; the totals are computed by the database over the whole range regardless. */
export const EARNINGS_LINES_LIMIT = 1000;
/** Ten years at most per query: the list is for a screen, the statements are per month. */
export const EARNINGS_RANGE_MAX_DAYS = 3660;
export const EARNINGS_MONTHS_DEFAULT = 12;
export const EARNINGS_MONTHS_MAX = 120;
const DAY_MS = 24 * 60 * 60 * 1000;

const isoDate = z.iso.date();
const listQuery = z.object({ from: isoDate.optional(), to: isoDate.optional() }).strict();
const monthlyQuery = z.object({ months: z.coerce.number().int().min(1).max(EARNINGS_MONTHS_MAX).default(EARNINGS_MONTHS_DEFAULT) }).strict();

/** The calendar date in Paris of an instant, `YYYY-MM-DD`. */
export function parisDate(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: DOCUMENT_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

const shiftDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The last `count` months up to the one containing `at`, oldest first, as `YYYY-MM`. */
export function lastMonths(at: Date, count: number): string[] {
  const [year, month] = parisDate(at).split('-').map(Number) as [number, number];
  const months: string[] = [];
  for (let back = count - 1; back >= 0; back--) {
    const index = year * 12 + (month - 1) - back;
    months.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`);
  }
  return months;
}

// $1 = expert, $2/$3 = their wallet accounts. One row per settled consultation that moved money.
const SETTLED_LINES = `
  SELECT s.consultation_id, s.kind, s.settled_at, c.mode, c.pricing, c.status,
         COALESCE(c.start_at, c.live_at, c.created_at) AS consulted_at,
         s.billed_seconds, s.charge_cents, s.fee_cents, s.surcharge_cents, s.expert_earnings_cents, s.expert_penalty_cents,
         COALESCE((SELECT sum(p.amount_cents) FROM ledger_postings p JOIN ledger_journal j ON j.id = p.journal_id
                    WHERE j.consultation_id = c.id AND p.account_id IN ($2, $3)), 0) AS net_earnings_cents,
         COALESCE((SELECT sum(p.amount_cents) FROM ledger_postings p JOIN ledger_journal j ON j.id = p.journal_id
                    WHERE j.consultation_id = c.id AND p.account_id = '${accounts.refunds.id}'), 0) AS refunded_cents
    FROM settlements s JOIN consultations c ON c.id = s.consultation_id
   WHERE c.expert_id = $1 AND s.status = 'settled' AND (s.charge_cents > 0 OR s.expert_penalty_cents > 0)`;

interface LineRow {
  consultation_id: string;
  kind: 'consultation' | 'cancellation';
  settled_at: Date;
  mode: 'video' | 'phone';
  pricing: 'free_rate' | 'package';
  status: string;
  consulted_at: Date;
  billed_seconds: number;
  charge_cents: number;
  fee_cents: number;
  surcharge_cents: number;
  expert_earnings_cents: number;
  expert_penalty_cents: number;
  net_earnings_cents: number;
  refunded_cents: number;
}

export interface MonthEarnings {
  month: string;
  consultationCount: number;
  clientPriceCents: number;
  operatingFeeCents: number;
  netEarningsCents: number;
}

/** EXP-8 totals of the given Paris months (`YYYY-MM`, oldest first), empty months included; also the dashboard's "this month". */
export async function monthlyEarnings(db: Queryable, expertId: string, months: readonly string[]): Promise<MonthEarnings[]> {
  const rows = await db.query<{ month: string; count: number; charge: number; fee: number; net: number }>(
    `SELECT to_char(settled_at AT TIME ZONE '${DOCUMENT_TIME_ZONE}', 'YYYY-MM') AS month, count(*)::int AS count,
            sum(charge_cents) AS charge, sum(fee_cents) AS fee, sum(net_earnings_cents) AS net
       FROM (${SETTLED_LINES}
               AND s.settled_at >= (($4 || '-01')::date)::timestamp AT TIME ZONE '${DOCUMENT_TIME_ZONE}') lines
      GROUP BY 1`,
    [expertId, accounts.walletPending(expertId).id, accounts.walletAvailable(expertId).id, months[0]],
  );
  const byMonth = new Map(rows.map((row) => [row.month, row]));
  return months.map((month) => {
    const row = byMonth.get(month);
    return {
      month,
      consultationCount: row?.count ?? 0,
      clientPriceCents: row?.charge ?? 0,
      operatingFeeCents: row?.fee ?? 0,
      netEarningsCents: row?.net ?? 0,
    };
  });
}

export function earningsRoutes(api: Api, deps: { db: Database; clock: Clock }) {
  const { db, clock } = deps;
  const tag = 'expert workspace';

  api.route(
    {
      method: 'get',
      path: '/api/experts/me/earnings',
      summary: 'My settled consultations between two Paris dates (inclusive): duration, client price, operating fee, net earnings (EXP-8)',
      tag,
      access: ['expert'],
      query: listQuery,
    },
    async ({ user, query }) => {
      const to = query.to ?? parisDate(clock.now());
      const from = query.from ?? shiftDays(to, -365);
      if (from > to) throw badRequest('invalid_range', '`from` must not be after `to`.', 'from');
      if ((Date.parse(to) - Date.parse(from)) / DAY_MS > EARNINGS_RANGE_MAX_DAYS) {
        throw badRequest('invalid_range', `At most ${EARNINGS_RANGE_MAX_DAYS} days per query.`, 'from');
      }
      const expertId = user!.id;
      const params = [expertId, accounts.walletPending(expertId).id, accounts.walletAvailable(expertId).id, from, to];
      const range = `s.settled_at >= ($4::date)::timestamp AT TIME ZONE '${DOCUMENT_TIME_ZONE}'
                 AND s.settled_at < ($5::date + 1)::timestamp AT TIME ZONE '${DOCUMENT_TIME_ZONE}'`;
      const rows = await db.query<LineRow>(
        `${SETTLED_LINES} AND ${range} ORDER BY s.settled_at DESC, s.consultation_id LIMIT ${EARNINGS_LINES_LIMIT + 1}`,
        params,
      );
      const [totals] = await db.query<{ count: number; charge: number; fee: number; surcharge: number; net: number; refunded: number }>(
        `SELECT count(*)::int AS count, COALESCE(sum(charge_cents), 0) AS charge, COALESCE(sum(fee_cents), 0) AS fee,
                COALESCE(sum(surcharge_cents), 0) AS surcharge, COALESCE(sum(net_earnings_cents), 0) AS net,
                COALESCE(sum(refunded_cents), 0) AS refunded
           FROM (${SETTLED_LINES} AND ${range}) lines`,
        params,
      );
      return {
        from,
        to,
        timeZone: DOCUMENT_TIME_ZONE,
        currency: 'EUR',
        consultations: rows.slice(0, EARNINGS_LINES_LIMIT).map((row) => ({
          consultationId: row.consultation_id,
          kind: row.kind,
          status: row.status,
          date: row.consulted_at.toISOString(),
          settledAt: row.settled_at.toISOString(),
          mode: row.mode,
          pricing: row.pricing,
          durationSeconds: row.billed_seconds,
          clientPriceCents: row.charge_cents,
          operatingFeeCents: row.fee_cents,
          surchargeCents: row.surcharge_cents,
          penaltyCents: row.expert_penalty_cents,
          /** TRUST-2: given back to the client after a complaint; the net earnings already account for it. */
          refundedCents: row.refunded_cents,
          netEarningsCents: row.net_earnings_cents,
        })),
        truncated: rows.length > EARNINGS_LINES_LIMIT,
        totals: {
          consultationCount: totals!.count,
          clientPriceCents: totals!.charge,
          operatingFeeCents: totals!.fee,
          surchargeCents: totals!.surcharge,
          refundedCents: totals!.refunded,
          netEarningsCents: totals!.net,
        },
      };
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/experts/me/earnings/monthly',
      summary: 'My earnings per Paris month, the last `months` months including empty ones, for the chart (EXP-8)',
      tag,
      access: ['expert'],
      query: monthlyQuery,
    },
    async ({ user, query }) => ({
      timeZone: DOCUMENT_TIME_ZONE,
      currency: 'EUR',
      months: await monthlyEarnings(db, user!.id, lastMonths(clock.now(), query.months)),
    }),
  );
}
