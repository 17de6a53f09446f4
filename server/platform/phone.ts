/**
 * Phone numbers are kept in E.164 (`+33612345678`): the telephony provider dials
 * them as they are and the country code decides the surcharge (BILL-8).
 */
const E164 = /^\+[1-9]\d{6,14}$/;
const FRENCH_NATIONAL = /^0[1-9]\d{8}$/;

export function isE164(value: string): boolean {
  return E164.test(value);
}

/** Accepts the usual ways people type a number; French national numbers become +33. */
export function normalisePhoneNumber(input: string): string | undefined {
  const compact = input.replace(/[\s.()-]/g, '').replace(/^00/, '+');
  if (FRENCH_NATIONAL.test(compact)) return '+33' + compact.slice(1);
  return E164.test(compact) ? compact : undefined;
}
