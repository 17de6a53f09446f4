import { useState } from 'preact/hooks';
import { apiCall } from '../../api.ts';
import { replaceQuery, type PageProps } from '../../router.ts';
import { CalendarFeed } from '../../ui/calendar-feed.tsx';
import { LoadFailed, Loading } from '../../ui/load-state.tsx';
import { useNow } from '../../ui/use-now.ts';
import { useResource } from '../../ui/use-resource.ts';
import { agendaText } from './agenda-messages.ts';
import { AgendaWeek } from './agenda-week.tsx';
import { AppointmentDialog } from './appointment-dialog.tsx';
import { dashboard, dashboardError, refreshDashboard } from './dashboard-store.ts';
import { addDays, calendarDateLabel, localDateOf, mondayOf, zoneLabel } from './expert-time.ts';
import type { Agenda } from './workspace-api.ts';
import { WorkspacePage } from './workspace-layout.tsx';
import { workspaceText } from './workspace-messages.ts';
import './agenda.css';

/** The week shown lives in the address (`?semaine=YYYY-MM-DD`), so Back and a reload keep it. */
const WEEK_PARAM = 'semaine';
const NOW_TICK_MS = 30_000;

/** `/espace/agenda`: a week of appointments over the opening hours, each with its details, move and cancel (BOOK-7), and the calendar feed (BOOK-8). */
export default function AgendaPage({ notice, query }: PageProps) {
  const zone = dashboard.value?.timeZone;
  return (
    <WorkspacePage section="agenda" title={agendaText('title')} notice={notice}>
      {zone ? (
        <AgendaContent timeZone={zone} query={query} />
      ) : dashboardError.value ? (
        <LoadFailed error={dashboardError.value} onRetry={() => void refreshDashboard()} />
      ) : (
        <Loading />
      )}
    </WorkspacePage>
  );
}

function AgendaContent({ timeZone, query }: { timeZone: string; query: URLSearchParams }) {
  const now = useNow(NOW_TICK_MS);
  const today = localDateOf(now, timeZone);
  const asked = query.get(WEEK_PARAM);
  const weekStart = asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) && !Number.isNaN(Date.parse(asked)) ? mondayOf(asked) : mondayOf(today);
  const agenda = useResource(() => apiCall<Agenda>('GET', `/api/experts/me/agenda?from=${weekStart}&days=7`), [weekStart]);
  const [openId, setOpenId] = useState<string | undefined>(undefined);
  const [showCancelled, setShowCancelled] = useState(false);
  const [status, setStatus] = useState('');
  const goTo = (monday: string) => {
    const next = new URLSearchParams(query);
    if (monday === mondayOf(today)) next.delete(WEEK_PARAM);
    else next.set(WEEK_PARAM, monday);
    replaceQuery(next, { push: true });
  };
  const shown = agenda.state === 'ready' && agenda.data.from === weekStart ? agenda.data : undefined;
  const open = shown?.appointments.find((appointment) => appointment.id === openId);
  return (
    <>
      <div class="agenda-bar">
        <h2 class="agenda-range" aria-live="polite">
          {agendaText('week', {
            from: calendarDateLabel(weekStart, { day: 'numeric', month: 'long' }),
            to: calendarDateLabel(addDays(weekStart, 6), { day: 'numeric', month: 'long', year: 'numeric' }),
          })}
        </h2>
        <div class="agenda-nav">
          <button type="button" class="button button-secondary button-small" onClick={() => goTo(addDays(weekStart, -7))}>
            <span aria-hidden="true">‹ </span>
            {agendaText('previous')}
          </button>
          <button type="button" class="button button-secondary button-small" disabled={weekStart === mondayOf(today)} onClick={() => goTo(mondayOf(today))}>
            {agendaText('today')}
          </button>
          <button type="button" class="button button-secondary button-small" onClick={() => goTo(addDays(weekStart, 7))}>
            {agendaText('next')}
            <span aria-hidden="true"> ›</span>
          </button>
        </div>
      </div>
      <div class="agenda-options">
        <p class="zone-note">{workspaceText('timeZoneNote', { zone: zoneLabel(timeZone) })}</p>
        <div class="checkbox-row">
          <input id="agenda-cancelled" type="checkbox" checked={showCancelled} onChange={(event) => setShowCancelled(event.currentTarget.checked)} />
          <label for="agenda-cancelled">{agendaText('showCancelled')}</label>
        </div>
      </div>
      <p class="form-status" role="status" data-kind={status ? 'success' : undefined}>
        {status}
      </p>
      {shown ? (
        <AgendaWeek agenda={shown} today={today} now={now} showCancelled={showCancelled} onOpen={(appointment) => setOpenId(appointment.id)} />
      ) : agenda.state === 'failed' ? (
        <LoadFailed error={agenda.error} onRetry={agenda.reload} />
      ) : (
        <Loading />
      )}
      {open && shown ? (
        <AppointmentDialog
          key={open.id}
          appointment={open}
          timeZone={shown.timeZone}
          now={now}
          onClose={() => setOpenId(undefined)}
          onChanged={(message) => {
            setOpenId(undefined);
            setStatus(message);
            agenda.reload();
            void refreshDashboard();
          }}
        />
      ) : null}
      <CalendarFeed />
    </>
  );
}
