import { countryName } from './i18n/index.ts';

/** Where our experts and clients live: the EU, its neighbours and the French-speaking world. */
const COUNTRY_CODES = [
  'FR', 'BE', 'CH', 'LU', 'MC', 'CA', 'DE', 'AT', 'ES', 'PT', 'IT', 'NL', 'IE', 'GB', 'DK', 'SE', 'FI', 'NO', 'PL', 'CZ',
  'SK', 'HU', 'RO', 'BG', 'GR', 'CY', 'MT', 'SI', 'HR', 'EE', 'LV', 'LT', 'IS', 'AD', 'MA', 'DZ', 'TN', 'SN', 'CI', 'CM',
  'MG', 'US', 'RE', 'GP', 'MQ', 'GF', 'YT', 'NC', 'PF',
] as const;

/** France first (the reference market), then the others by name in the current language. */
export function countryOptions(): { value: string; label: string }[] {
  const [france, ...others] = COUNTRY_CODES.map((code) => ({ value: code, label: countryName(code) }));
  return [france!, ...others.sort((a, b) => a.label.localeCompare(b.label))];
}
