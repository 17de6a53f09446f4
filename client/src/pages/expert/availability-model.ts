/**
 * EXP-6 opening hours as the availability editor holds them: per weekday, ranges of minutes
 * since midnight (an end may be 1440, "24:00"); per date, a closed day or special ranges.
 * Pure functions, no DOM: the grid, the day rows and the tests all go through them.
 */
import type { Availability, AvailabilityException } from './workspace-api.ts';
import { clockOf, minutesOf } from './expert-time.ts';

export const DAY_MINUTES = 24 * 60;
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** Monday to Friday: "same hours on weekdays". */
export const WORKDAYS: readonly Weekday[] = [1, 2, 3, 4, 5];
/** A newly opened day starts with the hours most practices keep. */
export const DEFAULT_RANGE: Range = { start: 9 * 60, end: 17 * 60 };
/** The API's limit (server/availability/schedule.ts); the editor says so before sending. */
export const MAX_WEEKLY_RANGES = 70;

export interface Range {
  start: number;
  end: number;
}

export type Week = Record<Weekday, Range[]>;

export type DatedHours = { date: string; closed: true } | { date: string; closed: false; ranges: Range[] };

export interface EditableAvailability {
  timeZone: string;
  week: Week;
  exceptions: DatedHours[];
}

export const emptyWeek = (): Week => ({ 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] });

/** Sorted, overlapping or touching ranges merged: what painting on the grid leaves. */
export function normalise(ranges: readonly Range[]): Range[] {
  const sorted = ranges.filter((range) => range.end > range.start).sort((a, b) => a.start - b.start);
  const merged: Range[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

export function addRange(ranges: readonly Range[], added: Range): Range[] {
  return normalise([...ranges, added]);
}

export function removeRange(ranges: readonly Range[], removed: Range): Range[] {
  const kept: Range[] = [];
  for (const range of ranges) {
    if (range.end <= removed.start || range.start >= removed.end) kept.push({ ...range });
    else {
      if (range.start < removed.start) kept.push({ start: range.start, end: removed.start });
      if (range.end > removed.end) kept.push({ start: removed.end, end: range.end });
    }
  }
  return normalise(kept);
}

export function isOpenAt(ranges: readonly Range[], minute: number): boolean {
  return ranges.some((range) => range.start <= minute && minute < range.end);
}

/** Copies one day's ranges to other days (each gets its own copy). */
export function copyDay(week: Week, from: Weekday, to: readonly Weekday[]): Week {
  const next = { ...week };
  for (const day of to) if (day !== from) next[day] = week[from].map((range) => ({ ...range }));
  return next;
}

/** What is wrong with one day's ranges, if anything: an end not after its start, or two ranges overlapping. */
export function rangeProblem(ranges: readonly Range[]): { index: number; kind: 'order' | 'overlap' } | undefined {
  for (const [index, range] of ranges.entries()) if (range.end <= range.start) return { index, kind: 'order' };
  for (const [index, range] of ranges.entries()) {
    if (ranges.some((other, otherIndex) => otherIndex < index && range.start < other.end && other.start < range.end)) return { index, kind: 'overlap' };
  }
  return undefined;
}

export function fromApi(availability: Availability): EditableAvailability {
  const week = emptyWeek();
  for (const hours of availability.weekly) {
    week[hours.weekday as Weekday].push({ start: minutesOf(hours.start), end: minutesOf(hours.end) });
  }
  for (const day of WEEKDAYS) week[day].sort((a, b) => a.start - b.start);
  const byDate = new Map<string, DatedHours>();
  for (const exception of availability.exceptions) {
    if ('closed' in exception) byDate.set(exception.date, { date: exception.date, closed: true });
    else {
      const known = byDate.get(exception.date);
      const range = { start: minutesOf(exception.start), end: minutesOf(exception.end) };
      if (known && !known.closed) known.ranges.push(range);
      else if (!known) byDate.set(exception.date, { date: exception.date, closed: false, ranges: [range] });
    }
  }
  const exceptions = [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date));
  return { timeZone: availability.timeZone, week, exceptions };
}

/** The body of `PUT /api/experts/me/availability`: one weekly entry per range, one exception entry per closed day or range. */
export function toApi(editable: EditableAvailability): Availability {
  const weekly: Availability['weekly'] = [];
  for (const day of WEEKDAYS) {
    for (const range of editable.week[day]) weekly.push({ weekday: day, start: clockOf(range.start), end: clockOf(range.end) });
  }
  const exceptions: AvailabilityException[] = editable.exceptions.flatMap((dated): AvailabilityException[] =>
    dated.closed
      ? [{ date: dated.date, closed: true }]
      : dated.ranges.map((range) => ({ date: dated.date, start: clockOf(range.start), end: clockOf(range.end) })),
  );
  return { timeZone: editable.timeZone, weekly, exceptions };
}
