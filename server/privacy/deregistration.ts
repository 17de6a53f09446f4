import type { Database, Queryable } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { conflict, forbidden, notFound } from '../platform/errors.ts';
import type { Sessions } from '../accounts/sessions.ts';
import type { Notifier } from '../notifications/notifier.ts';
import { walletBalances } from '../ledger/balances.ts';
import { hasOpenComplaint } from '../trust/complaints.ts';

/** ACC-8: why a deregistration is refused, in the order they are reported. */
export type DeregistrationBlocker = 'consultation_open' | 'complaint_open' | 'negative_balance' | 'wallet_balance_not_paid_out';

const MESSAGES: Record<DeregistrationBlocker, string> = {
  consultation_open: 'A consultation is still open (booked, live, or not settled yet).',
  complaint_open: 'A complaint is still open or its refund is not done.',
  negative_balance: 'Your wallet is negative: it must be recovered first (BILL-12).',
  wallet_balance_not_paid_out: 'Your wallet still holds money (pending, available or being paid out): withdraw it first.',
};

/** Placeholder kept in NOT NULL columns of an erased account. */
const ERASED_FIRST_NAME = 'Compte';
const ERASED_LAST_NAME = 'supprimé';
const ERASED_CLIENT_NAME = 'Client anonymisé';
/** A syntactically valid number that is no one's: phone consultations keep a number by constraint. */
const ERASED_PHONE_NUMBER = '+10000000000';
const ERASED_COMPLAINT_TEXT = '[effacé]';

/** ACC-8: every reason money or a complaint is still open between the user and anyone. */
export async function deregistrationBlockers(db: Queryable, userId: string): Promise<DeregistrationBlocker[]> {
  const blockers: DeregistrationBlocker[] = [];
  const [open] = await db.query(
    `SELECT 1 FROM consultations c LEFT JOIN settlements s ON s.consultation_id = c.id
      WHERE (c.client_id = $1 OR c.expert_id = $1) AND (c.status IN ('requested', 'scheduled', 'live') OR s.status IS DISTINCT FROM 'settled') LIMIT 1`,
    [userId],
  );
  if (open) blockers.push('consultation_open');
  if (await hasOpenComplaint(db, userId)) blockers.push('complaint_open');
  const { pendingCents, availableCents } = await walletBalances(db, userId);
  if (pendingCents < 0 || availableCents < 0) blockers.push('negative_balance');
  const [payout] = await db.query(`SELECT 1 FROM payouts WHERE user_id = $1 AND status = 'requested' LIMIT 1`, [userId]);
  if (pendingCents > 0 || availableCents > 0 || payout) blockers.push('wallet_balance_not_paid_out');
  return blockers;
}

/**
 * ACC-8: closes the account and erases or anonymises its personal data, keeping the accounting
 * records (ledger postings keyed by user id only, receipts with the client's name anonymised;
 * a receipt's issuer identity stays, as invoice law requires). Refused with 409 and the first
 * blocker's code while money or a complaint is open.
 */
export class Deregistration {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #sessions: Sessions;
  readonly #notifier: Notifier;
  readonly #logger: Logger;

  constructor(deps: { db: Database; clock: Clock; sessions: Sessions; notifier: Notifier; logger: Logger }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#sessions = deps.sessions;
    this.#notifier = deps.notifier;
    this.#logger = deps.logger;
  }

  async request(user: { id: string; role: string }): Promise<{ status: 'closed'; closedAt: string }> {
    if (user.role === 'admin') throw forbidden('Admin accounts are closed by another admin, not deregistered.');
    await this.#refuseIfBlocked(this.#db, user.id);
    // The confirmation goes first: a closed account's address is erased and receives nothing.
    await this.#notifier
      .notify({ event: 'account_deregistered', userId: user.id, data: {}, idempotencyKey: `account_deregistered:${user.id}` })
      .catch((error: unknown) => this.#logger.warn({ err: error, userId: user.id }, 'deregistration email not sent'));
    const now = this.#clock.now();
    await this.#db.transaction(async (tx) => {
      const [row] = await tx.query<{ status: string }>('SELECT status FROM users WHERE id = $1 FOR UPDATE', [user.id]);
      if (!row || row.status === 'closed') throw notFound('User');
      // Checked again under the lock: a booking or payout that raced the first check wins.
      await this.#refuseIfBlocked(tx, user.id);
      await erasePersonalData(tx, user.id, now);
      await this.#sessions.revokeAllForUser(user.id, 'deregistered', tx);
      await tx.query(
        `INSERT INTO account_closures (user_id, kind, closed_at, anonymised_at) VALUES ($1, 'deregistered', $2, $2)
         ON CONFLICT (user_id) DO UPDATE SET kind = 'deregistered', anonymised_at = EXCLUDED.anonymised_at`,
        [user.id, now],
      );
    });
    return { status: 'closed', closedAt: now.toISOString() };
  }

  async #refuseIfBlocked(db: Queryable, userId: string): Promise<void> {
    const blockers = await deregistrationBlockers(db, userId);
    if (blockers.length > 0)
      throw conflict(
        blockers[0]!,
        `${MESSAGES[blockers[0]!]}${
          blockers.length > 1
            ? ` Also: ${blockers
                .slice(1)
                .map((code) => MESSAGES[code])
                .join(' ')}`
            : ''
        }`,
      );
  }
}

async function erasePersonalData(tx: Queryable, userId: string, now: Date): Promise<void> {
  const [user] = await tx.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [userId]);
  await tx.query(
    `UPDATE users SET status = 'closed', email = $2, password_hash = '!erased', first_name = $3, last_name = $4, civility = NULL, birth_date = NULL,
            phone_landline = NULL, phone_mobile = NULL, address = NULL, profession = NULL, password_changed_at = $5
      WHERE id = $1`,
    [userId, `erased-${userId}@deleted.invalid`, ERASED_FIRST_NAME, ERASED_LAST_NAME, now],
  );
  // The slug is made of the name (EXP-1): it goes too, and the page with it.
  await tx.query(
    `UPDATE expert_profiles SET slug = 'supprime-' || replace(user_id::text, '-', ''), headline = '', description = '', photo = NULL,
            photo_content_type = NULL, photo_updated_at = NULL, vat_number = NULL, siret = NULL, available_now = false
      WHERE user_id = $1`,
    [userId],
  );
  await tx.query('DELETE FROM expert_availability WHERE expert_id = $1', [userId]);
  await tx.query('DELETE FROM expert_blocks WHERE expert_id = $1 OR client_id = $1', [userId]);
  await tx.query(`UPDATE receipts SET content = jsonb_set(content, '{client,name}', to_jsonb($2::text)) WHERE client_id = $1`, [userId, ERASED_CLIENT_NAME]);
  await tx.query(`UPDATE consultations SET phone_number = $2 WHERE client_id = $1 AND phone_number IS NOT NULL`, [userId, ERASED_PHONE_NUMBER]);
  await tx.query('UPDATE reviews SET comment = NULL WHERE client_id = $1', [userId]);
  await tx.query('UPDATE complaints SET comment = $2 WHERE complainant_id = $1', [userId, ERASED_COMPLAINT_TEXT]);
  await tx.query('UPDATE reports SET comment = NULL WHERE reporter_id = $1', [userId]);
  await tx.query('UPDATE kyc_profiles SET iban = NULL, bic = NULL, company_name = NULL WHERE user_id = $1', [userId]);
  await tx.query('DELETE FROM saved_cards WHERE user_id = $1', [userId]);
  // BOOK-8: the calendar feed's secret address goes with the account.
  await tx.query('DELETE FROM calendar_feeds WHERE user_id = $1', [userId]);
  if (user) await tx.query('DELETE FROM rate_limit_events WHERE lower(subject) = lower($1)', [user.email]);
  // ACC-4, ACC-10: the addresses and devices that signed in, failed sign-ins on the email, a pending code.
  await tx.query('DELETE FROM known_sign_in_sources WHERE user_id = $1', [userId]);
  if (user) await tx.query('DELETE FROM sign_in_failures WHERE account = lower($1)', [user.email]);
  await tx.query('DELETE FROM email_verification_codes WHERE user_id = $1', [userId]);
}
