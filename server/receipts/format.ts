/**
 * Pure formatting for printed money documents (BILL-9). Written by hand rather than with
 * `Intl.NumberFormat` so that a receipt renders byte for byte the same on every machine and
 * Node version (ICU changed the French group separator between releases), and so that every
 * character exists in the PDF standard fonts' WinAnsi encoding.
 */

export type Language = 'fr' | 'en';

export const LANGUAGES: readonly Language[] = ['fr', 'en'];

/** Dates on receipts and statements are French civil time: the platform's reference market. */
export const DOCUMENT_TIME_ZONE = 'Europe/Paris';

const NBSP = '\u00a0';

/** `1 234,50 €` in French, `€1,234.50` in English; negative amounts get a leading minus. */
export function formatCents(amountCents: number, language: Language): string {
  if (!Number.isSafeInteger(amountCents)) throw new RangeError(`not an amount in cents: ${amountCents}`);
  const sign = amountCents < 0 ? '-' : '';
  const absolute = Math.abs(amountCents);
  const euros = Math.floor(absolute / 100).toString();
  const cents = (absolute % 100).toString().padStart(2, '0');
  const grouped = euros.replace(/\B(?=(\d{3})+(?!\d))/g, language === 'fr' ? NBSP : ',');
  return language === 'fr' ? `${sign}${grouped},${cents}${NBSP}€` : `${sign}€${grouped}.${cents}`;
}

/** Billed seconds as `mm:ss`, or `h:mm:ss` from one hour. */
export function formatDuration(seconds: number): string {
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new RangeError(`not a duration in seconds: ${seconds}`);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const two = (n: number) => n.toString().padStart(2, '0');
  return hours > 0 ? `${hours}:${two(minutes)}:${two(rest)}` : `${two(minutes)}:${two(rest)}`;
}

const PARIS_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: DOCUMENT_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

interface CivilTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function parisTime(iso: string): CivilTime {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a date: ${iso}`);
  const parts = Object.fromEntries(PARIS_PARTS.formatToParts(date).map((part) => [part.type, part.value]));
  return {
    year: Number(parts['year']),
    month: Number(parts['month']),
    day: Number(parts['day']),
    hour: Number(parts['hour']),
    minute: Number(parts['minute']),
  };
}

const MONTH_NAMES: Record<Language, readonly string[]> = {
  fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

const two = (n: number) => n.toString().padStart(2, '0');

/** `23/11/2026` (fr) or `23 Nov 2026` (en), in Paris time. */
export function formatDate(iso: string, language: Language): string {
  const t = parisTime(iso);
  return language === 'fr' ? `${two(t.day)}/${two(t.month)}/${t.year}` : `${t.day} ${MONTH_NAMES.en[t.month - 1]!.slice(0, 3)} ${t.year}`;
}

/** `23/11/2026 à 10:00` (fr) or `23 Nov 2026, 10:00` (en), in Paris time. */
export function formatDateTime(iso: string, language: Language): string {
  const t = parisTime(iso);
  const time = `${two(t.hour)}:${two(t.minute)}`;
  return language === 'fr' ? `${formatDate(iso, language)} à ${time}` : `${formatDate(iso, language)}, ${time}`;
}

/** `novembre 2026` / `November 2026` for a `YYYY-MM` month. */
export function formatMonth(month: string, language: Language): string {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  return `${MONTH_NAMES[language][monthNumber - 1]} ${year}`;
}

const COUNTRY_NAMES: Record<Language, Record<string, string>> = {
  fr: {
    FR: 'France',
    BE: 'Belgique',
    CH: 'Suisse',
    LU: 'Luxembourg',
    MC: 'Monaco',
    DE: 'Allemagne',
    ES: 'Espagne',
    IT: 'Italie',
    GB: 'Royaume-Uni',
    CA: 'Canada',
  },
  en: {
    FR: 'France',
    BE: 'Belgium',
    CH: 'Switzerland',
    LU: 'Luxembourg',
    MC: 'Monaco',
    DE: 'Germany',
    ES: 'Spain',
    IT: 'Italy',
    GB: 'United Kingdom',
    CA: 'Canada',
  },
};

/** A country's name for the common ones, else its ISO code (always unambiguous on paper). */
export function countryName(code: string, language: Language): string {
  return COUNTRY_NAMES[language][code.toUpperCase()] ?? code;
}
