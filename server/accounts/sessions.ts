import type { Database, Queryable } from '../platform/database.ts';
import type { Clock } from '../platform/clock.ts';
import type { AuthUser, Role } from '../platform/http.ts';
import { unauthorized } from '../platform/errors.ts';
import { AccessTokens, REFRESH_TOKEN_DAYS, hashRefreshToken, newRefreshToken } from './tokens.ts';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * ACC-5: a session is one login. Its refresh token rotates at every use; presenting a
 * token that was already used means it was stolen or replayed, so the whole session dies.
 */
export class Sessions {
  readonly #db: Database;
  readonly #tokens: AccessTokens;
  readonly #clock: Clock;

  constructor(db: Database, tokens: AccessTokens, clock: Clock) {
    this.#db = db;
    this.#tokens = tokens;
    this.#clock = clock;
  }

  async start(user: { id: string; role: Role }, db: Queryable = this.#db): Promise<TokenPair> {
    const [session] = await db.query<{ id: string }>('INSERT INTO sessions (user_id, created_at) VALUES ($1, $2) RETURNING id', [user.id, this.#clock.now()]);
    return this.#issuePair(db, { userId: user.id, role: user.role, sessionId: session!.id });
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const outcome = await this.#db.transaction(async (tx) => {
      const [row] = await tx.query<{
        session_id: string;
        used_at: Date | null;
        expires_at: Date;
        revoked_at: Date | null;
        user_id: string;
        role: Role;
        status: string;
      }>(
        `SELECT t.session_id, t.used_at, t.expires_at, s.revoked_at, u.id AS user_id, u.role, u.status
           FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id
          WHERE t.token_hash = $1 FOR UPDATE OF t, s`,
        [hashRefreshToken(refreshToken)],
      );
      if (!row || row.revoked_at || row.status !== 'active') return { kind: 'invalid' as const };
      if (row.used_at) {
        await this.#revokeSession(tx, row.session_id, 'refresh_token_reuse');
        return { kind: 'reused' as const };
      }
      if (row.expires_at.getTime() <= this.#clock.now().getTime()) return { kind: 'invalid' as const };
      await tx.query('UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1', [hashRefreshToken(refreshToken), this.#clock.now()]);
      return {
        kind: 'rotated' as const,
        pair: await this.#issuePair(tx, { userId: row.user_id, role: row.role, sessionId: row.session_id }),
      };
    });
    // The reuse revocation above has committed before we refuse: a rollback would undo it.
    if (outcome.kind === 'rotated') return outcome.pair;
    throw unauthorized('invalid_refresh_token', 'The refresh token is invalid, expired or already used.');
  }

  async revoke(sessionId: string, reason: string): Promise<void> {
    await this.#revokeSession(this.#db, sessionId, reason);
  }

  /** Password change, suspension, deregistration: every device is signed out. */
  async revokeAllForUser(userId: string, reason: string, db: Queryable = this.#db): Promise<void> {
    await db.query('UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE user_id = $1 AND revoked_at IS NULL', [userId, this.#clock.now(), reason]);
  }

  /** Checks the token, then that its session is alive and its user active: revocation is immediate. */
  async authenticate(accessToken: string): Promise<AuthUser> {
    const claims = this.#tokens.verify(accessToken);
    const [row] = await this.#db.query<{ role: Role; status: string; revoked_at: Date | null }>(
      `SELECT u.role, u.status, s.revoked_at FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND u.id = $2`,
      [claims.sessionId, claims.userId],
    );
    if (!row || row.revoked_at || row.status !== 'active') {
      throw unauthorized('session_revoked', 'This session has ended; sign in again.');
    }
    return { id: claims.userId, role: row.role, sessionId: claims.sessionId };
  }

  async #issuePair(db: Queryable, claims: { userId: string; role: Role; sessionId: string }): Promise<TokenPair> {
    const { token, tokenHash } = newRefreshToken();
    const now = this.#clock.now();
    await db.query('INSERT INTO refresh_tokens (token_hash, session_id, expires_at, created_at) VALUES ($1, $2, $3, $4)', [
      tokenHash,
      claims.sessionId,
      new Date(now.getTime() + REFRESH_TOKEN_DAYS * DAY_MS),
      now,
    ]);
    return { accessToken: this.#tokens.issue(claims), refreshToken: token };
  }

  async #revokeSession(db: Queryable, sessionId: string, reason: string): Promise<void> {
    await db.query('UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL', [sessionId, this.#clock.now(), reason]);
  }
}
