import { releaseDueHolds } from '../../server/ledger/holds.ts';
import type { ManualClock } from '../../server/platform/clock.ts';
import { insertFinishedConsultation, packageTerms } from '../support/consultations.ts';
import { TEST_PASSWORD, signUpClient, signUpExpert, type SignedUp } from '../support/fixtures.ts';
import type { TestPlatform } from '../support/platform.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A full 15-minute package of 75.00 €: the expert earns 7500 − 15 × 15 = 7275 cents (BILL-5, BILL-7). */
export const PACKAGE_EARNINGS_CENTS = 7275;

/** A real PDF header followed by a marker the encrypted file must not contain. */
export const pdf = (marker = 'PLAINTEXT-MARKER-do-not-store-in-clear') =>
  Buffer.from(`%PDF-1.4\n% ${marker}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`, 'latin1');
export const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);

/** ISO 13616 check digits for a BBAN, so tests can make valid IBANs ending as they need. */
export function iban(country: string, bban: string): string {
  const digits = (bban + country + '00').replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  let remainder = 0;
  for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  return `${country}${String(98 - remainder).padStart(2, '0')}${bban}`;
}
export const GOOD_IBAN = 'FR1420041010050500013M02606';
export const FAILING_IBAN = iban('FR', '20041010050500013M0000000');
export const BIC = 'BNPAFRPPXXX';

export function today(platform: TestPlatform): string {
  return platform.clock.now().toISOString().slice(0, 10);
}

export async function upload(
  platform: TestPlatform,
  token: string,
  type: string,
  options: { fileName?: string; bytes?: Buffer; contentType?: string; issuedOn?: string | null } = {},
) {
  const issuedOn = options.issuedOn === undefined ? (type === 'id_document' ? null : today(platform)) : options.issuedOn;
  const query = new URLSearchParams({ type, fileName: options.fileName ?? `${type}.pdf`, ...(issuedOn ? { issuedOn } : {}) });
  return platform.http.request('POST', `/api/wallet/kyc/documents?${query}`, {
    token,
    headers: { 'content-type': options.contentType ?? 'application/pdf' },
    rawBody: options.bytes ?? pdf(),
  });
}

/** PAY-4 for an individual: both documents, bank details, submitted. */
export async function submitKyc(platform: TestPlatform, expert: SignedUp, options: { iban?: string; refuse?: boolean } = {}) {
  for (const type of ['id_document', 'proof_of_address']) {
    const response = await upload(platform, expert.accessToken, type, {
      fileName: options.refuse && type === 'id_document' ? 'passport-refuse.pdf' : `${type}.pdf`,
    });
    if (response.status !== 201) throw new Error(`upload failed: ${JSON.stringify(response.body)}`);
  }
  const details = await platform.http.put('/api/wallet/kyc/details', { iban: options.iban ?? GOOD_IBAN, bic: BIC }, expert.accessToken);
  if (details.status !== 200) throw new Error(`details failed: ${JSON.stringify(details.body)}`);
  const submitted = await platform.http.post('/api/wallet/kyc/submit', undefined, expert.accessToken);
  if (submitted.status !== 200) throw new Error(`submit failed: ${JSON.stringify(submitted.body)}`);
  return submitted.body;
}

/** Submits and lets the local provider's verification answer (PAY-6 local). */
export async function validateKyc(platform: TestPlatform, expert: SignedUp, options: { iban?: string } = {}) {
  await submitKyc(platform, expert, options);
  (platform.clock as ManualClock).advance(
    (Number(platform.config.payments.provider === 'local' ? platform.config.payments.kycAutoValidateSeconds : 0) + 1) * 1000,
  );
  await platform.services.wallet.tick();
}

/** Access tokens are short-lived and tests move the clock by days: sign in again (updates `user` in place). */
export async function signInAgain(platform: TestPlatform, user: SignedUp): Promise<SignedUp> {
  const response = await platform.http.post('/api/auth/login', { email: user.user.email, password: TEST_PASSWORD });
  if (response.status !== 200) throw new Error(`login failed: ${JSON.stringify(response.body)}`);
  user.accessToken = response.body.accessToken;
  user.refreshToken = response.body.refreshToken;
  return user;
}

/** Earnings of settled consultations, released from pending to available after the PAY-3 hold. */
export async function earn(platform: TestPlatform, expertId: string, consultations = 1): Promise<void> {
  const client = await signUpClient(platform.http);
  for (let index = 0; index < consultations; index++) {
    const id = await insertFinishedConsultation(platform, { expertId, clientId: client.user.id, terms: packageTerms(), connectedSeconds: 900 });
    await platform.services.settlements.settle(id);
  }
  (platform.clock as ManualClock).advance(7 * DAY_MS + 1000);
  await releaseDueHolds(platform.db, platform.clock);
}

/** An expert with a validated identity check and `consultations × 7275` cents available. */
export async function payableExpert(
  platform: TestPlatform,
  options: { iban?: string; consultations?: number; overrides?: Record<string, unknown> } = {},
): Promise<SignedUp> {
  const expert = await signUpExpert(platform.http, options.overrides);
  await validateKyc(platform, expert, { iban: options.iban });
  await earn(platform, expert.user.id, options.consultations ?? 1);
  return signInAgain(platform, expert);
}
