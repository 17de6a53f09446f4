import { locale } from '../../i18n/index.ts';

/**
 * Dates and times of the expert's practice, always in the expert's own time zone (their
 * opening hours' zone), through Intl, whatever zone the browser is in.
 */

export function dayLabel(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale(), { weekday: 'long', day: 'numeric', month: 'long', timeZone }).format(new Date(iso));
}

export function shortDayLabel(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale(), { weekday: 'short', day: 'numeric', month: 'short', timeZone }).format(new Date(iso));
}

export function timeLabel(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(iso));
}

/** "jeu. 7 mai, 14:00 UTC+2": a moment people must not misread, with the zone's short name. */
export function momentLabel(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale(), {
    weekday: 'short',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
    timeZone,
  }).format(new Date(iso));
}

/** The calendar date (`YYYY-MM-DD`) of an instant in a zone. */
export function localDateOf(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Calendar arithmetic on `YYYY-MM-DD` (no time zone involved: a date is a date). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a calendar date, Monday = 1 (SPEC §11). */
export function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The Monday of the week of a calendar date. */
export function mondayOf(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

/** A calendar date in words, without a zone (it is already the expert's date): "lundi 4 mai 2026". */
export function calendarDateLabel(
  date: string,
  options: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
): string {
  return new Intl.DateTimeFormat(locale(), { ...options, timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

/** The zone's readable name ("Europe/Paris" → "Europe/Paris (UTC+2)"). */
export function zoneLabel(timeZone: string, at: Date = new Date()): string {
  const offset = new Intl.DateTimeFormat(locale(), { timeZone, timeZoneName: 'shortOffset' })
    .formatToParts(at)
    .find((part) => part.type === 'timeZoneName')?.value;
  return offset ? `${timeZone.replace(/_/g, ' ')} (${offset})` : timeZone.replace(/_/g, ' ');
}

/** `HH:MM` (`24:00` included) ↔ minutes since midnight. */
export function minutesOf(clock: string): number {
  const [hours = 0, minutes = 0] = clock.split(':').map(Number);
  return hours * 60 + minutes;
}

export function clockOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** How far a zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function zoneOffsetMs(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  );
  const wall = Date.UTC(
    Number(parts['year']),
    Number(parts['month']) - 1,
    Number(parts['day']),
    Number(parts['hour']),
    Number(parts['minute']),
    Number(parts['second']),
  );
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant of a wall-clock time on a date in a zone (`2026-05-04`, `23:59:59`, `Europe/Paris`). */
export function wallClockToIso(date: string, clock: string, timeZone: string): string {
  const asUtc = Date.parse(`${date}T${clock}Z`);
  // Twice: the offset at the first guess may differ from the offset at the answer (a DST change that day).
  const first = asUtc - zoneOffsetMs(new Date(asUtc), timeZone);
  return new Date(asUtc - zoneOffsetMs(new Date(first), timeZone)).toISOString();
}

/** The wall-clock time (`HH:MM`, 24-hour) of an instant in a zone. */
export function wallClockOf(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(at);
}
