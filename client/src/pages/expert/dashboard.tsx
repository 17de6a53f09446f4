import { useState } from 'preact/hooks';
import { apiCall } from '../../api.ts';
import { formatMoney, locale } from '../../i18n/index.ts';
import type { PageProps } from '../../router.ts';
import { currentUser } from '../../session.ts';
import { apiErrorMessage } from '../../ui/errors.ts';
import { LoadFailed, Loading } from '../../ui/load-state.tsx';
import { StatTile } from '../../ui/stat-tile.tsx';
import { Switch } from '../../ui/switch.tsx';
import { useNow } from '../../ui/use-now.ts';
import { dashboard, dashboardError, refreshDashboard } from './dashboard-store.ts';
import { AnswerStatus, NotificationsButton, RequestActions, minutesAndSeconds, timeLeftToAnswerMs } from './live-requests.tsx';
import { dashboardText } from './dashboard-messages.ts';
import { EmailCheck } from './email-check.tsx';
import { dayLabel, localDateOf, momentLabel, timeLabel, zoneLabel } from './expert-time.ts';
import { SetupChecklist } from './setup-checklist.tsx';
import { WayIn } from './way-in.tsx';
import type { ExpertDashboard } from './workspace-api.ts';
import { WorkspacePage } from './workspace-layout.tsx';
import { modeWord, workspaceText } from './workspace-messages.ts';
import { SECTION_PATHS } from './workspace-sections.ts';
import './dashboard.css';

/** Countdowns of live requests move every second; appointments' ways in every 15 seconds. */
const COUNTDOWN_TICK_MS = 1000;
const WAY_IN_TICK_MS = 15_000;

/** `/espace`: what now? Live requests, the next appointments with their way in, money, and the setup checklist. */
export default function ExpertDashboardPage({ notice }: PageProps) {
  return (
    <WorkspacePage section="dashboard" title={dashboardText('title')} notice={notice}>
      <DashboardContent />
    </WorkspacePage>
  );
}

function DashboardContent() {
  const state = dashboard.value;
  const user = currentUser.value;
  if (!state) return dashboardError.value ? <LoadFailed error={dashboardError.value} onRetry={() => void refreshDashboard()} /> : <Loading />;
  const setupFirst = !state.published;
  return (
    <>
      <p class="ws-intro">
        {user ? dashboardText('hello', { name: user.firstName }) : null}
        {state.published && user?.slug ? (
          <>
            {' '}
            {dashboardText('published')} <a href={`/consultation/${encodeURIComponent(user.slug)}`}>{`/consultation/${user.slug}`}</a>
          </>
        ) : null}
      </p>
      {!state.emailVerified && user ? <EmailCheck email={user.email} /> : null}
      {setupFirst ? <SetupChecklist checklist={state.checklist} /> : null}
      <div class="ws-grid dashboard-top">
        <LiveCard state={state} />
        <PresenceCard state={state} />
      </div>
      <NextAppointments state={state} />
      <MoneyTiles state={state} />
      {!setupFirst && !state.checklist.complete ? <SetupChecklist checklist={state.checklist} /> : null}
    </>
  );
}

function PresenceCard({ state }: { state: ExpertDashboard }) {
  // The switch shows the wanted position at once; the API's answer confirms it or puts it back.
  const [wanted, setWanted] = useState<boolean | undefined>(undefined);
  const [status, setStatus] = useState<{ kind: 'success' | 'error'; message: string } | undefined>(undefined);
  const change = (availableNow: boolean) => {
    setWanted(availableNow);
    apiCall<{ availableNow: boolean }>('PUT', '/api/experts/me/presence', { json: { availableNow } })
      .then(
        (answer) => {
          if (dashboard.value) dashboard.value = { ...dashboard.value, availableNow: answer.availableNow };
          setStatus({ kind: 'success', message: answer.availableNow ? dashboardText('presenceOn') : dashboardText('presenceOff') });
        },
        (error: unknown) => setStatus({ kind: 'error', message: apiErrorMessage(error) }),
      )
      .finally(() => setWanted(undefined));
  };
  return (
    <section class="card presence-card" aria-labelledby="presence-title">
      <h2 id="presence-title">{dashboardText('presence')}</h2>
      <Switch
        label={dashboardText('presenceLabel')}
        checked={wanted ?? state.availableNow}
        busy={wanted !== undefined}
        hint={state.published ? dashboardText('presenceHint') : dashboardText('presenceNeedsPage')}
        onChange={change}
      />
      <p class="form-status" role="status" data-kind={status?.kind}>
        {status?.message ?? ''}
      </p>
    </section>
  );
}

/** BOOK-4: immediate requests with their 5-minute deadline and their answer, and consultations in progress. */
function LiveCard({ state }: { state: ExpertDashboard }) {
  const now = useNow(COUNTDOWN_TICK_MS);
  const nothing = state.liveRequests.length === 0 && state.inProgress.length === 0;
  return (
    <section class="card live-card" aria-labelledby="live-title" data-testid="live-requests">
      <h2 id="live-title">{dashboardText('live')}</h2>
      {nothing ? <p class="empty">{state.availableNow ? dashboardText('noLive') : dashboardText('noLiveOff')}</p> : null}
      <ul class="live-list">
        {state.inProgress.map((consultation) => {
          const name = `${consultation.client.firstName} ${consultation.client.lastName}`;
          return (
            <li key={consultation.id} class="live-item live-item-now">
              <p class="live-who">{dashboardText('inProgressWith', { name, mode: modeWord(consultation.mode) })}</p>
              <WayIn
                consultationId={consultation.id}
                mode={consultation.mode}
                status="live"
                startAt={consultation.startAt ?? consultation.liveAt ?? now.toISOString()}
                joinableFrom={consultation.startAt ?? consultation.liveAt ?? now.toISOString()}
                clientName={name}
                timeZone={state.timeZone}
                now={now}
              />
            </li>
          );
        })}
        {state.liveRequests.map((request) => {
          const name = `${request.client.firstName} ${request.client.lastName}`;
          const left = timeLeftToAnswerMs(request);
          return (
            <li key={request.id} class="live-item" data-testid="live-request">
              <p class="live-who">{dashboardText('liveFrom', { name, mode: modeWord(request.mode), amount: formatMoney(request.amountHeldCents) })}</p>
              <p class="live-clock">{left > 0 ? dashboardText('expiresIn', { time: minutesAndSeconds(left) }) : dashboardText('expired')}</p>
              <RequestActions request={request} />
            </li>
          );
        })}
      </ul>
      <AnswerStatus />
      {state.availableNow || state.liveRequests.length > 0 ? <NotificationsButton /> : null}
    </section>
  );
}

function relativeDay(iso: string, timeZone: string, now: Date): string {
  const date = localDateOf(new Date(iso), timeZone);
  if (date === localDateOf(now, timeZone)) return dashboardText('today');
  if (date === localDateOf(new Date(now.getTime() + 24 * 60 * 60 * 1000), timeZone)) return dashboardText('tomorrow');
  return dayLabel(iso, timeZone);
}

function NextAppointments({ state }: { state: ExpertDashboard }) {
  const now = useNow(WAY_IN_TICK_MS);
  const zone = state.timeZone;
  return (
    <section class="card" aria-labelledby="next-title" data-testid="next-appointments">
      <div class="card-head">
        <h2 id="next-title">{dashboardText('next')}</h2>
        <a href={SECTION_PATHS.agenda}>{dashboardText('openAgenda')}</a>
      </div>
      <p class="zone-note">{workspaceText('timeZoneNote', { zone: zoneLabel(zone) })}</p>
      {state.nextAppointments.length === 0 ? <p class="empty">{dashboardText('noNext')}</p> : null}
      <ol class="appointment-list">
        {state.nextAppointments.map((appointment) => {
          const name = `${appointment.client.firstName} ${appointment.client.lastName}`;
          return (
            <li key={appointment.id} class="appointment-item">
              <div class="appointment-when">
                <span class="appointment-day">{relativeDay(appointment.startAt, zone, now)}</span>
                <span class="appointment-time">
                  {timeLabel(appointment.startAt, zone)}–{timeLabel(appointment.endAt, zone)}
                </span>
              </div>
              <div class="appointment-what">
                <p class="appointment-who">{name}</p>
                <p class="appointment-meta">
                  {modeWord(appointment.mode)} · {dashboardText('minutes', { count: appointment.reservedMinutes })} ·{' '}
                  {workspaceText(`pricing.${appointment.pricing}`)}
                </p>
                {appointment.rescheduleProposal ? (
                  <p class="pill pill-warn">{dashboardText('proposalPending', { time: momentLabel(appointment.rescheduleProposal.proposedStartAt, zone) })}</p>
                ) : null}
              </div>
              <WayIn
                consultationId={appointment.id}
                mode={appointment.mode}
                status={appointment.status}
                startAt={appointment.startAt}
                joinableFrom={appointment.joinableFrom}
                clientName={name}
                timeZone={zone}
                now={now}
              />
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function monthName(month: string): string {
  const [year, index] = month.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(locale(), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(year, index - 1, 1)));
}

function MoneyTiles({ state }: { state: ExpertDashboard }) {
  return (
    <div class="ws-tiles">
      <StatTile
        label={dashboardText('month', { month: monthName(state.earnings.month) })}
        value={formatMoney(state.earnings.netEarningsCents)}
        testId="month-earnings"
      >
        <p>{dashboardText('monthCount', { count: state.earnings.consultationCount })}</p>
        <p>
          <a href={SECTION_PATHS.earnings}>{dashboardText('seeEarnings')}</a>
        </p>
      </StatTile>
      <StatTile label={dashboardText('available')} value={formatMoney(state.wallet.availableCents)} testId="wallet-available">
        <p>{dashboardText('pending', { amount: formatMoney(state.wallet.pendingCents) })}</p>
        <p>
          <a href={SECTION_PATHS.wallet}>{dashboardText('seeWallet')}</a>
        </p>
      </StatTile>
    </div>
  );
}
