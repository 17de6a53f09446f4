import { insertFinishedConsultation, packageTerms } from '../support/consultations.ts';
import { TEST_PASSWORD, signUpClient, type SignedUp } from '../support/fixtures.ts';
import type { TestPlatform } from '../support/platform.ts';
import type { ConsultationTerms } from '../../server/billing/index.ts';
import type { ManualClock } from '../../server/platform/clock.ts';

export const SECOND_MS = 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

export const clockOf = (platform: TestPlatform) => platform.clock as ManualClock;

/** An admin account (TRUST-4): a user whose role is set to admin in the database, as the seed does. */
export async function signUpAdmin(platform: TestPlatform): Promise<SignedUp> {
  const admin = await signUpClient(platform.http, { firstName: 'Ada', lastName: 'Admin' });
  await platform.db.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [admin.user.id]);
  admin.user.role = 'admin';
  return admin;
}

/** Access tokens live 15 minutes and these tests move the clock by days. */
export async function signInAgain(platform: TestPlatform, user: SignedUp): Promise<SignedUp> {
  const response = await platform.http.post('/api/auth/login', { email: user.user.email, password: TEST_PASSWORD });
  if (response.status !== 200) throw new Error(`login failed: ${JSON.stringify(response.body)}`);
  user.accessToken = response.body.accessToken;
  user.refreshToken = response.body.refreshToken;
  return user;
}

/** A consultation that took place and was charged and settled (receipt issued): 15-minute package of 75.00 €. */
export async function chargedConsultation(
  platform: TestPlatform,
  expertId: string,
  clientId: string,
  terms: ConsultationTerms = packageTerms(),
): Promise<string> {
  const id = await insertFinishedConsultation(platform, { expertId, clientId, terms, connectedSeconds: 900 });
  await platform.services.settlements.settle(id);
  return id;
}

/** The notification jobs enqueued so far, as `event → recipients`. */
export async function notificationsSent(platform: TestPlatform, event: string): Promise<string[]> {
  const rows = await platform.db.query<{ user_id: string }>(
    `SELECT payload->>'userId' AS user_id FROM jobs WHERE kind = 'notify' AND payload->>'event' = $1 ORDER BY id`,
    [event],
  );
  return rows.map((row) => row.user_id);
}

export async function ledgerSum(platform: TestPlatform): Promise<number> {
  const [row] = await platform.db.query<{ total: number }>('SELECT COALESCE(sum(amount_cents), 0) AS total FROM ledger_postings');
  return row!.total;
}

export async function balance(platform: TestPlatform, accountId: string): Promise<number> {
  const [row] = await platform.db.query<{ total: number }>('SELECT COALESCE(sum(amount_cents), 0) AS total FROM ledger_postings WHERE account_id = $1', [
    accountId,
  ]);
  return row!.total;
}
