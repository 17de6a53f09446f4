import { useState } from 'preact/hooks';
import { ApiError, apiCall } from '../../api.ts';
import { locale } from '../../i18n/index.ts';
import type { PageProps } from '../../router.ts';
import { apiErrorMessage } from '../../ui/errors.ts';
import { LoadFailed, Loading } from '../../ui/load-state.tsx';
import { useResource } from '../../ui/use-resource.ts';
import { availabilityText, weekdayName } from './availability-messages.ts';
import {
  MAX_WEEKLY_RANGES,
  WEEKDAYS,
  WORKDAYS,
  copyDay,
  emptyWeek,
  fromApi,
  rangeProblem,
  toApi,
  type EditableAvailability,
  type Week,
} from './availability-model.ts';
import { refreshDashboard } from './dashboard-store.ts';
import { DatedExceptions } from './dated-exceptions.tsx';
import { DayHours } from './day-hours.tsx';
import { localDateOf, zoneLabel } from './expert-time.ts';
import { WeekGrid } from './week-grid.tsx';
import type { Availability } from './workspace-api.ts';
import { WorkspacePage } from './workspace-layout.tsx';
import { workspaceText } from './workspace-messages.ts';
import './availability.css';

/** `/espace/disponibilites` (EXP-6): weekly hours on a grid and a list, dated exceptions, the time zone. */
export default function AvailabilityPage({ notice }: PageProps) {
  const saved = useResource(() => apiCall<Availability>('GET', '/api/experts/me/availability'), []);
  return (
    <WorkspacePage section="availability" title={availabilityText('title')} notice={notice}>
      <p class="ws-intro">{availabilityText('intro')}</p>
      {saved.state === 'ready' ? (
        <AvailabilityEditor initial={fromApi(saved.data)} />
      ) : saved.state === 'failed' ? (
        <LoadFailed error={saved.error} onRetry={saved.reload} />
      ) : (
        <Loading />
      )}
    </WorkspacePage>
  );
}

function timeZones(current: string): string[] {
  const supported = (Intl as typeof Intl & { supportedValuesOf?: (key: 'timeZone') => string[] }).supportedValuesOf?.('timeZone') ?? [];
  return supported.includes(current) ? supported : [current, ...supported];
}

type Status = { kind: 'success' | 'error' | 'info'; message: string };

function AvailabilityEditor({ initial }: { initial: EditableAvailability }) {
  const [draft, setDraft] = useState(initial);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<Status | undefined>(undefined);
  const today = localDateOf(new Date(), draft.timeZone);
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const change = (next: EditableAvailability, announcement?: string) => {
    setDraft(next);
    setDirty(true);
    setStatus(announcement ? { kind: 'info', message: announcement } : undefined);
  };
  const setWeek = (week: Week, announcement?: string) => change({ ...draft, week }, announcement);
  const mondayOpen = draft.week[1].length > 0;

  const save = (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (WEEKDAYS.some((day) => rangeProblem(draft.week[day]))) {
      setStatus({ kind: 'error', message: availabilityText('fixFirst') });
      return;
    }
    const body = toApi(draft);
    if (body.weekly.length > MAX_WEEKLY_RANGES) {
      setStatus({ kind: 'error', message: availabilityText('tooMany', { max: MAX_WEEKLY_RANGES }) });
      return;
    }
    setBusy(true);
    setStatus({ kind: 'info', message: '' });
    apiCall<Availability>('PUT', '/api/experts/me/availability', { json: body })
      .then(
        (answer) => {
          setDraft(fromApi(answer));
          setDirty(false);
          setStatus({ kind: 'success', message: availabilityText('saved') });
          return refreshDashboard();
        },
        (error: unknown) => setStatus({ kind: 'error', message: ruleMessage(error) }),
      )
      .finally(() => setBusy(false));
  };

  return (
    <form class="availability-form" aria-label={availabilityText('formLabel')} noValidate onSubmit={save}>
      <section class="card" aria-labelledby="week-title">
        <div class="card-head">
          <h2 id="week-title">{availabilityText('week')}</h2>
          <div class="quick-actions">
            <button
              type="button"
              class="button button-secondary button-small"
              disabled={!mondayOpen}
              aria-describedby="same-weekdays-hint"
              onClick={() => setWeek(copyDay(draft.week, 1, WORKDAYS), availabilityText('copyDone', { day: weekdayName(1, locale()) }))}
            >
              {availabilityText('sameWeekdays')}
            </button>
            <button type="button" class="button button-secondary button-small" onClick={() => setWeek(emptyWeek())}>
              {availabilityText('clearWeek')}
            </button>
          </div>
        </div>
        <p class="hint" id="same-weekdays-hint">
          {mondayOpen ? availabilityText('sameWeekdaysHint') : availabilityText('mondayFirst')}
        </p>
        <p class="hint grid-help">
          {availabilityText('gridHelp')} {availabilityText('midnight')}
        </p>
        <div class="week-editor">
          <WeekGrid week={draft.week} onChange={(week) => setWeek(week)} />
          <DayHours week={draft.week} onChange={setWeek} />
        </div>
      </section>

      <section class="card" aria-labelledby="exceptions-title">
        <h2 id="exceptions-title">{availabilityText('exceptions')}</h2>
        <p class="hint">{availabilityText('exceptionsHint')}</p>
        <DatedExceptions exceptions={draft.exceptions} today={today} onChange={(exceptions, announcement) => change({ ...draft, exceptions }, announcement)} />
      </section>

      <section class="card" aria-labelledby="zone-title">
        <h2 id="zone-title">{availabilityText('timeZone')}</h2>
        <div class="field">
          <label for="availability-zone">{availabilityText('zoneField')}</label>
          <p class="hint" id="availability-zone-hint">
            {availabilityText('timeZoneHint')} {zoneLabel(draft.timeZone)}
          </p>
          <select
            id="availability-zone"
            name="timeZone"
            value={draft.timeZone}
            aria-describedby="availability-zone-hint"
            onChange={(event) => change({ ...draft, timeZone: event.currentTarget.value })}
          >
            {timeZones(draft.timeZone).map((zone) => (
              <option key={zone} value={zone}>
                {zone.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </div>
        {browserZone && browserZone !== draft.timeZone ? (
          <button type="button" class="button button-secondary button-small" onClick={() => change({ ...draft, timeZone: browserZone })}>
            {availabilityText('useBrowserZone', { zone: browserZone.replace(/_/g, ' ') })}
          </button>
        ) : null}
      </section>

      <div class={dirty ? 'save-bar save-bar-dirty' : 'save-bar'}>
        <button type="submit" class="button button-primary" disabled={busy}>
          {availabilityText('save')}
        </button>
        <p class="form-status" role="status" data-kind={status?.kind ?? (dirty ? 'info' : undefined)}>
          {status?.message || (dirty ? workspaceText('unsaved') : '')}
        </p>
      </div>
    </form>
  );
}

const RULE_CODES = ['invalid_time_zone', 'invalid_time', 'invalid_time_range', 'overlapping_hours', 'invalid_date', 'conflicting_exceptions'] as const;

/** The API's refusal of a rule in words (the editor prevents most of them before sending). */
function ruleMessage(error: unknown): string {
  if (error instanceof ApiError && (RULE_CODES as readonly string[]).includes(error.code))
    return availabilityText(`error.${error.code as (typeof RULE_CODES)[number]}`);
  return apiErrorMessage(error);
}
