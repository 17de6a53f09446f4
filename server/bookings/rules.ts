import { MAX_PACKAGE_MINUTES, SECONDS_PER_MINUTE, maxSecondsForBudget, type ConsultationTerms } from '../billing/index.ts';

/**
 * The booking deadlines and limits of SPEC §5, as named constants with their unit, and the pure
 * rules the booking service and the jobs share.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** BOOK-4: the expert has this long to join an immediate request. */
export const IMMEDIATE_REQUEST_TIMEOUT_MINUTES = 5;
/** BOOK-4: an expert who accepted at the last moment has this long to be in the room or on the call. */
export const ACCEPTED_JOIN_GRACE_MINUTES = 2;
/** BOOK-3: appointments further ahead than this save the card; the hold is placed later. */
export const DEFERRED_HOLD_AFTER_DAYS = 6;
/** BOOK-3: the deferred hold is placed this long before the start… */
export const DEFERRED_HOLD_LEAD_HOURS = 24;
/** …and if it fails, the client can fix the card until this long before the start. */
export const HOLD_FIX_DEADLINE_HOURS = 2;
/** BOOK-3: a failed deferred hold is tried again this often until the deadline. */
export const HOLD_RETRY_INTERVAL_MINUTES = 60;
/** BOOK-6: reminders before an appointment. */
export const REMINDER_LEADS = [
  { name: '24h', leadMinutes: 24 * 60, event: 'appointment_reminder_24h' },
  { name: '15min', leadMinutes: 15, event: 'appointment_reminder_15min' },
] as const;
/**
 * Issue 13: the pages offer the way into an appointment this long before its start (to test the
 * camera, read the terms); the room or the call itself opens at the start (BOOK-5).
 */
export const JOINABLE_MINUTES_BEFORE_START = 10;
/** SPEC §11: an appointment reserves at most this many minutes. */
export const MAX_RESERVED_MINUTES = MAX_PACKAGE_MINUTES;

/** SPEC §11: the package minutes, or the minutes the budget buys (rounded up, at most 90). */
export function reservedMinutes(terms: ConsultationTerms): number {
  if (terms.pricing === 'package') return terms.packageMinutes;
  return Math.min(MAX_RESERVED_MINUTES, Math.ceil(maxSecondsForBudget(terms) / SECONDS_PER_MINUTE));
}

/** BOOK-3: is the appointment far enough ahead that only the card is saved at booking? */
export function holdIsDeferred(startAt: Date, now: Date): boolean {
  return startAt.getTime() - now.getTime() > DEFERRED_HOLD_AFTER_DAYS * DAY_MS;
}

export function deferredHoldAt(startAt: Date): Date {
  return new Date(startAt.getTime() - DEFERRED_HOLD_LEAD_HOURS * HOUR_MS);
}

export function holdFixDeadline(startAt: Date): Date {
  return new Date(startAt.getTime() - HOLD_FIX_DEADLINE_HOURS * HOUR_MS);
}

/**
 * BOOK-4: when an immediate request expires if the expert has not joined: 5 minutes after it was
 * made, or a little later when the expert accepted at the last moment (ACCEPTED_JOIN_GRACE_MINUTES).
 */
export function requestDeadline(createdAt: Date, acceptedAt: Date | null): Date {
  const deadline = minutesAfter(createdAt, IMMEDIATE_REQUEST_TIMEOUT_MINUTES);
  if (!acceptedAt) return deadline;
  const grace = minutesAfter(acceptedAt, ACCEPTED_JOIN_GRACE_MINUTES);
  return grace > deadline ? grace : deadline;
}

export function minutesAfter(at: Date, minutes: number): Date {
  return new Date(at.getTime() + minutes * MINUTE_MS);
}
