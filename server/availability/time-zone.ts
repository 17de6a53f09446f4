/**
 * EXP-6: opening hours are wall-clock times in the expert's IANA time zone; appointments are
 * UTC instants. These helpers convert between them with `Intl` only (no time-zone library),
 * daylight-saving changes included. Pure functions.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let cached = formatters.get(timeZone);
  if (!cached) {
    cached = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, cached);
  }
  return cached;
}

/** An IANA zone name the runtime knows (`Europe/Paris`, `UTC`); offsets like `+01:00` are refused. */
export function isValidTimeZone(timeZone: string): boolean {
  if (!IANA_NAME.test(timeZone)) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClockAt(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts['year']!, month: parts['month']!, day: parts['day']!, hour: parts['hour']!, minute: parts['minute']!, second: parts['second']! };
}

/** How far the zone's wall clock is ahead of UTC at this instant, in ms (Paris in summer: +2 h). */
export function offsetMs(instant: Date, timeZone: string): number {
  const wall = wallClockAt(instant, timeZone);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallAsUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The UTC instant of a wall-clock time (`date` at `minuteOfDay`, which may be 1440 = 24:00) in
 * the zone. A time skipped by a spring-forward change maps to the same distance after the
 * change (02:30 in Paris on the last Sunday of March is 03:30 CEST); a time repeated by a
 * fall-back change maps to its first occurrence.
 */
export function wallClockToUtc(date: string, minuteOfDay: number, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const wallAsUtc = Date.UTC(year, month - 1, day) + minuteOfDay * MINUTE_MS;
  // No zone is more than 14 h from UTC, and no zone changes its offset twice within 28 h: the
  // offsets half a day before and after are the only candidates.
  const offsetBefore = offsetMs(new Date(wallAsUtc - DAY_MS / 2 - 2 * 60 * MINUTE_MS), timeZone);
  const offsetAfter = offsetMs(new Date(wallAsUtc + DAY_MS / 2 + 2 * 60 * MINUTE_MS), timeZone);
  const candidates = [wallAsUtc - offsetBefore, wallAsUtc - offsetAfter].filter(
    (candidate) => candidate + offsetMs(new Date(candidate), timeZone) === wallAsUtc,
  );
  // Fall back: two instants show this wall clock, the first wins. Spring forward: none does.
  if (candidates.length) return new Date(Math.min(...candidates));
  return new Date(wallAsUtc - offsetBefore);
}

/** The zone's calendar date (`YYYY-MM-DD`) at this instant. */
export function localDate(instant: Date, timeZone: string): string {
  const wall = wallClockAt(instant, timeZone);
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** The zone's wall-clock time (`HH:MM`) at this instant. */
export function localClockTime(instant: Date, timeZone: string): string {
  const wall = wallClockAt(instant, timeZone);
  return `${pad(wall.hour)}:${pad(wall.minute)}`;
}

/** ISO weekday of a calendar date: Monday = 1 … Sunday = 7 (SPEC §11). */
export function isoWeekday(date: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const sundayZero = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return sundayZero === 0 ? 7 : sundayZero;
}

export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** A real calendar date, `YYYY-MM-DD` (no 2026-02-30). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  const parsed = new Date(Date.UTC(year, month - 1, day));
  return parsed.getUTCFullYear() === year && parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === day;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
