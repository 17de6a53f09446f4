import { locale } from '../../i18n/index.ts';

/** The visitor's own time zone, as the browser knows it: every time on these pages is shown in it. */
export function visitorTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** "lundi 12 mai" / "Monday 12 May". */
export function formatDay(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { weekday: 'long', day: 'numeric', month: 'long' }).format(new Date(iso));
}

/** "jeudi 12 mai 2026 à 14:30" / "Thursday 12 May 2026 at 14:30". */
export function formatFullDateTime(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'full', timeStyle: 'short' }).format(new Date(iso));
}
