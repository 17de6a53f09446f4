import jwt from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import type { TestPlatform } from '../support/platform.ts';
import { TEST_PASSWORD, signUpClient } from '../support/fixtures.ts';
import { bookingBody, setUpClient, setUpExpert } from '../support/bookings.ts';
import type { Dictionary } from './arbitraries.ts';

export type Member = 'client' | 'otherClient' | 'expert' | 'otherExpert' | 'admin';
export const MEMBERS: readonly Member[] = ['client', 'otherClient', 'expert', 'otherExpert', 'admin'];

/** How a fuzzed request authenticates: as a member of the cast, with a forged token, or not at all. */
export const AUTH_CHOICES = [
  'none',
  ...MEMBERS,
  'garbage',
  'alg-none',
  'wrong-secret',
  'expired',
  'sid-not-uuid',
  'unknown-session',
  'basic',
  'empty-bearer',
] as const;
export type AuthChoice = (typeof AUTH_CHOICES)[number];

interface Person {
  id: string;
  email: string;
  token: string;
  slug?: string;
}

/**
 * The people the fuzzer acts as, and the real ids of their things (consultations, packages,
 * cards…), so requests also carry other users' ids. A member a fuzzed request signed out,
 * suspended, closed or whose password it changed is replaced before the next operation.
 */
export class Cast {
  readonly #platform: TestPlatform;
  readonly #people = new Map<Member, Person>();
  dictionary: Dictionary = {};

  private constructor(platform: TestPlatform) {
    this.#platform = platform;
  }

  static async assemble(platform: TestPlatform): Promise<Cast> {
    const cast = new Cast(platform);
    for (const member of MEMBERS) await cast.#create(member);
    const http = platform.http;
    const client = cast.#people.get('client')!;
    const expert = cast.#people.get('expert')!;
    const otherExpert = cast.#people.get('otherExpert')!;
    // Things that exist: an immediate request, an appointment, a phone booking, a saved card, a complaint.
    await http.post('/api/consultations', bookingBody(expert.slug!), client.token);
    const startAt = new Date(platform.clock.now().getTime() + 30 * 3_600_000).toISOString();
    await http.post('/api/consultations', bookingBody(otherExpert.slug!, { startAt }), client.token);
    await http.post(
      '/api/consultations',
      bookingBody(otherExpert.slug!, { startAt: new Date(Date.parse(startAt) + 7_200_000).toISOString(), mode: 'phone', phoneNumber: '+33698765432' }),
      client.token,
    );
    const setup = await http.post('/api/payments/cards/setup', undefined, client.token);
    await http.post(`/api/payments/local/setups/${setup.body.setupRef}/confirm`, { paymentMethod: 'pm_card_visa' }, client.token);
    await http.post('/api/payments/cards', { setupRef: setup.body.setupRef }, client.token);
    await http.post('/api/complaints', { kind: 'platform', comment: 'The page was slow during my booking.' }, client.token);
    await http.post('/api/experts/me/discount-codes', { code: 'FUZZ10', percentOff: 10 }, expert.token);
    await cast.#collectDictionary();
    return cast;
  }

  /** Signs members in again, or replaces them, when a fuzzed request ended their session or account. */
  async refresh(): Promise<void> {
    for (const member of MEMBERS) {
      const person = this.#people.get(member)!;
      if ((await this.#platform.http.get('/api/me', person.token)).status === 200) continue;
      const login = await this.#platform.http.post('/api/auth/login', { email: person.email, password: TEST_PASSWORD });
      const usable = login.status === 200 && (await this.#platform.http.get('/api/me', login.body.accessToken)).status === 200;
      if (usable) person.token = login.body.accessToken;
      else await this.#create(member);
    }
  }

  /** The Authorization header of a choice. */
  authorization(choice: AuthChoice): string | undefined {
    const secret = this.#platform.config.jwtSecret;
    const someone = this.#people.get('client')!;
    const claims = { sub: someone.id, sid: randomUUID(), role: 'admin', iss: 'consulto', aud: 'consulto-api' };
    switch (choice) {
      case 'none':
        return undefined;
      case 'garbage':
        return 'Bearer not.a.jwt';
      case 'alg-none':
        return `Bearer ${jwt.sign(claims, '', { algorithm: 'none' })}`;
      case 'wrong-secret':
        return `Bearer ${jwt.sign(claims, 'not-our-secret-not-our-secret-not-ours', { algorithm: 'HS256', expiresIn: 600 })}`;
      case 'expired':
        return `Bearer ${jwt.sign({ ...claims, iat: 1, exp: 2 }, secret, { algorithm: 'HS256' })}`;
      case 'sid-not-uuid':
        return `Bearer ${jwt.sign({ ...claims, sid: "x' OR 1=1 --" }, secret, { algorithm: 'HS256', expiresIn: 600 })}`;
      case 'unknown-session':
        return `Bearer ${jwt.sign(claims, secret, { algorithm: 'HS256', expiresIn: 600 })}`;
      case 'basic':
        return 'Basic YWRtaW46YWRtaW4=';
      case 'empty-bearer':
        return 'Bearer ';
      default:
        return `Bearer ${this.#people.get(choice)!.token}`;
    }
  }

  async #create(member: Member): Promise<void> {
    const http = this.#platform.http;
    if (member === 'expert' || member === 'otherExpert') {
      const expert = await setUpExpert(http, { availableNow: member === 'expert' });
      this.#people.set(member, { id: expert.id, email: expert.email, token: expert.token, slug: expert.slug });
      return;
    }
    if (member === 'admin') {
      const admin = await signUpClient(http, { firstName: 'Ada', lastName: 'Admin' });
      await this.#platform.db.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [admin.user.id]);
      this.#people.set(member, { id: admin.user.id, email: admin.user.email, token: admin.accessToken });
      return;
    }
    const client = await setUpClient(http);
    this.#people.set(member, { id: client.id, email: client.email, token: client.token });
  }

  /** Real values by field name, read once the cast exists. */
  async #collectDictionary(): Promise<void> {
    const db = this.#platform.db;
    const column = async (sql: string) => (await db.query<{ value: string }>(sql)).map((row) => row.value);
    const ids = [
      ...(await column('SELECT id::text AS value FROM users')),
      ...(await column('SELECT id::text AS value FROM consultations')),
      ...(await column('SELECT id::text AS value FROM complaints')),
      ...(await column('SELECT id::text AS value FROM discount_codes')),
    ];
    const slugs = await column('SELECT slug AS value FROM expert_profiles');
    const people = [...this.#people.values()];
    this.dictionary = {
      id: ids,
      userId: await column('SELECT id::text AS value FROM users'),
      clientId: people.map((person) => person.id),
      consultationId: await column('SELECT id::text AS value FROM consultations'),
      documentId: ids,
      packageId: await column('SELECT id::text AS value FROM packages'),
      slug: slugs,
      expertSlug: slugs,
      sponsorSlug: slugs,
      ref: [...(await column('SELECT id AS value FROM local_card_setups')), ...(await column('SELECT id AS value FROM local_payment_holds'))],
      setupRef: await column('SELECT id AS value FROM local_card_setups'),
      paymentMethod: ['pm_card_visa', 'pm_card_chargeDeclined', 'pm_card_authenticationRequired'],
      email: people.map((person) => person.email),
      password: [TEST_PASSWORD],
      currentPassword: [TEST_PASSWORD],
      code: ['123456', 'FUZZ10'],
      discountCode: ['FUZZ10'],
      month: ['2026-11', '2026-13', '0000-00'],
      mode: ['video', 'phone'],
      phoneNumber: ['+33698765432', '+4915112345678', '+0', '0612345678'],
      reason: ['A reason long enough to be accepted by the admin console.'],
      comment: ['A comment long enough to be accepted.'],
      country: ['FR', 'BE', 'US', 'ZZ', 'fr'],
    };
  }
}
