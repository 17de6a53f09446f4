import jwt from 'jsonwebtoken';
import type { Clock } from '../server/platform/clock.ts';
import type { Party } from './signaling/messages.ts';

/**
 * MEDIA-1: short-lived join tokens. Signed with the platform's JWT secret but with their own
 * audience, so an access token never opens a room and a join token never calls the API.
 */
export const JOIN_TOKEN_SECONDS = 3 * 60;
const ALGORITHM = 'HS256';
const ISSUER = 'consulto';
const AUDIENCE = 'consulto-media';

/** `join` enters the room; `probe` only opens a device check's connection test (MEDIA-5), never the room. */
export type JoinPurpose = 'join' | 'probe';

export interface JoinClaims {
  consultationId: string;
  userId: string;
  party: Party;
  purpose: JoinPurpose;
  /** The media node holding the room (or running the probe); absent in tokens issued before scale-out. */
  nodeId?: string | undefined;
}

export class JoinTokens {
  readonly #secret: string;
  readonly #clock: Clock;

  constructor(secret: string, clock: Clock) {
    this.#secret = secret;
    this.#clock = clock;
  }

  issue(claims: JoinClaims): { token: string; expiresAt: Date } {
    const nowSeconds = Math.floor(this.#clock.now().getTime() / 1000);
    const token = jwt.sign({ cid: claims.consultationId, party: claims.party, use: claims.purpose, nid: claims.nodeId, iat: nowSeconds }, this.#secret, {
      algorithm: ALGORITHM,
      subject: claims.userId,
      expiresIn: JOIN_TOKEN_SECONDS,
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    return { token, expiresAt: new Date((nowSeconds + JOIN_TOKEN_SECONDS) * 1000) };
  }

  /** Throws jsonwebtoken's errors for a token not ours, of another audience, or expired. */
  verify(token: string): JoinClaims {
    const payload = jwt.verify(token, this.#secret, {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
      clockTimestamp: Math.floor(this.#clock.now().getTime() / 1000),
    });
    if (typeof payload === 'string' || typeof payload.sub !== 'string' || typeof payload['cid'] !== 'string') {
      throw new jwt.JsonWebTokenError('malformed claims');
    }
    const claims: Record<string, unknown> = payload;
    const party = claims['party'];
    if (party !== 'expert' && party !== 'client') throw new jwt.JsonWebTokenError('malformed claims');
    const purpose = claims['use'] ?? 'join';
    if (purpose !== 'join' && purpose !== 'probe') throw new jwt.JsonWebTokenError('malformed claims');
    const nodeId = claims['nid'];
    if (nodeId !== undefined && typeof nodeId !== 'string') throw new jwt.JsonWebTokenError('malformed claims');
    return { consultationId: payload['cid'], userId: payload.sub, party, purpose, nodeId };
  }
}
