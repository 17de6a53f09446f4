import type { HttpClient } from './platform.ts';

export const TEST_PASSWORD = 'correct-horse-battery-staple';

let sequence = 0;
const unique = () => `${Date.now().toString(36)}${(sequence++).toString(36)}`;

export function clientSignup(overrides: Record<string, unknown> = {}) {
  return {
    email: `client-${unique()}@example.com`,
    password: TEST_PASSWORD,
    firstName: 'Alice',
    lastName: 'Bernard',
    acceptTerms: true,
    ...overrides,
  };
}

export function expertSignup(overrides: Record<string, unknown> = {}) {
  return {
    email: `expert-${unique()}@example.com`,
    password: TEST_PASSWORD,
    firstName: 'Camille',
    lastName: 'Dubois',
    birthDate: '1985-04-12',
    civility: 'ms',
    status: 'individual',
    address: { line1: '12 rue de la Paix', postalCode: '75002', city: 'Paris', country: 'FR' },
    phoneLandline: '+33140000000',
    phoneMobile: '+33612345678',
    category: 'therapy',
    certifyAdult: true,
    certifyLiabilityInsurance: true,
    acceptTerms: true,
    ...overrides,
  };
}

export interface SignedUp {
  user: { id: string; role: string; email: string; slug?: string };
  accessToken: string;
  refreshToken: string;
}

export interface SignUpOptions {
  /**
   * ACC-10: type the emailed code back, as the signup page does (default). Off for the tests of
   * verification itself and for platforms whose mail goes to SMTP (no local mailbox to read).
   */
  verifyEmail?: boolean;
}

export async function signUpClient(http: HttpClient, overrides: Record<string, unknown> = {}, options: SignUpOptions = {}): Promise<SignedUp> {
  const response = await http.post<SignedUp>('/api/auth/register/client', clientSignup(overrides));
  if (response.status !== 201) throw new Error(`client signup failed: ${JSON.stringify(response.body)}`);
  if (options.verifyEmail ?? true) await verifyEmail(http, response.body);
  return response.body;
}

export async function signUpExpert(http: HttpClient, overrides: Record<string, unknown> = {}, options: SignUpOptions = {}): Promise<SignedUp> {
  const response = await http.post<SignedUp>('/api/auth/register/expert', expertSignup(overrides));
  if (response.status !== 201) throw new Error(`expert signup failed: ${JSON.stringify(response.body)}`);
  if (options.verifyEmail ?? true) await verifyEmail(http, response.body);
  return response.body;
}

/** ACC-10: the latest verification code emailed to this address, read from the development mailbox. */
export async function emailedCode(http: HttpClient, email: string): Promise<string> {
  const mailbox = await http.get<{ messages: { to: string; event: string; subject: string; date: string }[] }>('/dev/mailbox.json');
  if (mailbox.status !== 200) throw new Error(`no development mailbox (${mailbox.status}): is SMTP_URL set?`);
  // Newest first; the subject starts with the code.
  const message = mailbox.body.messages.find((candidate) => candidate.event === 'email_verification' && candidate.to.toLowerCase() === email.toLowerCase());
  const code = message && /^(\d{6}) /.exec(message.subject)?.[1];
  if (!code) throw new Error(`no verification code emailed to ${email}`);
  return code;
}

/** ACC-10 through the real flow: the code from the mailbox, typed into `POST /api/auth/verify-email`. */
export async function verifyEmail(http: HttpClient, signedUp: Pick<SignedUp, 'user' | 'accessToken'>): Promise<void> {
  const response = await http.post('/api/auth/verify-email', { code: await emailedCode(http, signedUp.user.email) }, signedUp.accessToken);
  if (response.status !== 200) throw new Error(`email verification failed: ${JSON.stringify(response.body)}`);
}

/** The smallest valid PNG: 1×1 transparent pixel. */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
