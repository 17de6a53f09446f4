/** Formatting for emails: amounts, dates and labels as a French or English reader expects them. */
export type Language = 'fr' | 'en';

/** The platform's reference market is France (SPEC intro): times are shown in Paris time unless the data names a zone. */
export const DEFAULT_TIME_ZONE = 'Europe/Paris';

export type NotificationData = Record<string, string | number | boolean | null>;

export function money(cents: number, language: Language): string {
  return (
    new Intl.NumberFormat(language === 'fr' ? 'fr-FR' : 'en-GB', { style: 'currency', currency: 'EUR' })
      .format(cents / 100)
      // Intl uses narrow no-break spaces in French; plain no-break spaces survive every mail client.
      .replace(/\u202f/g, '\u00a0')
  );
}

export function dateTime(iso: string, language: Language, timeZone: string = DEFAULT_TIME_ZONE): string {
  const at = new Date(iso);
  if (!Number.isFinite(at.getTime())) return iso;
  const zone = isTimeZone(timeZone) ? timeZone : DEFAULT_TIME_ZONE;
  const formatted = new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone: zone,
  }).format(at);
  return `${formatted} (${zone})`.replace(/\u202f/g, '\u00a0');
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function modeLabel(mode: unknown, language: Language): string {
  if (mode === 'phone') return language === 'fr' ? 'par téléphone' : 'by phone';
  return language === 'fr' ? 'en vidéo' : 'by video';
}

/** Reads a string field, or `fallback` when the domain did not send it. */
export function text(data: NotificationData, key: string, fallback = ''): string {
  const value = data[key];
  return value === null || value === undefined ? fallback : String(value);
}

export function number(data: NotificationData, key: string): number | undefined {
  const value = data[key];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Only http(s) links are ever put in an href: a `javascript:` URL in the data is dropped. */
export function safeUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}
