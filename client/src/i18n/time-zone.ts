/**
 * Times as the reader lives them: in the browser's own time zone, with that zone named once on
 * the page, so a client in Montréal booking a Paris expert never has to convert.
 */
import { locale } from './index.ts';

/** The reader's IANA zone (`America/Montreal`), as the browser knows it. */
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** The zone in words ("heure normale de l’Est", "Central European Time"), for a sentence. */
export function timeZoneName(timeZone: string, at: Date = new Date()): string {
  const part = new Intl.DateTimeFormat(locale(), { timeZone, timeZoneName: 'long' }).formatToParts(at).find((item) => item.type === 'timeZoneName');
  return part?.value ?? timeZone;
}

/** The zone's short form at that moment ("UTC−5", "CET"), after a time. */
export function timeZoneShort(timeZone: string, at: Date): string {
  const part = new Intl.DateTimeFormat(locale(), { timeZone, timeZoneName: 'short' }).formatToParts(at).find((item) => item.type === 'timeZoneName');
  return part?.value ?? '';
}

/** "mardi 24 novembre 2026" */
export function formatLongDay(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale(), { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone }).format(new Date(iso));
}

/** "mar. 24 nov." — for dense lists. */
export function formatShortDay(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale(), { weekday: 'short', day: 'numeric', month: 'short', timeZone }).format(new Date(iso));
}

/** "24 nov. 2026, 10:15" — a moment in a table. */
export function formatShortDateTime(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
}

/** "10:00 – 10:15" */
export function formatTimeRange(startIso: string, endIso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', timeZone }).formatRange(new Date(startIso), new Date(endIso));
}

/** The calendar date (YYYY-MM-DD) of an instant in a zone: to group times by the reader's day. */
export function calendarDateIn(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * The instant of a wall-clock time in a zone (`2026-12-01`, `00:00`, `Europe/Paris`): the fee
 * schedule takes effect at midnight in Paris, whatever the admin's own zone.
 */
export function instantOfWallTime(date: string, time: string, timeZone: string): Date {
  const asIfUtc = Date.parse(`${date}T${time}:00Z`);
  // Two passes settle a moment next to a daylight-saving change.
  let guess = asIfUtc;
  for (let pass = 0; pass < 2; pass++) guess = asIfUtc - offsetMs(guess, timeZone);
  return new Date(guess);
}

function offsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at / 1000) * 1000;
}

/** "24 novembre 2026 à 10:00" / "24 November 2026 at 10:00": a deadline in a sentence. */
export function formatDayAtTime(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'long', timeStyle: 'short', timeZone }).format(new Date(iso));
}

/** "mardi 24 novembre à 10:00": an appointment in a sentence. */
export function formatAppointment(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale(), { weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone }).format(
    new Date(iso),
  );
}

/** "samedi 5 décembre", with the year only when it is not this year's: a day people plan around. */
export function formatDayHeading(iso: string, timeZone?: string): string {
  const at = new Date(iso);
  const sameYear =
    calendarDateIn(iso, timeZone ?? viewerTimeZone()).slice(0, 4) === calendarDateIn(new Date().toISOString(), timeZone ?? viewerTimeZone()).slice(0, 4);
  return new Intl.DateTimeFormat(locale(), { weekday: 'long', day: 'numeric', month: 'long', year: sameYear ? undefined : 'numeric', timeZone }).format(at);
}
