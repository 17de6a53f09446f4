/**
 * Choices and checks shared by the forms that collect a person's details (sign-up, "my
 * account"): civility, legal status, and the photo rules of `PUT /api/experts/me/photo`.
 */
import { t, type MessageKey } from './i18n/index.ts';
import type { Civility, LegalStatus } from './api.ts';

export const PHOTO_ACCEPT = 'image/png,image/jpeg';
const PHOTO_TYPES = ['image/png', 'image/jpeg'];
const PHOTO_MAX_BYTES = 5 * 1024 * 1024;

const STATUSES: readonly LegalStatus[] = ['individual', 'sole_trader', 'company'];
const CIVILITIES: readonly Civility[] = ['mr', 'ms', 'mx'];

export function statusOptions(): { value: LegalStatus; label: string }[] {
  return STATUSES.map((status) => ({ value: status, label: t(`field.status.${status}`) }));
}

export function civilityOptions(): { value: Civility; label: string }[] {
  return CIVILITIES.map((civility) => ({ value: civility, label: t(`field.civility.${civility}`) }));
}

/** What is wrong with a chosen photo before it is uploaded, if anything. */
export function photoProblem(photo: File): MessageKey | undefined {
  if (!PHOTO_TYPES.includes(photo.type)) return 'error.photoType';
  if (photo.size > PHOTO_MAX_BYTES) return 'error.photoSize';
  return undefined;
}
