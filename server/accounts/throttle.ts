import type { Queryable } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';

export interface RateLimit {
  bucket: string;
  maxEvents: number;
  windowMs: number;
}

/**
 * ACC-4: sliding-window counters kept in PostgreSQL so every API node shares them.
 * Lockouts are temporary by construction: events older than the window stop counting.
 */
export class Throttle {
  readonly #db: Queryable;
  readonly #clock: Clock;

  constructor(db: Queryable, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async isExceeded(limit: RateLimit, subject: string): Promise<boolean> {
    const since = new Date(this.#clock.now().getTime() - limit.windowMs);
    const [row] = await this.#db.query<{ events: number }>(
      'SELECT count(*)::int AS events FROM rate_limit_events WHERE bucket = $1 AND subject = $2 AND occurred_at > $3',
      [limit.bucket, subject, since],
    );
    return (row?.events ?? 0) >= limit.maxEvents;
  }

  async record(limit: RateLimit, subject: string): Promise<void> {
    const now = this.#clock.now();
    await this.#db.query('DELETE FROM rate_limit_events WHERE bucket = $1 AND subject = $2 AND occurred_at <= $3', [
      limit.bucket,
      subject,
      new Date(now.getTime() - limit.windowMs),
    ]);
    await this.#db.query('INSERT INTO rate_limit_events (bucket, subject, occurred_at) VALUES ($1, $2, $3)', [
      limit.bucket,
      subject,
      now,
    ]);
  }
}

const FIFTEEN_MINUTES_MS = 15 * 60 * 1000;
const ONE_HOUR_MS = 60 * 60 * 1000;

/** Per account: enough for a person who mistypes, too few for guessing. */
export const LOGIN_FAILURES_PER_ACCOUNT: RateLimit = { bucket: 'login_failure_account', maxEvents: 10, windowMs: FIFTEEN_MINUTES_MS };
/** Per IP: an office behind one address has many users; a guesser has many accounts. */
export const LOGIN_FAILURES_PER_IP: RateLimit = { bucket: 'login_failure_ip', maxEvents: 100, windowMs: FIFTEEN_MINUTES_MS };
/** Sign-ups per IP: never reached by an office, reached by a script. */
export const SIGNUPS_PER_IP: RateLimit = { bucket: 'signup_ip', maxEvents: 50, windowMs: ONE_HOUR_MS };
