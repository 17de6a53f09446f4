import { t } from '../i18n/index.ts';
import type { Civility, LegalStatus } from '../api.ts';
import type { FieldError, FormHandle } from '../forms.ts';

/** The photo rules of `PUT /api/experts/me/photo`, checked before uploading. */
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

export function photoErrors(handle: FormHandle, name: string): FieldError[] {
  const problem = photoProblem(handle.file(name));
  return problem ? [{ name, message: problem }] : [];
}

/** What is wrong with a chosen photo, in words; undefined when it is fine or none is chosen. */
export function photoProblem(photo: File | undefined): string | undefined {
  if (!photo) return undefined;
  if (!PHOTO_TYPES.includes(photo.type)) return t('error.photoType');
  if (photo.size > PHOTO_MAX_BYTES) return t('error.photoSize');
  return undefined;
}
