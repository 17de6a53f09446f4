import type { Queryable } from '../platform/database.ts';
import { walletBalances } from '../ledger/balances.ts';
import { accounts } from '../ledger/accounts.ts';

/** Each section of an export holds at most this many rows: a bounded answer even for a very old account. */
export const EXPORT_SECTION_MAX_ROWS = 10_000;

type Row = Record<string, unknown>;

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Rows as the API speaks: camelCase keys, ISO times, bytes in base64. */
function toJson(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [camel(key), toJson(inner)]));
  return value;
}

const rows = async (db: Queryable, sql: string, params: unknown[]) => toJson(await db.query<Row>(`${sql} LIMIT ${EXPORT_SECTION_MAX_ROWS}`, params)) as Row[];
const one = async (db: Queryable, sql: string, params: unknown[]) => (await rows(db, sql, params))[0] ?? null;

/**
 * ACC-9: everything the platform holds about a user, as JSON. Secrets are left out (password
 * hash, refresh-token hashes, encrypted document bytes: their metadata is listed, the files are
 * downloadable from the wallet page); everything else the user gave or caused is here.
 */
export async function exportPersonalData(db: Queryable, userId: string, exportedAt: Date) {
  const account = await one(
    db,
    `SELECT id, role, email, first_name, last_name, language, status, terms_version, terms_accepted_at, civility, birth_date,
            phone_landline, phone_mobile, address, profession, created_at, password_changed_at FROM users WHERE id = $1`,
    [userId],
  );
  const isExpert = account?.['role'] === 'expert';
  const pending = accounts.walletPending(userId).id;
  const available = accounts.walletAvailable(userId).id;
  return {
    format: 'consulto-personal-data/1',
    exportedAt: exportedAt.toISOString(),
    account,
    expertProfile: isExpert
      ? await one(
          db,
          `SELECT slug, legal_status, category, vat_number, siret, certified_adult_at, certified_liability_insurance_at, headline, description,
                  photo, photo_content_type, photo_updated_at, sponsor_id, available_now FROM expert_profiles WHERE user_id = $1`,
          [userId],
        )
      : null,
    rates: isExpert
      ? await one(db, 'SELECT video_rate_per_minute_cents, phone_rate_per_minute_cents, updated_at FROM expert_rates WHERE expert_id = $1', [userId])
      : null,
    packages: isExpert
      ? await rows(db, 'SELECT id, mode, minutes, price_cents, retired_at, created_at FROM packages WHERE expert_id = $1 ORDER BY created_at', [userId])
      : [],
    availability: isExpert ? await one(db, 'SELECT time_zone, weekly, exceptions, updated_at FROM expert_availability WHERE expert_id = $1', [userId]) : null,
    discountCodes: isExpert
      ? await rows(
          db,
          'SELECT code, percent_off, expires_at, max_uses, first_consultation_only, disabled_at, created_at FROM discount_codes WHERE expert_id = $1 ORDER BY created_at',
          [userId],
        )
      : [],
    consultations: await rows(
      db,
      `SELECT c.id, CASE WHEN c.client_id = $1 THEN 'client' ELSE 'expert' END AS my_role, c.mode, c.pricing, c.status, c.start_at, c.reserved_minutes,
              c.terms, c.phone_number, c.terms_accepted_at, c.withdrawal_waived_at, c.created_at, c.live_at, c.ended_at, c.connected_seconds,
              c.cancelled_by, c.cancelled_at, s.charge_cents, s.fee_cents, s.surcharge_cents, s.expert_earnings_cents, s.expert_penalty_cents
         FROM consultations c LEFT JOIN settlements s ON s.consultation_id = c.id
        WHERE c.client_id = $1 OR c.expert_id = $1 ORDER BY c.created_at`,
      [userId],
    ),
    receipts: await rows(db, 'SELECT number, consultation_id, issued_at, content FROM receipts WHERE client_id = $1 OR expert_id = $1 ORDER BY issued_at', [
      userId,
    ]),
    reviewsWritten: await rows(
      db,
      'SELECT id, consultation_id, stars, comment, moderation_state, created_at FROM reviews WHERE client_id = $1 ORDER BY created_at',
      [userId],
    ),
    reviewsReceived: isExpert
      ? await rows(db, 'SELECT id, consultation_id, stars, comment, moderation_state, created_at FROM reviews WHERE expert_id = $1 ORDER BY created_at', [
          userId,
        ])
      : [],
    complaints: await rows(
      db,
      `SELECT id, kind, CASE WHEN complainant_id = $1 THEN 'complainant' ELSE 'expert' END AS my_role, consultation_id, comment, occurred_at, filed_at,
              answer_due_at, status, escalated_at, resolution, refund_cents, reply, answered_at, refund_status
         FROM complaints WHERE complainant_id = $1 OR expert_id = $1 ORDER BY filed_at`,
      [userId],
    ),
    reportsFiled: await rows(
      db,
      'SELECT id, target_type, target_user_id, review_id, reason, comment, status, created_at FROM reports WHERE reporter_id = $1 ORDER BY created_at',
      [userId],
    ),
    blockedClients: isExpert ? await rows(db, 'SELECT client_id, created_at FROM expert_blocks WHERE expert_id = $1 ORDER BY created_at', [userId]) : [],
    wallet: isExpert
      ? { ...(await walletBalances(db, userId)), blocked: (await one(db, 'SELECT blocked FROM wallets WHERE user_id = $1', [userId]))?.['blocked'] ?? false }
      : null,
    walletMovements: isExpert
      ? await rows(
          db,
          `SELECT p.id, j.created_at, CASE WHEN p.account_id = $1 THEN 'pending' ELSE 'available' END AS balance, p.amount_cents, j.kind, p.purpose, j.consultation_id
             FROM ledger_postings p JOIN ledger_journal j ON j.id = p.journal_id WHERE p.account_id IN ($1, $2) ORDER BY p.id`,
          [pending, available],
        )
      : [],
    payouts: await rows(
      db,
      'SELECT id, amount_cents, currency, status, failure_reason, iban_last4, created_at, updated_at FROM payouts WHERE user_id = $1 ORDER BY created_at',
      [userId],
    ),
    identityCheck: await one(db, 'SELECT status, refusal_reason, iban, bic, company_name, submitted_at, decided_at FROM kyc_profiles WHERE user_id = $1', [
      userId,
    ]),
    identityDocuments: await rows(
      db,
      'SELECT id, kind, file_name, content_type, size_bytes, issued_on, uploaded_at, replaced_at FROM kyc_documents WHERE user_id = $1 ORDER BY uploaded_at',
      [userId],
    ),
    savedCards: await rows(db, 'SELECT brand, last4, exp_month, exp_year, created_at FROM saved_cards WHERE user_id = $1 ORDER BY created_at', [userId]),
    sessions: await rows(db, 'SELECT created_at, revoked_at, revoked_reason FROM sessions WHERE user_id = $1 ORDER BY created_at', [userId]),
    emails: await rows(db, 'SELECT event, subject, status, sent_at, created_at FROM notifications_sent WHERE user_id = $1 ORDER BY created_at', [userId]),
  };
}
