/**
 * Amounts typed in euros (`12,50`, `12.5`, `20 €`) to integer cents, and back for a form's
 * initial value: people type euros, the API speaks cents (STYLE: amounts in the smallest unit).
 */
const MAX_EUROS_DIGITS = 6;

export function eurosToCents(text: string): number | undefined {
  const compact = text.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  if (!new RegExp(`^\\d{1,${MAX_EUROS_DIGITS}}(\\.\\d{1,2})?$`).test(compact)) return undefined;
  const [whole, fraction = ''] = compact.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** `150` → `1,50` in French, `1.50` in English: what the reader would type. */
export function centsToEurosText(cents: number, language: 'fr' | 'en'): string {
  const text = (cents / 100).toFixed(2);
  return language === 'fr' ? text.replace('.', ',') : text;
}
