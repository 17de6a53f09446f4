/**
 * BILL-8: the surcharge depends on the country of the called number, which we read from its
 * E.164 calling code. Only what decides the surcharge tier matters: France (with its EU
 * overseas regions), the other EU states, and the rest of the world. Shared codes are mapped
 * to the country that decides their tier (+590: Guadeloupe and Saint-Martin are "France";
 * Saint-Barthélemy, also +590, is charged as France too — the numbering cannot tell them apart
 * by the calling code alone). Anything not listed is "world".
 */
const CALLING_CODES: Readonly<Record<string, string>> = {
  // France and its EU outermost regions (BILL-8 "France").
  '33': 'FR',
  '262': 'RE', // Réunion and Mayotte
  '590': 'GP', // Guadeloupe, Saint-Martin (and Saint-Barthélemy)
  '594': 'GF',
  '596': 'MQ',
  // The other EU member states.
  '30': 'GR',
  '31': 'NL',
  '32': 'BE',
  '34': 'ES',
  '351': 'PT',
  '352': 'LU',
  '353': 'IE',
  '356': 'MT',
  '357': 'CY',
  '358': 'FI',
  '359': 'BG',
  '36': 'HU',
  '370': 'LT',
  '371': 'LV',
  '372': 'EE',
  '385': 'HR',
  '386': 'SI',
  '39': 'IT',
  '40': 'RO',
  '420': 'CZ',
  '421': 'SK',
  '43': 'AT',
  '45': 'DK',
  '46': 'SE',
  '48': 'PL',
  '49': 'DE',
  // Common non-EU destinations, listed so the code names them (they are "world" anyway).
  '1': 'US',
  '41': 'CH',
  '44': 'GB',
  '377': 'MC',
  '212': 'MA',
  '213': 'DZ',
  '216': 'TN',
  '221': 'SN',
  '225': 'CI',
};

/** ISO 3166 user-assigned code: "somewhere in the world", surcharged as world (BILL-8). */
export const UNKNOWN_COUNTRY = 'ZZ';
const LONGEST_CALLING_CODE = 3;

/** The country of an E.164 number (`+33612345678` → `FR`), by the longest matching calling code. */
export function countryOfPhoneNumber(e164: string): string {
  const digits = e164.replace(/^\+/, '');
  for (let length = LONGEST_CALLING_CODE; length >= 1; length--) {
    const country = CALLING_CODES[digits.slice(0, length)];
    if (country) return country;
  }
  return UNKNOWN_COUNTRY;
}
