import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Database, Queryable } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { AppError, RateLimitedError, badRequest, conflict } from '../platform/errors.ts';
import type { Notifier } from '../notifications/notifier.ts';
import { Throttle, type RateLimit } from './throttle.ts';

/** ACC-10: a code lives 15 minutes and allows 5 tries. */
export const EMAIL_CODE_MINUTES = 15;
export const EMAIL_CODE_MAX_ATTEMPTS = 5;
const EMAIL_CODE_DIGITS = 6;
const MINUTE_MS = 60_000;

/** A new code at most once a minute, and five an hour: enough for a lost email, too few to spam an inbox. */
export const EMAIL_CODES_PER_MINUTE: RateLimit = { bucket: 'email_code_minute', maxEvents: 1, windowMs: MINUTE_MS };
export const EMAIL_CODES_PER_HOUR: RateLimit = { bucket: 'email_code_hour', maxEvents: 5, windowMs: 60 * MINUTE_MS };

export const emailNotVerified = () => new AppError(403, 'email_not_verified', 'Verify your email address first: type the code we emailed you (ACC-10).');

/** ACC-10: a client books, an expert publishes or is paid out, only with a verified email. */
export async function assertEmailVerified(db: Queryable, userId: string): Promise<void> {
  const [user] = await db.query<{ verified: boolean }>('SELECT email_verified_at IS NOT NULL AS verified FROM users WHERE id = $1', [userId]);
  if (!user?.verified) throw emailNotVerified();
}

/**
 * ACC-10: the 6-digit code emailed at signup and typed back on the same page. One live code per
 * user (a new one replaces it), stored hashed, 15 minutes, 5 tries; verifying twice is harmless.
 */
export class EmailVerification {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #notifier: Notifier;
  readonly #logger: Logger;
  readonly #throttle: Throttle;

  constructor(deps: { db: Database; clock: Clock; notifier: Notifier; logger: Logger }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#notifier = deps.notifier;
    this.#logger = deps.logger;
    this.#throttle = new Throttle(deps.db, deps.clock);
  }

  /**
   * At signup: the account is committed already, so a mail failure does not fail the signup;
   * the page offers "send a new code".
   */
  async sendFirstCode(userId: string): Promise<void> {
    await this.#throttle.record(EMAIL_CODES_PER_MINUTE, userId);
    await this.#throttle.record(EMAIL_CODES_PER_HOUR, userId);
    await this.#issue(userId).catch((error: unknown) => this.#logger.warn({ err: error, userId }, 'verification code email not sent at signup'));
  }

  /** "Send me a new code": rate-limited per user. */
  async sendNewCode(userId: string): Promise<void> {
    if (await this.#isVerified(userId)) throw conflict('email_already_verified', 'Your email address is already verified.');
    for (const limit of [EMAIL_CODES_PER_MINUTE, EMAIL_CODES_PER_HOUR]) {
      if (await this.#throttle.isExceeded(limit, userId)) {
        throw new RateLimitedError('too_many_codes', 'A code was sent a moment ago; check your inbox, or ask again a little later.', limit.windowMs / 1000);
      }
    }
    await this.#throttle.record(EMAIL_CODES_PER_MINUTE, userId);
    await this.#throttle.record(EMAIL_CODES_PER_HOUR, userId);
    await this.#issue(userId);
  }

  /** `POST /api/auth/verify-email`: 400 invalid_code or code_expired, 429 after 5 wrong tries. */
  async verify(userId: string, typed: string): Promise<void> {
    if (await this.#isVerified(userId)) return;
    const now = this.#clock.now();
    const [code] = await this.#db.query<{ code_hash: string; expires_at: Date; failed_attempts: number }>(
      'SELECT code_hash, expires_at, failed_attempts FROM email_verification_codes WHERE user_id = $1',
      [userId],
    );
    if (!code) throw badRequest('invalid_code', 'This code is not the one we sent; ask for a new code.', 'code');
    if (code.failed_attempts >= EMAIL_CODE_MAX_ATTEMPTS) throw tooManyTries();
    if (code.expires_at <= now) throw badRequest('code_expired', 'This code has expired; ask for a new code.', 'code');
    if (!sameHash(code.code_hash, hashCode(userId, typed.replace(/\s/g, '')))) {
      // The condition on the count makes concurrent wrong guesses count one by one, never past the limit.
      const [counted] = await this.#db.query<{ failed_attempts: number }>(
        `UPDATE email_verification_codes SET failed_attempts = failed_attempts + 1
          WHERE user_id = $1 AND code_hash = $2 AND failed_attempts < $3 RETURNING failed_attempts`,
        [userId, code.code_hash, EMAIL_CODE_MAX_ATTEMPTS],
      );
      if (!counted) throw tooManyTries();
      const left = EMAIL_CODE_MAX_ATTEMPTS - counted.failed_attempts;
      throw badRequest('invalid_code', `This code is not the one we sent (${left} ${left === 1 ? 'try' : 'tries'} left).`, 'code');
    }
    await this.#db.transaction(async (tx) => {
      await tx.query('UPDATE users SET email_verified_at = $2 WHERE id = $1 AND email_verified_at IS NULL', [userId, now]);
      await tx.query('DELETE FROM email_verification_codes WHERE user_id = $1', [userId]);
    });
  }

  /** ACC-10: the demo accounts of the seed are verified from the start. */
  async markVerified(userId: string): Promise<void> {
    await this.#db.query('UPDATE users SET email_verified_at = $2 WHERE id = $1 AND email_verified_at IS NULL', [userId, this.#clock.now()]);
  }

  async #issue(userId: string): Promise<void> {
    const code = String(randomInt(0, 10 ** EMAIL_CODE_DIGITS)).padStart(EMAIL_CODE_DIGITS, '0');
    const now = this.#clock.now();
    await this.#db.query(
      `INSERT INTO email_verification_codes (user_id, code_hash, created_at, expires_at, failed_attempts) VALUES ($1, $2, $3, $4, 0)
       ON CONFLICT (user_id) DO UPDATE SET code_hash = EXCLUDED.code_hash, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at, failed_attempts = 0`,
      [userId, hashCode(userId, code), now, new Date(now.getTime() + EMAIL_CODE_MINUTES * MINUTE_MS)],
    );
    // Each code is its own email: a new key every time (the notifier sends a key once).
    await this.#notifier.notify({
      event: 'email_verification',
      userId,
      idempotencyKey: `email_verification:${userId}:${randomUUID()}`,
      data: { code, minutes: EMAIL_CODE_MINUTES },
    });
  }

  async #isVerified(userId: string): Promise<boolean> {
    const [user] = await this.#db.query<{ verified: boolean }>('SELECT email_verified_at IS NOT NULL AS verified FROM users WHERE id = $1', [userId]);
    return user?.verified ?? false;
  }
}

const tooManyTries = () => new RateLimitedError('too_many_attempts', `${EMAIL_CODE_MAX_ATTEMPTS} wrong codes: ask for a new code.`, 60);

/** Bound to the user, so one user's code hash says nothing about another's. */
function hashCode(userId: string, code: string): string {
  return createHash('sha256').update(`${userId}:${code}`).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
