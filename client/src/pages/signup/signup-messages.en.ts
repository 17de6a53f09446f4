import type { Dictionary } from '../../i18n/index.ts';

/**
 * English, fetched when English is shown. It does not import the French file's key type (that would tie the
 * two files in a loop): `defineMessages` refuses it where it is loaded when a French key is missing.
 */
export const en = {
  'choice.title': 'Create an account',
  'choice.asClient': 'I am a client',
  'choice.asExpert': 'I am an expert',
  'client.title': 'Create a client account',
  'client.intro': 'Four details are enough. You can complete your profile later from your account.',
  'client.submit': 'Create my account',
  'client.expertLink': 'Are you an expert? Sign up as an expert',
  'expert.title': 'Become an expert on Consulto',
  'expert.intro': 'Signing up is free. These details appear on your clients’ receipts and let us check your identity.',
  'expert.sponsored': 'You are signing up through the referral link of {sponsor}.',
  'expert.sponsorUnknown': 'This referral link belongs to no active expert.',
  'expert.withoutSponsor': 'Sign up without a sponsor',
  'expert.submit': 'Create my expert account',
  'expert.photoFailed': 'Your account is created, but the photo could not be saved ({reason}). Add it below.',
  'code.alreadyVerified': 'Your email address is already verified.',
  'code.format': 'Type the 6 digits of the code, for example 123456.',
  'code.later': 'I will verify it later',
  'code.laterHint': 'Without a verified address you cannot book a consultation.',
} satisfies Dictionary<string>;
