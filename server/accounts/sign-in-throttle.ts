import { createHash, randomBytes } from 'node:crypto';
import type { Database, Queryable } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';

/** ACC-4: failures older than this stop counting; every refusal is temporary by construction. */
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
/** Failures from one source on one account before its next attempt has to wait (a person mistypes). */
export const FREE_FAILURES_PER_SOURCE = 3;
/** The first wait; it doubles with each further failure from that source, up to the window. */
export const FIRST_DELAY_MS = 1000;
export const MAX_DELAY_MS = SIGN_IN_WINDOW_MS;
/** Failures from sources that never signed this account in: beyond this, such sources are refused. */
export const UNKNOWN_SOURCE_FAILURES_PER_ACCOUNT = 10;
/** Failures from one address over all accounts: an office never reaches it, a guesser does. */
export const FAILURES_PER_ADDRESS = 100;
/** A device or address that signed in within this many days is the owner's. */
export const KNOWN_SOURCE_DAYS = 180;
/** Devices and addresses remembered per account; the oldest are forgotten first. */
export const KNOWN_SOURCES_PER_USER = 20;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Where an attempt comes from, and whether that source signed this account in before. */
export interface SignInSource {
  source: string;
  address: string;
  trusted: boolean;
}

export interface FailureCounts {
  /** Earlier failures of this source on this account: how many, the last one's time. */
  sourceFailures: number;
  lastSourceFailureMs: number | null;
  /** Times of the latest failures from unknown sources on this account, newest first. */
  unknownSourceFailuresMs: readonly number[];
  /** Times of the latest failures from this address on any account (unknown sources), newest first. */
  addressFailuresMs: readonly number[];
}

/**
 * ACC-4, pure: how long this attempt must wait before it is even checked (0: go ahead).
 *
 * - Each source (a known device, else the address) has its own progressive delay on each
 *   account: free for a few mistakes, then 1 s, 2 s, 4 s … up to 15 minutes.
 * - Sources that never signed the account in share a ceiling per account and per address: past
 *   it they wait until the oldest counted failure leaves the window.
 * - A known device or address (the owner's) is held only by its own delay: a stranger's
 *   guesses, however many, never slow the owner down.
 */
export function signInWaitMs(source: SignInSource, counts: FailureCounts, nowMs: number): number {
  let waitMs = 0;
  if (counts.sourceFailures >= FREE_FAILURES_PER_SOURCE && counts.lastSourceFailureMs !== null) {
    const delayMs = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (counts.sourceFailures - FREE_FAILURES_PER_SOURCE));
    waitMs = Math.max(waitMs, counts.lastSourceFailureMs + delayMs - nowMs);
  }
  if (!source.trusted) {
    waitMs = Math.max(waitMs, ceilingWaitMs(counts.unknownSourceFailuresMs, UNKNOWN_SOURCE_FAILURES_PER_ACCOUNT, nowMs));
    waitMs = Math.max(waitMs, ceilingWaitMs(counts.addressFailuresMs, FAILURES_PER_ADDRESS, nowMs));
  }
  return Math.max(0, waitMs);
}

/** With `limit` failures in the window, the next attempt waits until the oldest of the latest `limit` ages out. */
function ceilingWaitMs(newestFirstMs: readonly number[], limit: number, nowMs: number): number {
  if (newestFirstMs.length < limit) return 0;
  return newestFirstMs[limit - 1]! + SIGN_IN_WINDOW_MS - nowMs;
}

/** The device cookie's value is a random token; only its hash is kept. */
export function newDeviceToken(): string {
  return randomBytes(32).toString('base64url');
}

const deviceSource = (deviceToken: string) => `device:${createHash('sha256').update(deviceToken).digest('hex')}`;
const addressSource = (address: string) => `address:${address}`;

/**
 * ACC-4 bookkeeping in PostgreSQL (every API node sees the same counts). An attempt is recorded
 * as a failure *before* the password is checked, under a lock on the account, so a burst of
 * parallel guesses is throttled as if sent one by one; the row is removed again when the
 * attempt is refused or succeeds.
 */
export class SignInThrottle {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(db: Database, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** The source of an attempt on this account (userId undefined for an email nobody uses). */
  async sourceOf(userId: string | undefined, address: string, deviceToken: string | undefined): Promise<SignInSource> {
    if (userId) {
      const candidates = [...(deviceToken ? [deviceSource(deviceToken)] : []), addressSource(address)];
      const known = await this.#db.query<{ source: string }>(
        'SELECT source FROM known_sign_in_sources WHERE user_id = $1 AND source = ANY($2::text[]) AND last_success_at > $3',
        [userId, candidates, new Date(this.#clock.now().getTime() - KNOWN_SOURCE_DAYS * DAY_MS)],
      );
      const knownSources = new Set(known.map((row) => row.source));
      const trustedSource = candidates.find((candidate) => knownSources.has(candidate));
      if (trustedSource) return { source: trustedSource, address, trusted: true };
    }
    return { source: addressSource(address), address, trusted: false };
  }

  /** Records the attempt as a failure and says how long it must wait first; a waiting attempt is forgotten. */
  async begin(account: string, source: SignInSource): Promise<{ attemptId: string; waitMs: number }> {
    const now = this.#clock.now();
    await this.#db.query('DELETE FROM sign_in_failures WHERE failed_at <= $1', [new Date(now.getTime() - SIGN_IN_WINDOW_MS)]);
    const decided = await this.#db.transaction(async (tx) => {
      // Attempts on one account are recorded and counted one at a time, on every API node.
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 4))', [account]);
      const [attempt] = await tx.query<{ id: string }>(
        'INSERT INTO sign_in_failures (account, source, address, trusted, failed_at) VALUES ($1, $2, $3, $4, $5) RETURNING id::text',
        [account, source.source, source.address, source.trusted, now],
      );
      const attemptId = attempt!.id;
      const [own] = await tx.query<{ failures: number; last_at: Date | null }>(
        'SELECT count(*)::int AS failures, max(failed_at) AS last_at FROM sign_in_failures WHERE account = $1 AND source = $2 AND id <> $3',
        [account, source.source, attemptId],
      );
      const timesOf = async (column: 'account' | 'address', value: string, limit: number) =>
        source.trusted
          ? []
          : (
              await tx.query<{ failed_at: Date }>(
                `SELECT failed_at FROM sign_in_failures WHERE ${column} = $1 AND NOT trusted AND id <> $2 ORDER BY failed_at DESC LIMIT $3`,
                [value, attemptId, limit],
              )
            ).map((row) => row.failed_at.getTime());
      const waitMs = signInWaitMs(
        source,
        {
          sourceFailures: own!.failures,
          lastSourceFailureMs: own!.last_at?.getTime() ?? null,
          unknownSourceFailuresMs: await timesOf('account', account, UNKNOWN_SOURCE_FAILURES_PER_ACCOUNT),
          addressFailuresMs: await timesOf('address', source.address, FAILURES_PER_ADDRESS),
        },
        now.getTime(),
      );
      // A refused attempt never reached the password: it is not a failure.
      if (waitMs > 0) await tx.query('DELETE FROM sign_in_failures WHERE id = $1', [attemptId]);
      return { attemptId, waitMs };
    });
    return decided;
  }

  /**
   * The password matched: this attempt was no failure, the source's own earlier mistakes are
   * forgiven, and the source (with the device, given a token if it had none) becomes known.
   */
  async succeeded(input: { attemptId: string; account: string; source: SignInSource; userId: string; deviceToken: string | undefined }): Promise<string> {
    await this.#forget(input.attemptId);
    await this.#db.query('DELETE FROM sign_in_failures WHERE account = $1 AND source = $2', [input.account, input.source.source]);
    return this.remember(input.userId, input.source.address, input.deviceToken);
  }

  /** A device and an address that just signed this user in (or up) are theirs from now on. */
  async remember(userId: string, address: string, deviceToken: string | undefined, db: Queryable = this.#db): Promise<string> {
    const token = deviceToken ?? newDeviceToken();
    const now = this.#clock.now();
    for (const source of [deviceSource(token), addressSource(address)]) {
      await db.query(
        `INSERT INTO known_sign_in_sources (user_id, source, last_success_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, source) DO UPDATE SET last_success_at = EXCLUDED.last_success_at`,
        [userId, source, now],
      );
    }
    await db.query(
      `DELETE FROM known_sign_in_sources WHERE user_id = $1 AND source NOT IN (
         SELECT source FROM known_sign_in_sources WHERE user_id = $1 ORDER BY last_success_at DESC, source LIMIT ${KNOWN_SOURCES_PER_USER})`,
      [userId],
    );
    return token;
  }

  async #forget(attemptId: string): Promise<void> {
    await this.#db.query('DELETE FROM sign_in_failures WHERE id = $1', [attemptId]);
  }
}
