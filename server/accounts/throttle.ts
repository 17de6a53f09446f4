import type { Queryable } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';

export interface RateLimit {
  bucket: string;
  maxEvents: number;
  windowMs: number;
}

/**
 * Sliding-window counters kept in PostgreSQL so every API node shares them (sign-ups, ACC-10 codes;
 * sign-in failures have their own table, sign-in-throttle.ts).
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
    await this.#db.query('INSERT INTO rate_limit_events (bucket, subject, occurred_at) VALUES ($1, $2, $3)', [limit.bucket, subject, now]);
  }
}

const ONE_HOUR_MS = 60 * 60 * 1000;

/** Sign-ups per IP: never reached by an office, reached by a script. */
export const SIGNUPS_PER_IP: RateLimit = { bucket: 'signup_ip', maxEvents: 50, windowMs: ONE_HOUR_MS };
