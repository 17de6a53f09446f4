import { randomBytes } from 'node:crypto';
import type { Queryable } from '../platform/database.ts';

/**
 * BOOK-8: the private address of a user's calendar feed is `<PUBLIC_URL>/api/calendar/<token>.ics`.
 * The token is the whole secret (256 random bits, base64url); it is kept as it is because the
 * address is shown again on every visit (like Google's "secret address in iCal format") and
 * whoever reads this table reads the appointments themselves anyway. Rotating replaces it, so the
 * old address answers 404 from that moment.
 */
const TOKEN_BYTES = 32;
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

const newToken = () => randomBytes(TOKEN_BYTES).toString('base64url');

/** The user's token, created on first ask (two racing first asks get the same one). */
export async function calendarFeedToken(db: Queryable, userId: string, now: Date): Promise<string> {
  await db.query('INSERT INTO calendar_feeds (user_id, token, created_at) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO NOTHING', [userId, newToken(), now]);
  const [row] = await db.query<{ token: string }>('SELECT token FROM calendar_feeds WHERE user_id = $1', [userId]);
  return row!.token;
}

/** A new token; the previous address stops working at once. */
export async function rotateCalendarFeedToken(db: Queryable, userId: string, now: Date): Promise<string> {
  const token = newToken();
  await db.query(
    `INSERT INTO calendar_feeds (user_id, token, created_at, rotated_at) VALUES ($1, $2, $3, $3)
     ON CONFLICT (user_id) DO UPDATE SET token = EXCLUDED.token, rotated_at = EXCLUDED.rotated_at`,
    [userId, token, now],
  );
  return token;
}

export interface FeedOwner {
  userId: string;
  language: 'fr' | 'en';
}

/** Whose feed a token opens: an active account's, or nobody's (a rotated, unknown or malformed token). */
export async function feedOwner(db: Queryable, token: string): Promise<FeedOwner | undefined> {
  if (!TOKEN_FORMAT.test(token)) return undefined;
  const [row] = await db.query<{ user_id: string; language: 'fr' | 'en' }>(
    `SELECT f.user_id, u.language FROM calendar_feeds f JOIN users u ON u.id = f.user_id WHERE f.token = $1 AND u.status = 'active'`,
    [token],
  );
  return row ? { userId: row.user_id, language: row.language } : undefined;
}

export function calendarFeedUrls(publicUrl: string, token: string): { url: string; webcalUrl: string } {
  const url = `${publicUrl}/api/calendar/${token}.ics`;
  // Apple and Outlook offer to subscribe when handed a webcal: link; Google takes the https one.
  return { url, webcalUrl: url.replace(/^https?:/, 'webcal:') };
}
