import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { apiCall, onSessionChange } from '../../api.ts';
import type { ExpertDashboard } from './workspace-api.ts';

/**
 * The expert's dashboard (`GET /api/experts/me/dashboard`) as shared state: the dashboard
 * draws it, and every section's "not yet published" banner and the navigation's badges read
 * it. A section that changes what it counts (photo, rates, hours, a share) calls
 * `refreshDashboard()`, so the banner changes at once, without a reload.
 */
export const dashboard = signal<ExpertDashboard | undefined>(undefined);
export const dashboardError = signal<unknown>(undefined);

/**
 * Until the live push channel lands, live requests reach an open workspace when the tab comes
 * back into view and on this beat while it is visible (BOOK-4 gives the expert 5 minutes).
 */
const LIVE_REFRESH_MS = 30_000;

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

/**
 * Keeps the dashboard fresh while a workspace page is open: at once, when the tab regains
 * focus or becomes visible, and every LIVE_REFRESH_MS while visible. The one place to switch
 * to the push channel later.
 */
export function useLiveDashboard(): void {
  useEffect(() => {
    void refreshDashboard();
    const whenVisible = () => {
      if (document.visibilityState === 'visible') void refreshDashboard();
    };
    window.addEventListener('focus', whenVisible);
    document.addEventListener('visibilitychange', whenVisible);
    const timer = window.setInterval(whenVisible, LIVE_REFRESH_MS);
    return () => {
      window.removeEventListener('focus', whenVisible);
      document.removeEventListener('visibilitychange', whenVisible);
      window.clearInterval(timer);
    };
  }, []);
}
