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

export async function signUpClient(http: HttpClient, overrides: Record<string, unknown> = {}): Promise<SignedUp> {
  const response = await http.post<SignedUp>('/api/auth/register/client', clientSignup(overrides));
  if (response.status !== 201) throw new Error(`client signup failed: ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function signUpExpert(http: HttpClient, overrides: Record<string, unknown> = {}): Promise<SignedUp> {
  const response = await http.post<SignedUp>('/api/auth/register/expert', expertSignup(overrides));
  if (response.status !== 201) throw new Error(`expert signup failed: ${JSON.stringify(response.body)}`);
  return response.body;
}

/** The smallest valid PNG: 1×1 transparent pixel. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
