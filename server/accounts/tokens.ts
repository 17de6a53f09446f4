import { createHash, randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Clock } from '../platform/clock.ts';
import type { Role } from '../platform/http.ts';
import { ID_PARAM } from '../platform/path-params.ts';

/** ACC-5: short-lived access tokens; the algorithm is pinned so `none` and RS/HS confusion fail. */
export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const REFRESH_TOKEN_DAYS = 30;
const ALGORITHM = 'HS256';
const ISSUER = 'consulto';
const AUDIENCE = 'consulto-api';

export interface AccessClaims {
  userId: string;
  role: Role;
  sessionId: string;
}

export class AccessTokens {
  readonly #secret: string;
  readonly #clock: Clock;

  constructor(secret: string, clock: Clock) {
    this.#secret = secret;
    this.#clock = clock;
  }

  issue(claims: AccessClaims): string {
    const issuedAtSeconds = Math.floor(this.#clock.now().getTime() / 1000);
    return jwt.sign({ role: claims.role, sid: claims.sessionId, iat: issuedAtSeconds }, this.#secret, {
      algorithm: ALGORITHM,
      subject: claims.userId,
      expiresIn: ACCESS_TOKEN_SECONDS,
      issuer: ISSUER,
      audience: AUDIENCE,
    });
  }

  /** Throws jsonwebtoken's errors for anything not signed by us with HS256, or expired. */
  verify(token: string): AccessClaims {
    const payload = jwt.verify(token, this.#secret, {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
      clockTimestamp: Math.floor(this.#clock.now().getTime() / 1000),
    });
    // A token signed with our secret but carrying ids that are not UUIDs is as invalid as a forged one (never a 5xx).
    if (typeof payload === 'string' || !isUuid(payload.sub) || !isUuid(payload['sid'])) {
      throw new jwt.JsonWebTokenError('malformed claims');
    }
    return { userId: payload.sub, role: payload['role'] as Role, sessionId: payload['sid'] };
  }
}

function isUuid(value: unknown): value is string {
  return ID_PARAM.safeParse(value).success;
}

export function newRefreshToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashRefreshToken(token) };
}

/** Stored as a hash: a database leak does not hand out live sessions. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
