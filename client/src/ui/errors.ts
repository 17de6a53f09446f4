import { ApiError } from '../api.ts';
import { t, type MessageKey } from '../i18n/index.ts';

/** API error codes (stable strings, SPEC §11) in the user's language. */
const CODE_MESSAGES: Record<string, MessageKey> = {
  email_taken: 'error.emailTaken',
  invalid_credentials: 'error.invalidCredentials',
  too_many_attempts: 'error.tooManyAttempts',
  too_many_signups: 'error.tooManySignups',
  account_suspended: 'error.accountSuspended',
  email_not_verified: 'error.emailNotVerified',
  unknown_sponsor: 'error.unknownSponsor',
  invalid_current_password: 'error.invalidCurrentPassword',
  password_too_short: 'error.passwordTooShort',
  password_too_common: 'error.passwordTooCommon',
  password_too_personal: 'error.passwordTooPersonal',
  underage: 'error.underage',
  invalid_birth_date: 'error.birthDateImplausible',
  invalid_photo: 'error.photoType',
  payload_too_large: 'error.photoSize',
  session_expired: 'error.sessionExpired',
  network_error: 'error.network',
};

/** For `invalid_request`, the message depends on which field the API refused. */
const PARAM_MESSAGES: Record<string, MessageKey> = {
  email: 'error.email',
  phoneLandline: 'error.phone',
  phoneMobile: 'error.phone',
  birthDate: 'error.date',
  siret: 'error.siret',
  vatNumber: 'error.vatNumber',
  acceptTerms: 'error.mustTick',
  certifyAdult: 'error.mustTick',
  certifyLiabilityInsurance: 'error.mustTick',
};

export function apiErrorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return t('error.unexpected');
  const known = CODE_MESSAGES[error.code] ?? (error.param ? PARAM_MESSAGES[error.param] : undefined);
  if (known) return t(known);
  if (error.status >= 400 && error.status < 500) return error.param ? t('error.invalidValue') : error.message;
  return t('error.unexpected');
}

/** The API's field path of an error (`address.postalCode`), if it names one. */
export function apiErrorParam(error: unknown): string | undefined {
  return error instanceof ApiError ? error.param : undefined;
}
