/**
 * ACC-10: the 6-digit code emailed at signup, typed back on the same page. A client books only
 * with a verified email; the sign-up pages and the booking flow ask for the code through here.
 */
import { resendEmailCode, verifyEmail as sendEmailCode, type User } from '../api.ts';
import { reloadCurrentUser } from '../session.ts';

/** Six digits; people paste it with a space in the middle, the server ignores spaces too. */
export const EMAIL_CODE_PATTERN = /^\d{6}$/;

export function normaliseEmailCode(typed: string): string {
  return typed.replace(/\s/g, '');
}

/** True only when the server says so (`GET /api/me`'s `emailVerified`). */
export function needsEmailCode(user: User | undefined): boolean {
  return user?.emailVerified === false;
}

/** `POST /api/auth/verify-email`, then the profile again (its `emailVerified` is now true). */
export async function verifyEmail(code: string): Promise<void> {
  await sendEmailCode(normaliseEmailCode(code));
  await reloadCurrentUser();
}

/** "Send me a new code": 202, or 429 `too_many_codes` when one was sent a moment ago. */
export const sendNewEmailCode = resendEmailCode;
