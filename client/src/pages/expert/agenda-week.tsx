import { agendaText } from './agenda-messages.ts';
import { calendarDateLabel, minutesOf, wallClockOf } from './expert-time.ts';
import type { Agenda, AgendaAppointment } from './workspace-api.ts';
import { modeWord, statusWord } from './workspace-messages.ts';

/** The grid shows at least these hours, more when openings or appointments go beyond. */
const DEFAULT_FIRST_HOUR = 8;
const DEFAULT_LAST_HOUR = 19;
const HIDDEN_STATUSES = ['cancelled', 'expired'];

interface AgendaWeekProps {
  agenda: Agenda;
  today: string;
  now: Date;
  showCancelled: boolean;
  onOpen: (appointment: AgendaAppointment) => void;
}

/** Minutes since midnight of a wall-clock end; an appointment ending after midnight ends with its day. */
const endMinutes = (start: string, end: string) => (minutesOf(end) <= minutesOf(start) ? 24 * 60 : minutesOf(end));

/**
 * A week of appointments over the opening hours, Calendly / Doctolib style: on a desktop one
 * column per day on an hour scale; on a phone the same days as a list. One markup for both
 * (CSS places it), each day a heading with its openings and appointments as text, so a
 * screen reader reads the week day by day. Times are the expert's wall clock, from the API.
 */
export function AgendaWeek({ agenda, today, now, showCancelled, onOpen }: AgendaWeekProps) {
  const visible = agenda.appointments.filter((appointment) => showCancelled || !HIDDEN_STATUSES.includes(appointment.status));
  const starts = [
    ...agenda.days.flatMap((day) => day.openings.map((opening) => minutesOf(opening.start))),
    ...visible.map((appointment) => minutesOf(appointment.localStart)),
  ];
  const ends = [
    ...agenda.days.flatMap((day) => day.openings.map((opening) => minutesOf(opening.end))),
    ...visible.map((appointment) => endMinutes(appointment.localStart, appointment.localEnd)),
  ];
  const firstHour = Math.min(DEFAULT_FIRST_HOUR, ...starts.map((minute) => Math.floor(minute / 60)));
  const lastHour = Math.max(DEFAULT_LAST_HOUR, ...ends.map((minute) => Math.ceil(minute / 60)));
  const position = (startMinute: number, endMinute: number) => ({
    '--ag-top': String((startMinute - firstHour * 60) / 60),
    '--ag-len': String(Math.max(endMinute - startMinute, 0) / 60),
  });
  const nowMinutes = minutesOf(wallClockOf(now, agenda.timeZone));
  return (
    <div class="agenda-week" style={{ '--ag-hours': String(lastHour - firstHour) }} data-testid="agenda-week">
      <div class="ag-scale" aria-hidden="true">
        {Array.from({ length: lastHour - firstHour }, (_, index) => (
          <span key={index} class="ag-scale-hour" style={{ '--ag-top': String(index) }}>
            {String(firstHour + index).padStart(2, '0')}:00
          </span>
        ))}
      </div>
      <ol class="ag-days">
        {agenda.days.map((day) => {
          const appointments = visible.filter((appointment) => appointment.localDate === day.date);
          const isToday = day.date === today;
          const headingId = `ag-day-${day.date}`;
          return (
            <li key={day.date} class={isToday ? 'ag-day ag-today' : 'ag-day'} aria-labelledby={headingId} data-date={day.date}>
              <h3 id={headingId} class="ag-day-head">
                <span class="ag-day-name">{calendarDateLabel(day.date, { weekday: 'short' })}</span>{' '}
                <span class="ag-day-number">{calendarDateLabel(day.date, { day: 'numeric', month: 'short' })}</span>
                {isToday ? <span class="visually-hidden"> ({agendaText('today')})</span> : null}
                {/* On the week grid the hours sit under the date; the bands below carry them for screen readers and phones. */}
                {day.openings.length > 0 ? (
                  <span class="ag-day-hours" aria-hidden="true">
                    {day.openings.map((opening) => `${opening.start}–${opening.end}`).join(', ')}
                  </span>
                ) : null}
              </h3>
              <div class="ag-track">
                {day.openings.length === 0 ? <p class="ag-closed">{agendaText('closedDay')}</p> : null}
                {day.exception ? <p class="ag-flag">{agendaText('exceptionDay')}</p> : null}
                {day.openings.map((opening) => (
                  <p key={opening.start} class="ag-opening" style={position(minutesOf(opening.start), minutesOf(opening.end))}>
                    {agendaText('open', { start: opening.start, end: opening.end })}
                  </p>
                ))}
                {appointments.length === 0 && day.openings.length > 0 ? <p class="ag-none">{agendaText('noAppointment')}</p> : null}
                {appointments.map((appointment) => {
                  const name = `${appointment.client.firstName} ${appointment.client.lastName}`;
                  const off = HIDDEN_STATUSES.includes(appointment.status);
                  return (
                    <button
                      key={appointment.id}
                      type="button"
                      class={`ag-appt ag-appt-${appointment.mode}${off ? ' ag-appt-off' : ''}${appointment.rescheduleProposal ? ' ag-appt-proposed' : ''}`}
                      style={position(minutesOf(appointment.localStart), endMinutes(appointment.localStart, appointment.localEnd))}
                      onClick={() => onOpen(appointment)}
                      data-appointment={appointment.id}
                    >
                      <span class="ag-appt-time">
                        {appointment.localStart}–{appointment.localEnd}
                      </span>{' '}
                      <span class="ag-appt-who">{name}</span>
                      <span class="visually-hidden">
                        , {modeWord(appointment.mode)}, {statusWord(appointment.status)}
                      </span>
                    </button>
                  );
                })}
                {isToday && nowMinutes >= firstHour * 60 && nowMinutes <= lastHour * 60 ? (
                  <span class="ag-now" aria-hidden="true" style={{ '--ag-top': String((nowMinutes - firstHour * 60) / 60) }} title={agendaText('now')} />
                ) : null}
              </div>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
