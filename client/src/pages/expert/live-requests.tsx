/**
 * BOOK-4: live requests wherever the expert is in the workspace: the answer buttons, the tab's
 * title counting the requests waiting, a banner on every section but the dashboard (which has its
 * own card), and the button that asks for the browser's notifications (never on load).
 */
import { signal } from '@preact/signals';
import { useEffect, useState } from 'preact/hooks';
import { RequestAnswer } from '../../consultations/request-answer.tsx';
import { notificationsSupported } from '../../live/request-alert.ts';
import { currentLocation } from '../../router.ts';
import { dashboard, refreshDashboard, serverClockOffsetMs } from './dashboard-store.ts';
import { liveRequestText } from './live-request-messages.ts';
import type { ExpertDashboard } from './workspace-api.ts';
import { dashboardText } from './dashboard-messages.ts';
import { modeWord } from './workspace-messages.ts';
import { formatMoney } from '../../i18n/index.ts';
import { useNow } from '../../ui/use-now.ts';
import './live-requests.css';

const COUNTDOWN_TICK_MS = 1000;

/** 4:05 */
export function minutesAndSeconds(durationMs: number): string {
  const seconds = Math.max(0, Math.ceil(durationMs / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export type LiveRequest = ExpertDashboard['liveRequests'][number];

/**
 * BOOK-4: the time left to answer, by the server's clock, whose 5 minutes decide (this device's may
 * be off), at this instant: a page drawn between two ticks of its clock would show 5:01.
 */
export function timeLeftToAnswerMs(request: LiveRequest): number {
  return Date.parse(request.expiresAt) - (Date.now() + serverClockOffsetMs.value);
}

/** What the expert's last answer did, said where the requests are listed (the answered one leaves the list), for a while. */
export const lastAnswer = signal('');
const ANSWER_SHOWN_MS = 10_000;
let answerTimer: number | undefined;

/** Accept and Decline for one request; the dashboard is read again after an answer that keeps the page. */
export function RequestActions({ request }: { request: LiveRequest }) {
  const answered = (message: string) => {
    lastAnswer.value = message;
    window.clearTimeout(answerTimer);
    answerTimer = window.setTimeout(() => (lastAnswer.value = ''), ANSWER_SHOWN_MS);
    void refreshDashboard();
  };
  return <RequestAnswer consultationId={request.id} mode={request.mode} client={request.client} onAnswered={answered} />;
}

/** The last answer's words, politely announced. */
export function AnswerStatus() {
  return (
    <p class="form-status" role="status" data-kind="success">
      {lastAnswer.value}
    </p>
  );
}

/** The tab says how many requests wait, so a glance at the tab bar is enough; the page's own title comes back after. */
export function useLiveRequestTitle(): void {
  const count = dashboard.value?.liveRequests.length ?? 0;
  const visit = currentLocation.value.visit;
  useEffect(() => {
    if (count === 0) return;
    // After the page's own title is set (its effect runs after this one's parent's).
    let pageTitle = document.title;
    const timer = window.setTimeout(() => {
      pageTitle = document.title;
      document.title = liveRequestText('tabTitle', { count });
    }, 0);
    return () => {
      window.clearTimeout(timer);
      document.title = pageTitle;
    };
  }, [count, visit]);
}

/** On every section but the dashboard: the requests waiting, with their deadline and answer buttons. */
export function LiveRequestBanner() {
  const requests = dashboard.value?.liveRequests ?? [];
  // Drawn again every second; the time left is read as it is drawn.
  useNow(COUNTDOWN_TICK_MS);
  if (requests.length === 0) return lastAnswer.value ? <AnswerStatus /> : null;
  return (
    <section class="live-banner" aria-labelledby="live-banner-title" data-testid="live-request-banner">
      <h2 id="live-banner-title">{liveRequestText('bannerTitle', { count: requests.length })}</h2>
      <ul class="live-banner-list">
        {requests.map((request) => {
          const name = `${request.client.firstName} ${request.client.lastName}`;
          const leftMs = timeLeftToAnswerMs(request);
          return (
            <li key={request.id} class="live-banner-item">
              <p class="live-who">{dashboardText('liveFrom', { name, mode: modeWord(request.mode), amount: formatMoney(request.amountHeldCents) })}</p>
              <p class="live-clock">{leftMs > 0 ? dashboardText('expiresIn', { time: minutesAndSeconds(leftMs) }) : dashboardText('expired')}</p>
              <RequestActions request={request} />
            </li>
          );
        })}
      </ul>
      <AnswerStatus />
      <NotificationsButton />
    </section>
  );
}

/** Asks for the browser's notifications on a click (browsers ignore, and people dislike, a request on load). */
export function NotificationsButton() {
  const [permission, setPermission] = useState(notificationsSupported() ? Notification.permission : 'denied');
  if (!notificationsSupported() || permission === 'granted') return null;
  if (permission === 'denied') return <p class="hint">{liveRequestText('notificationsDenied')}</p>;
  return (
    <p class="notifications-ask">
      <button
        type="button"
        class="button button-secondary button-small"
        onClick={() => void Notification.requestPermission().then(setPermission)}
        data-testid="ask-notifications"
      >
        {liveRequestText('notificationsOn')}
      </button>{' '}
      <span class="hint">{liveRequestText('notificationsHint')}</span>
    </p>
  );
}
