import type { Queryable } from '../platform/database.ts';
import { badRequest } from '../platform/errors.ts';
import { readAvailability } from '../availability/store.ts';
import { rangesOfDate } from '../availability/schedule.ts';
import { addDays, isCalendarDate, isoWeekday, localClockTime, localDate, wallClockToUtc } from '../availability/time-zone.ts';
import type { ConsultationTerms } from '../billing/index.ts';
import { JOINABLE_MINUTES_BEFORE_START, minutesAfter } from '../bookings/rules.ts';
import { openProposalsOf, type RescheduleProposal } from '../bookings/reschedule.ts';
import { movesAtOnce } from '../bookings/reschedule-rules.ts';
import { priceOutcome } from '../settlement/outcome.ts';
import { consultationPageUrl } from '../notifications/calendar-identity.ts';
import { clientOf, type ClientSummary } from './dashboard.ts';

/**
 * The expert's agenda (issue 13): a week view of appointments over the opening hours (EXP-6),
 * in the expert's time zone. Each day carries its opening ranges as wall-clock times and as
 * instants; each appointment its instants and its wall-clock day and times, so the page draws
 * the grid without converting time zones itself.
 */

export const AGENDA_DAYS_DEFAULT = 7;
/** Six weeks: a month view at most. */
export const AGENDA_DAYS_MAX = 42;
/** Appointments listed in one answer (six weeks of back-to-back quarter-hours stays far below). */
const AGENDA_APPOINTMENTS_MAX = 2000;
const MINUTES_PER_DAY = 24 * 60;

export interface AgendaDay {
  date: string;
  /** ISO weekday, Monday = 1 (SPEC §11). */
  weekday: number;
  /** A dated exception replaces the weekly hours of this date (EXP-6). */
  exception: boolean;
  openings: { start: string; end: string; startAt: string; endAt: string }[];
}

export interface AgendaAppointment {
  id: string;
  status: string;
  startAt: string;
  endAt: string;
  /** The expert's wall clock: date and `HH:MM` of the start and the end. */
  localDate: string;
  localStart: string;
  localEnd: string;
  reservedMinutes: number;
  mode: 'video' | 'phone';
  pricing: 'free_rate' | 'package';
  client: ClientSummary;
  joinableFrom: string;
  rescheduleProposal: RescheduleProposal | null;
  /**
   * For a scheduled appointment, what the expert's actions would do now: whether a move is
   * immediate (48 h or more before the start) or a proposal to the client (BOOK-7), and the fee
   * a cancellation by the expert would cost them (BILL-12), priced by the settlement code on the
   * terms frozen at booking. Null once the appointment is no longer scheduled.
   */
  expertActions: { movesAtOnce: boolean; cancellationPenaltyCents: number } | null;
  pageUrl: string;
}

const clock = (minuteOfDay: number) => `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;

export async function readAgenda(
  db: Queryable,
  input: { expertId: string; from?: string | undefined; days: number; now: Date; publicUrl: string },
): Promise<{ timeZone: string; from: string; to: string; days: AgendaDay[]; appointments: AgendaAppointment[] }> {
  const availability = await readAvailability(db, input.expertId);
  const timeZone = availability.timeZone;
  const from = input.from ?? localDate(input.now, timeZone);
  if (!isCalendarDate(from)) throw badRequest('invalid_date', 'from is a calendar date YYYY-MM-DD.', 'from');
  const to = addDays(from, input.days - 1);
  const days: AgendaDay[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) {
    days.push({
      date,
      weekday: isoWeekday(date),
      exception: availability.exceptions.some((exception) => exception.date === date),
      openings: rangesOfDate(availability, date)
        .sort(([a], [b]) => a - b)
        .map(([start, end]) => ({
          start: clock(start),
          end: end === MINUTES_PER_DAY ? '24:00' : clock(end),
          startAt: wallClockToUtc(date, start, timeZone).toISOString(),
          endAt: wallClockToUtc(date, end, timeZone).toISOString(),
        })),
    });
  }
  const rows = await db.query<{
    id: string;
    status: string;
    mode: 'video' | 'phone';
    pricing: 'free_rate' | 'package';
    start_at: Date;
    reserved_minutes: number;
    terms: ConsultationTerms;
    client_id: string;
    client_first_name: string;
    client_last_name: string;
  }>(
    `SELECT c.id, c.status, c.mode, c.pricing, c.start_at, c.reserved_minutes, c.terms, c.client_id, cu.first_name AS client_first_name, cu.last_name AS client_last_name
       FROM consultations c JOIN users cu ON cu.id = c.client_id
      WHERE c.expert_id = $1 AND c.start_at >= $2 AND c.start_at < $3
      ORDER BY c.start_at, c.id LIMIT ${AGENDA_APPOINTMENTS_MAX}`,
    [input.expertId, wallClockToUtc(from, 0, timeZone), wallClockToUtc(addDays(to, 1), 0, timeZone)],
  );
  const proposals = await openProposalsOf(
    db,
    rows.filter((row) => row.status === 'scheduled').map((row) => row.id),
    input.now,
  );
  return {
    timeZone,
    from,
    to,
    days,
    appointments: rows.map((row) => {
      const endAt = minutesAfter(row.start_at, row.reserved_minutes);
      return {
        id: row.id,
        status: row.status,
        startAt: row.start_at.toISOString(),
        endAt: endAt.toISOString(),
        localDate: localDate(row.start_at, timeZone),
        localStart: localClockTime(row.start_at, timeZone),
        localEnd: localClockTime(endAt, timeZone),
        reservedMinutes: row.reserved_minutes,
        mode: row.mode,
        pricing: row.pricing,
        client: clientOf(row),
        joinableFrom: minutesAfter(row.start_at, -JOINABLE_MINUTES_BEFORE_START).toISOString(),
        rescheduleProposal: proposals.get(row.id) ?? null,
        expertActions:
          row.status === 'scheduled'
            ? {
                movesAtOnce: movesAtOnce(row.start_at, input.now),
                cancellationPenaltyCents: priceOutcome({
                  status: 'cancelled',
                  terms: row.terms,
                  connectedSeconds: 0,
                  startAt: row.start_at,
                  cancelledAt: input.now,
                  cancelledBy: 'expert',
                }).expertPenaltyCents,
              }
            : null,
        pageUrl: consultationPageUrl(input.publicUrl, row.id),
      };
    }),
  };
}
