/**
 * The one way a page reads where a consultation stands (`GET /api/consultations/:id`, for its
 * two parties and admins). Pages call `useConsultationState(id)` and render what it returns;
 * they never fetch the consultation themselves.
 *
 * The seam: today the state is fetched when the page opens, when the tab regains focus, when an
 * immediate request's 5 minutes run out (BOOK-4), and every WAITING_POLL_MS while such a request
 * waits, so the client sees the expert's answer without touching anything. A push channel
 * (server-sent events) replaces the inside of `useConsultationState` only: same argument, same
 * result type, and `refresh()` stays for the pages' own writes (a cancellation).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { apiCall } from '../api.ts';
import type { ConsultationView } from '../../../server/bookings/view.ts';

export type { ConsultationView } from '../../../server/bookings/view.ts';

/** BOOK-4: the expert has this long to accept an immediate request (server/bookings/rules.ts). */
export const IMMEDIATE_REQUEST_TIMEOUT_MS = 5 * 60_000;
/** The expiry job runs at the deadline; asking a moment later finds it done. */
const AFTER_DEADLINE_MS = 1_500;
/** Past the deadline the job may still be queued: ask again this often, a bounded number of times. */
const PAST_DEADLINE_RETRY_MS = 5_000;
const PAST_DEADLINE_RETRIES = 12;
/** Until the push channel exists: how often a waiting request is read again. */
const WAITING_POLL_MS = 10_000;

export type ConsultationState =
  | { status: 'loading'; consultation: undefined; error: undefined }
  | { status: 'ready'; consultation: ConsultationView; error: undefined }
  /** `consultation` is the last state read, if any: a network hiccup does not blank the page. */
  | { status: 'failed'; consultation: ConsultationView | undefined; error: unknown };

/**
 * When an immediate request expires unless the expert joins; undefined for anything else. The
 * server's own deadline when it sends one (BOOK-4's accept adds `requestExpiresAt`), else 5
 * minutes after the request.
 */
export function requestExpiresAtMs(consultation: ConsultationView & { requestExpiresAt?: string | null }): number | undefined {
  if (consultation.status !== 'requested' || consultation.startAt !== null) return undefined;
  if (consultation.requestExpiresAt) return Date.parse(consultation.requestExpiresAt);
  return Date.parse(consultation.createdAt) + IMMEDIATE_REQUEST_TIMEOUT_MS;
}

export function useConsultationState(id: string): ConsultationState & { refresh: () => void } {
  const [state, setState] = useState<ConsultationState>({ status: 'loading', consultation: undefined, error: undefined });
  const sequence = useRef(0);
  const last = useRef<ConsultationView | undefined>(undefined);
  const pastDeadlineReads = useRef(0);

  const refresh = useCallback(() => {
    const mine = ++sequence.current;
    apiCall<ConsultationView>('GET', `/api/consultations/${encodeURIComponent(id)}`).then(
      (consultation) => {
        if (mine !== sequence.current) return;
        last.current = consultation;
        setState({ status: 'ready', consultation, error: undefined });
      },
      (error: unknown) => mine === sequence.current && setState({ status: 'failed', consultation: last.current, error }),
    );
  }, [id]);

  useEffect(() => {
    last.current = undefined;
    pastDeadlineReads.current = 0;
    refresh();
    const onVisible = () => document.visibilityState === 'visible' && refresh();
    window.addEventListener('focus', refresh);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.removeEventListener('focus', refresh);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [refresh]);

  // While a request waits: read again at its deadline (then a few times more), and now and then before.
  useEffect(() => {
    const consultation = state.consultation;
    const deadlineMs = consultation ? requestExpiresAtMs(consultation) : undefined;
    if (deadlineMs === undefined) return;
    const untilDeadlineMs = deadlineMs + AFTER_DEADLINE_MS - Date.now();
    let delayMs: number;
    if (untilDeadlineMs > 0) delayMs = Math.min(untilDeadlineMs, WAITING_POLL_MS);
    else if (pastDeadlineReads.current < PAST_DEADLINE_RETRIES) {
      pastDeadlineReads.current += 1;
      delayMs = PAST_DEADLINE_RETRY_MS;
    } else return;
    const timer = setTimeout(refresh, delayMs);
    return () => clearTimeout(timer);
  }, [state, refresh]);

  return { ...state, refresh };
}
