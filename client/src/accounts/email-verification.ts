/**
 * ACC-10: the 6-digit code emailed at signup, typed back on the same page. A client books only
 * with a verified email; the sign-up pages and the booking flow ask for the code through here.
 */
import { apiCall, type User } from '../api.ts';
import { reloadCurrentUser } from '../session.ts';

/** Six digits; people paste it with a space in the middle, the server ignores spaces too. */
export const EMAIL_CODE_PATTERN = /^\d{6}$/;

export function normaliseEmailCode(typed: string): string {
  return typed.replace(/\s/g, '');
}

/** True only when the server says so: an API without ACC-10 (no field) asks for nothing. */
export function needsEmailCode(user: User | undefined): boolean {
  return user?.emailVerified === false;
}

/** `POST /api/auth/verify-email`: 400 `invalid_code` or `code_expired` (param `code`), 429 after 5 wrong tries. */
export async function verifyEmail(code: string): Promise<void> {
  await apiCall<{ emailVerified: true }>('POST', '/api/auth/verify-email', { json: { code: normaliseEmailCode(code) } });
  await reloadCurrentUser();
}

/** "Send me a new code": 202, or 429 `too_many_codes` when one was sent a moment ago. */
export async function sendNewEmailCode(): Promise<void> {
  await apiCall<unknown>('POST', '/api/auth/verify-email/resend');
}
