import { badRequest } from '../platform/errors.ts';
import { addDays, isCalendarDate, isValidTimeZone, isoWeekday, localDate, wallClockToUtc } from './time-zone.ts';

/**
 * EXP-6: an expert's availability, exactly the body of `PUT /api/experts/me/availability`
 * (SPEC §11), and the pure rules over it: validation, open intervals in UTC, free slots.
 *
 * Semantics (docs/decisions.md): the weekly hours apply to every date of their weekday; an
 * exception date replaces the weekly hours of that date: `closed: true` closes it, and its
 * `{start, end}` ranges are the only hours of that date (so a day can be shortened, or opened
 * on a usual day off).
 */
export interface WeeklyHours {
  weekday: number;
  start: string;
  end: string;
}

export type AvailabilityException = { date: string; closed: true } | { date: string; start: string; end: string };

export interface Availability {
  timeZone: string;
  weekly: WeeklyHours[];
  exceptions: AvailabilityException[];
}

export interface Interval {
  startMs: number;
  endMs: number;
}

/** Limits on one availability document (STYLE: a limit on everything). */
export const MAX_WEEKLY_RANGES = 70;
export const MAX_EXCEPTIONS = 400;
/** Offered start times are on this grid of the expert's wall clock, from the opening time. */
export const SLOT_STEP_MINUTES = 15;
export const MAX_SLOT_DAYS = 31;
/** An appointment is booked at most this far ahead. */
export const MAX_BOOKING_DAYS_AHEAD = 365;

export const DEFAULT_TIME_ZONE = 'Europe/Paris';
export const emptyAvailability = (): Availability => ({ timeZone: DEFAULT_TIME_ZONE, weekly: [], exceptions: [] });

const MINUTE_MS = 60_000;
const MINUTES_PER_DAY = 24 * 60;
const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** `HH:MM` → minutes since midnight; `24:00` only as an end. */
export function parseClockTime(value: string, allowEndOfDay: boolean): number | undefined {
  if (allowEndOfDay && value === '24:00') return MINUTES_PER_DAY;
  const match = CLOCK_TIME.exec(value);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** Rules zod cannot express; each failure is a 400 with a stable code and the offending field. */
export function validateAvailability(availability: Availability): void {
  if (!isValidTimeZone(availability.timeZone)) {
    throw badRequest('invalid_time_zone', 'timeZone must be an IANA time zone such as Europe/Paris.', 'timeZone');
  }
  const ranges = (start: string, end: string, param: string) => {
    const startMinute = parseClockTime(start, false);
    const endMinute = parseClockTime(end, true);
    if (startMinute === undefined) throw badRequest('invalid_time', 'start is HH:MM (00:00 to 23:59).', `${param}.start`);
    if (endMinute === undefined) throw badRequest('invalid_time', 'end is HH:MM (00:00 to 24:00).', `${param}.end`);
    if (endMinute <= startMinute) throw badRequest('invalid_time_range', 'end must be after start.', `${param}.end`);
    return [startMinute, endMinute] as const;
  };
  const byWeekday = new Map<number, (readonly [number, number])[]>();
  availability.weekly.forEach((hours, index) => {
    const range = ranges(hours.start, hours.end, `weekly.${index}`);
    const sameDay = byWeekday.get(hours.weekday) ?? [];
    if (sameDay.some(([start, end]) => range[0] < end && start < range[1])) {
      throw badRequest('overlapping_hours', 'Two opening ranges of the same weekday overlap.', `weekly.${index}`);
    }
    byWeekday.set(hours.weekday, [...sameDay, range]);
  });
  const byDate = new Map<string, { closed: boolean; ranges: (readonly [number, number])[] }>();
  availability.exceptions.forEach((exception, index) => {
    if (!isCalendarDate(exception.date)) throw badRequest('invalid_date', 'date is a calendar date YYYY-MM-DD.', `exceptions.${index}.date`);
    const day = byDate.get(exception.date) ?? { closed: false, ranges: [] };
    if ('closed' in exception) {
      if (day.ranges.length) throw badRequest('conflicting_exceptions', 'A date cannot be both closed and open.', `exceptions.${index}`);
      day.closed = true;
    } else {
      if (day.closed) throw badRequest('conflicting_exceptions', 'A date cannot be both closed and open.', `exceptions.${index}`);
      const range = ranges(exception.start, exception.end, `exceptions.${index}`);
      if (day.ranges.some(([start, end]) => range[0] < end && start < range[1])) {
        throw badRequest('overlapping_hours', 'Two ranges of the same date overlap.', `exceptions.${index}`);
      }
      day.ranges.push(range);
    }
    byDate.set(exception.date, day);
  });
}

/** The opening ranges (minutes of the day, end up to 1440 = 24:00) of one local date; the agenda shows them too. */
export function rangesOfDate(availability: Availability, date: string): [number, number][] {
  const exceptions = availability.exceptions.filter((exception) => exception.date === date);
  if (exceptions.length) {
    return exceptions.flatMap((exception) =>
      'closed' in exception ? [] : [[parseClockTime(exception.start, false)!, parseClockTime(exception.end, true)!] as [number, number]],
    );
  }
  const weekday = isoWeekday(date);
  return availability.weekly
    .filter((hours) => hours.weekday === weekday)
    .map((hours) => [parseClockTime(hours.start, false)!, parseClockTime(hours.end, true)!]);
}

/**
 * The open intervals in UTC of the local dates `firstDate` … `lastDate`, merged where they
 * touch (Monday 22:00–24:00 and Tuesday 00:00–02:00 make one interval).
 */
export function openIntervals(availability: Availability, firstDate: string, lastDate: string): Interval[] {
  const intervals: Interval[] = [];
  for (let date = firstDate; date <= lastDate; date = addDays(date, 1)) {
    for (const [start, end] of rangesOfDate(availability, date)) {
      const startMs = wallClockToUtc(date, start, availability.timeZone).getTime();
      const endMs = wallClockToUtc(date, end, availability.timeZone).getTime();
      if (endMs > startMs) intervals.push({ startMs, endMs });
    }
  }
  intervals.sort((a, b) => a.startMs - b.startMs);
  const merged: Interval[] = [];
  for (const interval of intervals) {
    const last = merged[merged.length - 1];
    if (last && interval.startMs <= last.endMs) last.endMs = Math.max(last.endMs, interval.endMs);
    else merged.push({ ...interval });
  }
  return merged;
}

/** EXP-6 / BOOK-1: is the whole appointment inside the expert's opening hours? */
export function isWithinAvailability(availability: Availability, startAt: Date, minutes: number): boolean {
  const startMs = startAt.getTime();
  const endMs = startMs + minutes * MINUTE_MS;
  const first = addDays(localDate(startAt, availability.timeZone), -1);
  const last = addDays(localDate(new Date(endMs), availability.timeZone), 1);
  return openIntervals(availability, first, last).some((interval) => interval.startMs <= startMs && endMs <= interval.endMs);
}

/**
 * Free start times for an appointment of `minutes`, on the local dates `fromDate` and the
 * `days − 1` following ones: every SLOT_STEP_MINUTES from each opening, that fit before its
 * closing, start after `notBefore` and overlap no booked appointment.
 */
export function freeSlots(input: {
  availability: Availability;
  fromDate: string;
  days: number;
  minutes: number;
  notBefore: Date;
  booked: readonly Interval[];
}): Date[] {
  const { availability, minutes } = input;
  const lastDate = addDays(input.fromDate, input.days - 1);
  const slots: Date[] = [];
  for (const interval of openIntervals(availability, input.fromDate, lastDate)) {
    for (let startMs = interval.startMs; startMs + minutes * MINUTE_MS <= interval.endMs; startMs += SLOT_STEP_MINUTES * MINUTE_MS) {
      const endMs = startMs + minutes * MINUTE_MS;
      if (startMs <= input.notBefore.getTime()) continue;
      const date = localDate(new Date(startMs), availability.timeZone);
      if (date < input.fromDate || date > lastDate) continue;
      if (input.booked.some((booked) => booked.startMs < endMs && startMs < booked.endMs)) continue;
      slots.push(new Date(startMs));
    }
  }
  return slots;
}
