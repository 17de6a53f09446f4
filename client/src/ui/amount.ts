import { language } from '../i18n/index.ts';

/** The largest amount a person types in an amount field: 999 999,99 €. */
const MAX_EURO_DIGITS = 6;

/**
 * Euros as a person types them (`12,5`, `12.50`, `12 €`) → integer cents; undefined when it is
 * not an amount. Integer arithmetic only: 0.1 + 0.2 must never become 30.000000004 cents.
 */
export function parseEurosToCents(text: string): number | undefined {
  const compact = text.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  if (!new RegExp(`^\\d{1,${MAX_EURO_DIGITS}}(\\.\\d{1,2})?$`).test(compact)) return undefined;
  const [whole = '0', fraction = ''] = compact.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** Cents → the text put back in an amount field, in the reader's decimal style (`1,50` / `1.50`). */
export function centsToEurosText(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return '';
  const text = (cents / 100).toFixed(2);
  return language() === 'fr' ? text.replace('.', ',') : text;
}
