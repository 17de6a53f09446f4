import type { Database, Queryable } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { startPeriodicTasks } from './periodic.ts';

/**
 * Durable jobs: every deadline of the platform (request expiry, no-show detection, reminders,
 * deferred card holds, emails) is a row in `jobs`, written in the same transaction as the fact
 * that creates it. A restart loses nothing: the next poll finds the rows whose `run_at` passed.
 *
 * Claiming is one UPDATE over `SELECT … FOR UPDATE SKIP LOCKED` that sets a lease
 * (`locked_until`), so several workers or nodes never run one job at the same time, and the job
 * itself runs outside any transaction (its work opens its own). A worker that dies mid-job
 * leaves a lease that expires; the job then runs again, so every handler is idempotent. The lease
 * is short and renewed while the claimed batch runs, so a dead node's jobs run again within
 * JOB_LEASE_MS on another node (scale out, issue 15), however long a living node's jobs take.
 */

/** A job still failing after this many attempts is parked (`failed_at`) and logged. */
export const MAX_JOB_ATTEMPTS = 10;
/** Backoff after a failure: 30 s, 1 min, 2 min, … capped at one hour. */
const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 60 * 60 * 1000;
/** How long a claimed job is reserved for its worker without a renewal. */
export const JOB_LEASE_MS = 30_000;
/** The worker renews the leases of the jobs it still has to run this often. */
const JOB_LEASE_RENEW_INTERVAL_MS = 10_000;
/** Jobs claimed per poll: one poll's work stays bounded whatever the backlog. */
const CLAIM_BATCH_SIZE = 50;
/** `runDueJobs` stops after this many batches; the next poll continues. */
const MAX_BATCHES_PER_RUN = 20;
const MAX_ERROR_LENGTH = 2000;
/** Finished jobs are kept this long (for support), then purged… */
export const FINISHED_JOB_RETENTION_DAYS = 30;
/** …at most this many per purge, at most once per PURGE_INTERVAL_MS of the worker loop. */
const PURGE_BATCH_SIZE = 1000;
const PURGE_INTERVAL_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface JobRequest {
  kind: string;
  payload: Record<string, unknown>;
  runAt: Date;
  /** One job per key for ever: enqueueing the same key again does nothing. */
  dedupeKey: string;
}

/** What a handler asks for: done, or run me again at this time (a deadline it keeps watching). */
export type JobResult = { outcome: 'done' } | { outcome: 'retry_at'; runAt: Date };

export type JobHandler = (payload: Record<string, unknown>, context: { attempts: number; now: Date }) => Promise<JobResult | void>;

interface ClaimedJob {
  id: number;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  run_at: Date;
}

/** Inside the caller's transaction, so the job exists if and only if the fact that needs it commits. */
export async function enqueueJob(db: Queryable, job: JobRequest, createdAt: Date): Promise<void> {
  await db.query(
    `INSERT INTO jobs (kind, payload, dedupe_key, run_at, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [job.kind, JSON.stringify(job.payload), job.dedupeKey, job.runAt, createdAt],
  );
}

export function retryDelayMs(attempts: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
}

export class JobQueue {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #leaseRenewIntervalMs: number;

  constructor(deps: { db: Database; clock: Clock; logger: Logger; leaseRenewIntervalMs?: number }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#leaseRenewIntervalMs = deps.leaseRenewIntervalMs ?? JOB_LEASE_RENEW_INTERVAL_MS;
  }

  register(kind: string, handler: JobHandler): void {
    if (this.#handlers.has(kind)) throw new Error(`job kind ${kind} registered twice`);
    this.#handlers.set(kind, handler);
  }

  enqueue(job: JobRequest, db: Queryable = this.#db): Promise<void> {
    return enqueueJob(db, job, this.#clock.now());
  }

  /** Runs every job due at the clock's now; returns how many ran. Tests call it after moving the clock. */
  async runDueJobs(): Promise<number> {
    let ran = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
      const claimed = await this.#claim();
      const waiting = new Set(claimed.map((job) => job.id));
      const renewal = setInterval(() => void this.#renewLeases(waiting), this.#leaseRenewIntervalMs);
      try {
        for (const job of claimed) {
          await this.#run(job);
          waiting.delete(job.id);
        }
      } finally {
        clearInterval(renewal);
      }
      ran += claimed.length;
      if (claimed.length < CLAIM_BATCH_SIZE) break;
    }
    return ran;
  }

  /** Deletes finished jobs past their retention; parked (failed) jobs stay for a person to look at. */
  async purgeFinishedJobs(): Promise<number> {
    const before = new Date(this.#clock.now().getTime() - FINISHED_JOB_RETENTION_DAYS * DAY_MS);
    const deleted = await this.#db.query(
      `DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE done_at IS NOT NULL AND done_at < $1 LIMIT ${PURGE_BATCH_SIZE}) RETURNING id`,
      [before],
    );
    return deleted.length;
  }

  /** The worker loop: polls at a fixed interval, never overlapping itself; purges at most every PURGE_INTERVAL_MS. */
  start(intervalMs: number): { stop(): Promise<void> } {
    let lastPurgeMs = 0;
    return startPeriodicTasks(
      [
        { name: 'run due jobs', run: () => this.runDueJobs() },
        {
          name: 'purge finished jobs',
          run: async () => {
            if (Date.now() - lastPurgeMs < PURGE_INTERVAL_MS) return;
            lastPurgeMs = Date.now();
            await this.purgeFinishedJobs();
          },
        },
      ],
      intervalMs,
      this.#logger,
    );
  }

  async #claim(): Promise<ClaimedJob[]> {
    const now = this.#clock.now();
    const claimed = await this.#db.query<ClaimedJob>(
      `UPDATE jobs SET locked_until = $2, attempts = attempts + 1
        WHERE id IN (SELECT id FROM jobs
                      WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)
                      ORDER BY run_at LIMIT ${CLAIM_BATCH_SIZE} FOR UPDATE SKIP LOCKED)
        RETURNING id, kind, payload, attempts, run_at`,
      [now, new Date(now.getTime() + JOB_LEASE_MS)],
    );
    // RETURNING keeps no order: deadlines run in their order (a reminder before the no-show check after it).
    return claimed.sort((a, b) => a.run_at.getTime() - b.run_at.getTime() || a.id - b.id);
  }

  /** Keeps the claimed jobs not run yet reserved; a job whose run already released it stays released. */
  async #renewLeases(waiting: ReadonlySet<number>): Promise<void> {
    if (waiting.size === 0) return;
    await this.#db
      .query('UPDATE jobs SET locked_until = $2 WHERE id = ANY($1::bigint[]) AND locked_until IS NOT NULL AND done_at IS NULL AND failed_at IS NULL', [
        [...waiting],
        new Date(this.#clock.now().getTime() + JOB_LEASE_MS),
      ])
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'renewing job leases failed'));
  }

  async #run(job: ClaimedJob): Promise<void> {
    const handler = this.#handlers.get(job.kind);
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      const result = (await handler(job.payload, { attempts: job.attempts, now: this.#clock.now() })) ?? { outcome: 'done' };
      if (result.outcome === 'retry_at') {
        // A deadline the handler keeps watching (BOOK-3 hold retries): not a failure, attempts start over.
        await this.#db.query('UPDATE jobs SET run_at = $2, locked_until = NULL, attempts = 0 WHERE id = $1', [job.id, result.runAt]);
      } else {
        await this.#db.query('UPDATE jobs SET done_at = $2, locked_until = NULL WHERE id = $1', [job.id, this.#clock.now()]);
      }
    } catch (error) {
      const message = String((error as Error)?.stack ?? error).slice(0, MAX_ERROR_LENGTH);
      const now = this.#clock.now();
      if (job.attempts >= MAX_JOB_ATTEMPTS) {
        this.#logger.error({ err: error, jobId: job.id, kind: job.kind }, 'job failed for good');
        await this.#db.query('UPDATE jobs SET failed_at = $2, locked_until = NULL, last_error = $3 WHERE id = $1', [job.id, now, message]);
      } else {
        this.#logger.warn({ err: error, jobId: job.id, kind: job.kind, attempts: job.attempts }, 'job failed, will retry');
        await this.#db.query('UPDATE jobs SET run_at = $2, locked_until = NULL, last_error = $3 WHERE id = $1', [
          job.id,
          new Date(now.getTime() + retryDelayMs(job.attempts)),
          message,
        ]);
      }
    }
  }
}
