import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Database } from './database.ts';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import { AppError } from './errors.ts';
import { errorAnswer } from './error-answer.ts';

/** Stripe's limit on the header's length; keys are UUIDs or similar in practice. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
/** How long a key answers its first result (Stripe: 24 hours); after that it is a new request. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** A request sent again while the first still runs waits at most this long for its answer. */
export const IDEMPOTENCY_WAIT_MS = 30_000;
const IDEMPOTENCY_POLL_MS = 50;
/** Printable ASCII, as HTTP header values are in practice. */
const KEY_SYNTAX = /^[\x21-\x7e]+$/;

interface StoredAnswer {
  status: number;
  body: unknown;
}

type Claim = { kind: 'owner' } | { kind: 'answered'; answer: StoredAnswer } | { kind: 'running' } | { kind: 'released' } | { kind: 'reused' };

/**
 * SPEC §11, as Stripe does it: a mutating request with an `Idempotency-Key` header is run once
 * per (user, key). The first request claims the key in PostgreSQL (so every API node sees it)
 * and stores its answer, success or 4xx; the same key with the same body answers that first
 * result again, and a copy sent while the first still runs waits for it instead of running
 * twice. The same key with another body (or for another operation) is 422
 * `idempotency_key_reused`. Validation failures happen before the claim and are not stored;
 * an unexpected error (a 5xx) releases the claim, so a retry runs again.
 */
export class IdempotentRequests {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(deps: { db: Database; clock: Clock; logger: Logger }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
  }

  /** `body` is the validated body (what the handler acts on), so only a request that means the same replays. */
  async run(request: { req: Request; res: Response; userId: string; operation: string; body: unknown }, work: () => Promise<void>): Promise<void> {
    const { req, res, userId, operation } = request;
    const header = req.headers['idempotency-key'];
    if (header === undefined) return work();
    if (typeof header !== 'string' || header.length === 0 || header.length > IDEMPOTENCY_KEY_MAX_LENGTH || !KEY_SYNTAX.test(header)) {
      throw new AppError(
        400,
        'invalid_idempotency_key',
        `The Idempotency-Key header must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable characters.`,
        'Idempotency-Key',
      );
    }
    const fingerprint = fingerprintOf(operation, request.body);
    for (;;) {
      const claim = await this.#claim(userId, header, fingerprint);
      switch (claim.kind) {
        case 'reused':
          throw reused();
        case 'answered':
          return replay(res, claim.answer);
        case 'owner':
          return this.#runAsOwner(res, userId, header, work);
        case 'running':
        case 'released': {
          const answer = await this.#awaitAnswer(userId, header, fingerprint);
          if (answer) return replay(res, answer);
          continue; // the first request failed unexpectedly and let the key go: this one runs
        }
      }
    }
  }

  /** Housekeeping: forgets expired keys. */
  async purgeExpired(): Promise<number> {
    const rows = await this.#db.query('DELETE FROM idempotent_requests WHERE expires_at <= $1 RETURNING idempotency_key', [this.#clock.now()]);
    return rows.length;
  }

  async #runAsOwner(res: Response, userId: string, key: string, work: () => Promise<void>): Promise<void> {
    const answer = captureAnswer(res);
    try {
      await work();
    } catch (error) {
      const expected = errorAnswer(error);
      if (expected) await this.#store(userId, key, expected);
      else await this.#release(userId, key);
      throw error;
    }
    const sent = answer();
    if (sent) await this.#store(userId, key, sent);
    else await this.#release(userId, key);
  }

  async #claim(userId: string, key: string, fingerprint: string): Promise<Claim> {
    const now = this.#clock.now();
    // An expired key is a new request (Stripe forgets keys after 24 hours).
    await this.#db.query('DELETE FROM idempotent_requests WHERE user_id = $1 AND idempotency_key = $2 AND expires_at <= $3', [userId, key, now]);
    const inserted = await this.#db.query(
      `INSERT INTO idempotent_requests (user_id, idempotency_key, fingerprint, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, idempotency_key) DO NOTHING RETURNING idempotency_key`,
      [userId, key, fingerprint, now, new Date(now.getTime() + IDEMPOTENCY_KEY_TTL_MS)],
    );
    if (inserted.length === 1) return { kind: 'owner' };
    return this.#look(userId, key, fingerprint);
  }

  async #look(userId: string, key: string, fingerprint: string): Promise<Claim> {
    const [row] = await this.#db.query<{ fingerprint: string; response_status: number | null; response_body: unknown }>(
      'SELECT fingerprint, response_status, response_body FROM idempotent_requests WHERE user_id = $1 AND idempotency_key = $2',
      [userId, key],
    );
    if (!row) return { kind: 'released' };
    if (row.fingerprint !== fingerprint) return { kind: 'reused' };
    if (row.response_status === null) return { kind: 'running' };
    return { kind: 'answered', answer: { status: row.response_status, body: row.response_body } };
  }

  /** The answer of the request that holds the key, or undefined once it let the key go. */
  async #awaitAnswer(userId: string, key: string, fingerprint: string): Promise<StoredAnswer | undefined> {
    const deadline = Date.now() + IDEMPOTENCY_WAIT_MS;
    for (;;) {
      const claim = await this.#look(userId, key, fingerprint);
      if (claim.kind === 'answered') return claim.answer;
      if (claim.kind === 'reused') throw reused();
      if (claim.kind === 'released') return undefined;
      if (Date.now() >= deadline) throw inUse();
      await new Promise((resolve) => setTimeout(resolve, IDEMPOTENCY_POLL_MS));
    }
  }

  async #store(userId: string, key: string, answer: StoredAnswer): Promise<void> {
    await this.#db.query('UPDATE idempotent_requests SET response_status = $3, response_body = $4 WHERE user_id = $1 AND idempotency_key = $2', [
      userId,
      key,
      answer.status,
      JSON.stringify(answer.body ?? null),
    ]);
  }

  async #release(userId: string, key: string): Promise<void> {
    await this.#db
      .query('DELETE FROM idempotent_requests WHERE user_id = $1 AND idempotency_key = $2 AND response_status IS NULL', [userId, key])
      .catch((error: unknown) => this.#logger.error({ err: error, idempotencyKey: key }, 'releasing an idempotency key failed'));
  }
}

const reused = () =>
  new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with another request body; use a new key for a new request.', 'Idempotency-Key');
const inUse = () => new AppError(409, 'idempotency_key_in_use', 'A request with this Idempotency-Key is still running; retry in a moment.', 'Idempotency-Key');

/** The operation and the JSON body with its keys sorted: the same request sent again has the same fingerprint. */
export function fingerprintOf(operation: string, body: unknown): string {
  return createHash('sha256')
    .update(operation)
    .update('\n')
    .update(canonicalJson(body ?? null))
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Records what the handler sends with `res.json` (every answer of our API is JSON). */
function captureAnswer(res: Response): () => StoredAnswer | undefined {
  let captured: StoredAnswer | undefined;
  const json = res.json.bind(res);
  res.json = (body: unknown) => {
    captured = { status: res.statusCode, body };
    return json(body);
  };
  return () => captured;
}

function replay(res: Response, answer: StoredAnswer): void {
  res.set('Idempotent-Replayed', 'true').status(answer.status).json(answer.body);
}
