import type { Queryable } from '../platform/database.ts';
import { accounts } from '../ledger/accounts.ts';
import { DOCUMENT_TIME_ZONE } from '../receipts/format.ts';

/**
 * REF-1 … REF-4: what the referral workspace shows, read from the accounts (REF-2 attribution is
 * `expert_profiles.sponsor_id`, fixed at signup) and from the ledger (REF-3 commissions are the
 * postings with purpose `commission` into the sponsor's wallet, less the `refund_commission`
 * reversals of refunded consultations). Months are Paris months by posting time, like statements.
 */

/** A sponsor's list is for a screen; more referred experts than this are counted, not listed. */
export const REFERRED_EXPERTS_LIMIT = 1000;
/** Twenty years of months. */
export const COMMISSION_MONTHS_LIMIT = 240;

export interface ReferralTerms {
  commissionPercent: number;
  months: number;
}

export interface ReferredExpert {
  slug: string;
  firstName: string;
  lastName: string;
  signedUpAt: string;
  /** Consultations of this expert that were charged (and so produced an operating fee). */
  consultationsCount: number;
  commissionCents: number;
  commissionWindowEndsAt: string;
  insideCommissionWindow: boolean;
}

/** REF-3: the same window as the settlement's (server/settlement/service.ts): signup + `months` calendar months, UTC. */
export function commissionWindowEnd(signedUpAt: Date, months: number): Date {
  const end = new Date(signedUpAt);
  end.setUTCMonth(end.getUTCMonth() + months);
  return end;
}

/** REF-3 commissions and their reversal in proportion when the consultation is refunded (server/trust/refunds.ts). */
const COMMISSION_PURPOSES = `('commission', 'refund_commission')`;
const COMMISSION_POSTINGS = `p.account_id IN ($2, $3) AND p.purpose IN ${COMMISSION_PURPOSES}`;

export async function readReferralWorkspace(db: Queryable, sponsorId: string, terms: ReferralTerms, now: Date) {
  const walletAccounts = [accounts.walletPending(sponsorId).id, accounts.walletAvailable(sponsorId).id];
  const referred = await db.query<{
    slug: string;
    first_name: string;
    last_name: string;
    created_at: Date;
    consultations_count: number;
    commission_cents: number;
  }>(
    `SELECT e.slug, u.first_name, u.last_name, u.created_at,
            (SELECT count(*)::int FROM settlements s JOIN consultations c ON c.id = s.consultation_id
              WHERE c.expert_id = e.user_id AND s.status = 'settled' AND s.charge_cents > 0) AS consultations_count,
            COALESCE((SELECT sum(p.amount_cents) FROM ledger_postings p JOIN ledger_journal j ON j.id = p.journal_id
                       JOIN consultations c ON c.id = j.consultation_id
                      WHERE c.expert_id = e.user_id AND ${COMMISSION_POSTINGS}), 0) AS commission_cents
       FROM expert_profiles e JOIN users u ON u.id = e.user_id
      WHERE e.sponsor_id = $1
      ORDER BY u.created_at DESC, e.slug LIMIT ${REFERRED_EXPERTS_LIMIT + 1}`,
    [sponsorId, ...walletAccounts],
  );
  const [counts] = await db.query<{ referred: number; commission: number }>(
    `SELECT (SELECT count(*)::int FROM expert_profiles WHERE sponsor_id = $1) AS referred,
            COALESCE((SELECT sum(p.amount_cents) FROM ledger_postings p WHERE ${COMMISSION_POSTINGS}), 0) AS commission`,
    [sponsorId, ...walletAccounts],
  );
  const months = await db.query<{ month: string; consultations: number; commission: number }>(
    `SELECT to_char(j.created_at AT TIME ZONE '${DOCUMENT_TIME_ZONE}', 'YYYY-MM') AS month,
            count(DISTINCT j.consultation_id)::int AS consultations, sum(p.amount_cents) AS commission
       FROM ledger_postings p JOIN ledger_journal j ON j.id = p.journal_id
      WHERE p.account_id IN ($1, $2) AND p.purpose IN ${COMMISSION_PURPOSES}
      GROUP BY 1 ORDER BY 1 DESC LIMIT ${COMMISSION_MONTHS_LIMIT}`,
    walletAccounts,
  );
  return {
    commissionPercent: terms.commissionPercent,
    commissionMonths: terms.months,
    referredExperts: referred.slice(0, REFERRED_EXPERTS_LIMIT).map((row): ReferredExpert => {
      const windowEnd = commissionWindowEnd(row.created_at, terms.months);
      return {
        slug: row.slug,
        firstName: row.first_name,
        lastName: row.last_name,
        signedUpAt: row.created_at.toISOString(),
        consultationsCount: row.consultations_count,
        commissionCents: row.commission_cents,
        commissionWindowEndsAt: windowEnd.toISOString(),
        insideCommissionWindow: now < windowEnd,
      };
    }),
    referredExpertsTruncated: referred.length > REFERRED_EXPERTS_LIMIT,
    commissionsByMonth: months.map((row) => ({ month: row.month, consultationsCount: row.consultations, commissionCents: row.commission })),
    totals: { referredExperts: counts!.referred, commissionCents: counts!.commission },
    timeZone: DOCUMENT_TIME_ZONE,
    currency: 'EUR' as const,
  };
}
