import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { apiCall, onSessionChange } from '../../api.ts';
import { listenLive } from '../../live/live-channel.ts';
import type { LiveConsultation, LiveEvent } from '../../live/consultation-events.ts';
import { playRequestChime, showRequestNotification } from '../../live/request-alert.ts';
import { currentUser } from '../../session.ts';
import { liveRequestText } from './live-request-messages.ts';
import type { ExpertDashboard } from './workspace-api.ts';
import { modeWord } from './workspace-messages.ts';

/**
 * The expert's dashboard (`GET /api/experts/me/dashboard`) as shared state: the dashboard
 * draws it, and every section's "not yet published" banner and the navigation's badges read
 * it. A section that changes what it counts (photo, rates, hours, a share) calls
 * `refreshDashboard()`, so the banner changes at once, without a reload.
 */
export const dashboard = signal<ExpertDashboard | undefined>(undefined);
export const dashboardError = signal<unknown>(undefined);
/** How far the server's clock is ahead of this device's, from the dashboard's `now` (a device's clock may be minutes off). */
export const serverClockOffsetMs = signal(0);

let inFlight: Promise<void> | undefined;
let again = false;

/** One request at a time; a call during a request asks for one more afterwards (the newest state wins). */
export function refreshDashboard(): Promise<void> {
  if (inFlight) {
    again = true;
    return inFlight;
  }
  inFlight = apiCall<ExpertDashboard>('GET', '/api/experts/me/dashboard')
    .then(
      (answer) => {
        serverClockOffsetMs.value = Date.parse(answer.now) - Date.now();
        dashboard.value = answer;
        dashboardError.value = undefined;
      },
      (error: unknown) => {
        dashboardError.value = error;
      },
    )
    .finally(() => {
      inFlight = undefined;
      if (again) {
        again = false;
        void refreshDashboard();
      }
    });
  return inFlight;
}

/** Forgets the previous expert's figures (sign-out, another account in this tab). */
function forgetDashboard(): void {
  dashboard.value = undefined;
  dashboardError.value = undefined;
}
onSessionChange(forgetDashboard);

/** Requests this tab has already rung for: a status change of the same request rings no more. */
const announced = new Set<string>();

/** BOOK-4: a new immediate request for this expert, not yet answered. */
function isNewRequest(consultation: LiveConsultation): boolean {
  return (
    consultation.status === 'requested' &&
    consultation.startAt === null &&
    consultation.acceptedAt === null &&
    consultation.expert.id === currentUser.value?.id &&
    !announced.has(consultation.id)
  );
}

function onLiveEvent(event: LiveEvent): void {
  if (event.type === 'connection') return;
  if (event.type === 'consultation' && isNewRequest(event.consultation)) {
    const request = event.consultation;
    announced.add(request.id);
    playRequestChime();
    const name = `${request.client.firstName} ${request.client.lastName}`;
    showRequestNotification(
      liveRequestText('notificationTitle'),
      liveRequestText('notificationBody', { name, mode: modeWord(request.mode).toLowerCase() }),
      request.id,
    );
  }
  // Any change of one of the expert's consultations (or changes missed during a drop) moves the figures.
  void refreshDashboard();
}

/**
 * Keeps the dashboard fresh while a workspace page is open (BOOK-4): read at once, then told by
 * the live channel (server-sent events) of every change to the expert's consultations, a new
 * immediate request ringing; read again when the tab comes back into view, in case the channel
 * was cut meanwhile. No polling.
 */
export function useLiveDashboard(): void {
  useEffect(() => {
    void refreshDashboard();
    const stopListening = listenLive(onLiveEvent);
    const whenVisible = () => {
      if (document.visibilityState === 'visible') void refreshDashboard();
    };
    window.addEventListener('focus', whenVisible);
    document.addEventListener('visibilitychange', whenVisible);
    return () => {
      stopListening();
      window.removeEventListener('focus', whenVisible);
      document.removeEventListener('visibilitychange', whenVisible);
    };
  }, []);
}
