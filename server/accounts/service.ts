import type { Database, Queryable } from '../platform/database.ts';
import { UNIQUE_VIOLATION, sqlState } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Role } from '../platform/http.ts';
import { AppError, RateLimitedError, badRequest, conflict, tooManyRequests, unauthorized } from '../platform/errors.ts';
import { assertStrongPassword, hashPassword, verifyAgainstDecoy, verifyPassword } from './passwords.ts';
import type { RegisterClientInput, RegisterExpertInput } from './schemas.ts';
import { Sessions, type TokenPair } from './sessions.ts';
import { SIGNUPS_PER_IP, Throttle } from './throttle.ts';
import { SignInThrottle } from './sign-in-throttle.ts';
import { baseSlug, firstFreeSlug } from './slug.ts';
import { TERMS_VERSION, isPlausibleAdultBirthDate } from './terms.ts';
import { findUserByEmail, findUserById, type UserRow } from './users.ts';

/** Homonyms take turns (an advisory lock on the slug's base); a slug taken anyway (another base's suffix) is retried. */
const SLUG_ATTEMPTS = 5;

export interface Registered {
  user: UserRow;
  tokens: TokenPair;
  /** ACC-4: the device cookie of the browser that signed up (it is known from now on). */
  deviceToken: string;
}

/** ACC-4: where a sign-in or a sign-up comes from. */
export interface RequestSource {
  address: string;
  /** The device cookie, when the browser has one. */
  deviceToken: string | undefined;
}

export interface SignedIn {
  tokens: TokenPair;
  deviceToken: string;
}

export interface AccountEvents {
  expertRegistered?(expert: UserRow): Promise<void>;
}

export class AccountService {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #sessions: Sessions;
  readonly #throttle: Throttle;
  readonly #signIns: SignInThrottle;
  readonly #events: AccountEvents;

  constructor(deps: { db: Database; clock: Clock; sessions: Sessions; events?: AccountEvents }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#sessions = deps.sessions;
    this.#throttle = new Throttle(deps.db, deps.clock);
    this.#signIns = new SignInThrottle(deps.db, deps.clock);
    this.#events = deps.events ?? {};
  }

  /** ACC-2: name, email, password; the terms (which include being 18 or older, ACC-1) are accepted. */
  async registerClient(input: RegisterClientInput, from: RequestSource): Promise<Registered> {
    await this.#admitSignup(from.address);
    assertStrongPassword(input.password, input);
    const passwordHash = await hashPassword(input.password);
    return this.#db.transaction(async (tx) => {
      const userId = await this.#insertUser(tx, 'client', { ...input, passwordHash });
      return this.#registered(tx, userId, from);
    });
  }

  /** ACC-1, ACC-3, EXP-1, REF-2. */
  async registerExpert(input: RegisterExpertInput, from: RequestSource): Promise<Registered> {
    const today = this.#clock.now();
    const age = isPlausibleAdultBirthDate(input.birthDate, today);
    if (age === 'minor') throw badRequest('underage', 'Experts must be at least 18 years old.', 'birthDate');
    if (age === 'implausible') throw badRequest('invalid_birth_date', 'This birth date is not plausible.', 'birthDate');
    await this.#admitSignup(from.address);
    assertStrongPassword(input.password, input);
    const passwordHash = await hashPassword(input.password);
    for (let attempt = 1; ; attempt++) {
      try {
        const registered = await this.#db.transaction(async (tx) => {
          const sponsorId = input.sponsorSlug ? await this.#sponsorId(tx, input.sponsorSlug) : null;
          const userId = await this.#insertUser(tx, 'expert', { ...input, passwordHash });
          const base = baseSlug(input.firstName, input.lastName);
          // Homonyms signing up at once take turns here (until commit), so each reads the slugs the previous one took.
          await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`expert-slug:${base}`]);
          const taken = await tx.query<{ slug: string }>(`SELECT slug FROM expert_profiles WHERE slug = $1 OR slug LIKE $1 || '-%'`, [base]);
          await tx.query(
            `INSERT INTO expert_profiles (user_id, slug, legal_status, category, vat_number, siret,
               certified_adult_at, certified_liability_insurance_at, sponsor_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)`,
            [
              userId,
              firstFreeSlug(
                base,
                taken.map((row) => row.slug),
              ),
              input.status,
              input.category,
              input.vatNumber ?? null,
              input.siret ?? null,
              today,
              sponsorId,
            ],
          );
          return this.#registered(tx, userId, from);
        });
        await this.#events.expertRegistered?.(registered.user);
        return registered;
      } catch (error) {
        const slugTaken = sqlState(error) === UNIQUE_VIOLATION && String((error as Error).message).includes('slug');
        if (!slugTaken || attempt >= SLUG_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * ACC-4: the same answer for an unknown email and a wrong password, in the same time. Guesses
   * are slowed per account and source, and refused past a ceiling per account and per address,
   * for sources that never signed this account in only: the owner's known device or address
   * keeps working whatever a stranger does (sign-in-throttle.ts). Nothing is permanent.
   */
  async login(email: string, password: string, from: RequestSource): Promise<SignedIn> {
    const user = await findUserByEmail(this.#db, email);
    const account = email.toLowerCase();
    const source = await this.#signIns.sourceOf(user?.id, from.address, from.deviceToken);
    const attempt = await this.#signIns.begin(account, source);
    if (attempt.waitMs > 0) {
      throw new RateLimitedError('too_many_attempts', 'Too many failed sign-in attempts. Wait a moment and try again.', attempt.waitMs / 1000);
    }
    const passwordMatches = user && user.status !== 'closed' ? await verifyPassword(user.password_hash, password) : await verifyAgainstDecoy(password);
    if (!user || !passwordMatches) throw unauthorized('invalid_credentials', 'Email or password is incorrect.');
    const deviceToken = await this.#signIns.succeeded({ attemptId: attempt.attemptId, account, source, userId: user.id, deviceToken: from.deviceToken });
    if (user.status === 'suspended') {
      throw new AppError(403, 'account_suspended', 'This account is suspended. Contact support.');
    }
    return { tokens: await this.#sessions.start(user), deviceToken };
  }

  /** ACC-5: a password change signs every session out. */
  async changePassword(userId: string, currentPassword: string, newPassword: string): Promise<void> {
    const user = await findUserById(this.#db, userId);
    if (!user || !(await verifyPassword(user.password_hash, currentPassword))) {
      throw badRequest('invalid_current_password', 'The current password is incorrect.', 'currentPassword');
    }
    assertStrongPassword(newPassword, { email: user.email, firstName: user.first_name, lastName: user.last_name });
    const passwordHash = await hashPassword(newPassword);
    await this.#db.transaction(async (tx) => {
      await tx.query('UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE id = $1', [userId, passwordHash, this.#clock.now()]);
      await this.#sessions.revokeAllForUser(userId, 'password_changed', tx);
    });
  }

  async #admitSignup(ip: string): Promise<void> {
    if (await this.#throttle.isExceeded(SIGNUPS_PER_IP, ip)) {
      throw tooManyRequests('too_many_signups', 'Too many sign-ups from this network. Try again later.');
    }
    await this.#throttle.record(SIGNUPS_PER_IP, ip);
  }

  async #insertUser(tx: Queryable, role: Role, input: (RegisterClientInput | RegisterExpertInput) & { passwordHash: string }): Promise<string> {
    const expert = 'birthDate' in input ? input : undefined;
    try {
      const [row] = await tx.query<{ id: string }>(
        `INSERT INTO users (role, email, password_hash, first_name, last_name, language, terms_version,
           terms_accepted_at, civility, birth_date, phone_landline, phone_mobile, address, created_at, password_changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $8, $8) RETURNING id`,
        [
          role,
          input.email,
          input.passwordHash,
          input.firstName,
          input.lastName,
          input.language ?? 'fr',
          TERMS_VERSION,
          this.#clock.now(),
          expert?.civility ?? null,
          expert?.birthDate ?? null,
          expert?.phoneLandline ?? null,
          expert?.phoneMobile ?? null,
          expert ? JSON.stringify(expert.address) : null,
        ],
      );
      return row!.id;
    } catch (error) {
      if (sqlState(error) === UNIQUE_VIOLATION && String((error as Error).message).includes('email')) {
        throw conflict('email_taken', 'An account already uses this email. Sign in instead.', 'email');
      }
      throw error;
    }
  }

  async #sponsorId(tx: Queryable, sponsorSlug: string): Promise<string> {
    const [sponsor] = await tx.query<{ user_id: string }>(
      `SELECT e.user_id FROM expert_profiles e JOIN users u ON u.id = e.user_id
        WHERE e.slug = $1 AND u.status = 'active'`,
      [sponsorSlug],
    );
    if (!sponsor) throw badRequest('unknown_sponsor', 'No active expert has this referral link.', 'sponsorSlug');
    return sponsor.user_id;
  }

  async #registered(tx: Queryable, userId: string, from: RequestSource): Promise<Registered> {
    const user = (await findUserById(tx, userId))!;
    const deviceToken = await this.#signIns.remember(userId, from.address, from.deviceToken, tx);
    return { user, tokens: await this.#sessions.start(user, tx), deviceToken };
  }
}
