import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * TEL-6: phone numbers are parsed and validated with libphonenumber-js (Google's numbering
 * metadata, "max" set: each country's real number ranges, not only their lengths) and kept in
 * E.164 (`+33612345678`): the telephony provider dials them as they are, and the country of the
 * number decides the phone surcharge (BILL-8).
 */
export interface ParsedPhoneNumber {
  e164: string;
  /** ISO 3166-1 alpha-2 of the number's country; `ZZ` for non-geographic numbers (+800, +882…). */
  country: string;
}

/** ISO 3166 user-assigned code: "somewhere in the world", surcharged as world (BILL-8). */
export const UNKNOWN_COUNTRY = 'ZZ';
/** Longer than any way of typing a real number (separators included); refused before parsing. */
const MAX_PHONE_INPUT_LENGTH = 40;
/** People in France type national numbers (06 12 34 56 78); others type +… or 00…. */
const DEFAULT_COUNTRY = 'FR';
const E164_SHAPE = /^\+[1-9]\d{6,14}$/;

/** A real number of its country, typed any usual way, or undefined. */
export function parsePhoneNumber(input: string): ParsedPhoneNumber | undefined {
  if (input.length > MAX_PHONE_INPUT_LENGTH) return undefined;
  const parsed = parsePhoneNumberFromString(input, DEFAULT_COUNTRY);
  if (!parsed?.isValid()) return undefined;
  return { e164: parsed.number, country: parsed.country ?? UNKNOWN_COUNTRY };
}

/** The API's form (SPEC §11: the number to call is E.164): `+` and digits only, and a real number. */
export function parseE164(input: string): ParsedPhoneNumber | undefined {
  return E164_SHAPE.test(input) ? parsePhoneNumber(input) : undefined;
}

export function normalisePhoneNumber(input: string): string | undefined {
  return parsePhoneNumber(input)?.e164;
}

/** BILL-8: the country of a stored E.164 number (`+33612345678` → `FR`). */
export function countryOfPhoneNumber(e164: string): string {
  return parsePhoneNumber(e164)?.country ?? UNKNOWN_COUNTRY;
}
