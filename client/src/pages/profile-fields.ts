/**
 * The DOM-builder sign-up form's view of `profile-options.ts`, kept only while
 * `signup-expert.ts` is written with `forms.ts`: delete this file when that page is ported.
 */
import { t } from '../i18n/index.ts';
import type { FieldError, FormHandle } from '../forms.ts';
import { photoProblem } from '../profile-options.ts';

export { PHOTO_ACCEPT, civilityOptions, statusOptions } from '../profile-options.ts';

export function photoErrors(handle: FormHandle, name: string): FieldError[] {
  const photo = handle.file(name);
  const problem = photo ? photoProblem(photo) : undefined;
  return problem ? [{ name, message: t(problem) }] : [];
}
