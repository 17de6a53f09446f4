import { MAX_SURCHARGE_PER_MINUTE_CENTS } from './constants.ts';
import { BillingRuleError, invariant } from './errors.ts';
import { isNonNegativeSafeInteger } from './integer.ts';

/** BILL-8: the admin-configured phone surcharges per minute; the database holds the values. */
export interface SurchargeTable {
  franceCents: number;
  euCents: number;
  worldCents: number;
}

export type SurchargeZone = 'france' | 'eu' | 'world';

/**
 * "France" for BILL-8: metropolitan France plus the French territories that are
 * also part of the EU (its outermost regions), which have their own ISO codes:
 * Guadeloupe, Martinique, French Guiana, Réunion, Mayotte and Saint-Martin.
 * French mobile plans price calls to them like calls in France. The other
 * overseas collectivities (Saint-Barthélemy, Saint-Pierre-et-Miquelon,
 * Wallis-et-Futuna, French Polynesia, New Caledonia, TAAF) are outside the EU
 * and go to "world", as does Monaco (a sovereign state, not an EU member,
 * with its own +377 numbering).
 */
export const FRANCE_COUNTRY_CODES: ReadonlySet<string> = new Set(['FR', 'GP', 'MQ', 'GF', 'RE', 'YT', 'MF']);

/**
 * The other 26 EU member states (ISO 3166-1 alpha-2; Greece is GR, not the
 * EU's own "EL"), plus Åland (AX), which has its own ISO code but is part of
 * Finland and of the EU. Non-members in the euro or customs area (Monaco,
 * Andorra, San Marino, Vatican, Switzerland, Norway, Iceland, Liechtenstein)
 * are "world".
 */
export const EU_COUNTRY_CODES: ReadonlySet<string> = new Set([
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
  'AX',
]);

/** BILL-8: which tier of the surcharge table applies to the country of the called number. */
export function surchargeZoneForCountry(countryCode: string): SurchargeZone {
  if (typeof countryCode !== 'string' || !/^[A-Za-z]{2}$/.test(countryCode)) {
    throw new BillingRuleError('invalid_country', 'A country is an ISO 3166-1 alpha-2 code such as FR.', 'country');
  }
  const code = countryCode.toUpperCase();
  if (FRANCE_COUNTRY_CODES.has(code)) return 'france';
  if (EU_COUNTRY_CODES.has(code)) return 'eu';
  return 'world';
}

/** BILL-8: the phone surcharge per minute for a call to `countryCode`, from the table in force at booking (BILL-13). */
export function surchargePerMinuteForCountry(table: SurchargeTable, countryCode: string): number {
  for (const [name, value] of Object.entries(table)) {
    invariant(
      isNonNegativeSafeInteger(value) && value <= MAX_SURCHARGE_PER_MINUTE_CENTS,
      `surcharge table ${name} = ${String(value)} is not an integer in 0..${MAX_SURCHARGE_PER_MINUTE_CENTS}`,
    );
  }
  switch (surchargeZoneForCountry(countryCode)) {
    case 'france':
      return table.franceCents;
    case 'eu':
      return table.euCents;
    case 'world':
      return table.worldCents;
  }
}
