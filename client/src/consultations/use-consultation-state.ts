/**
 * The one way a page reads where a consultation stands (`GET /api/consultations/:id`, for its
 * two parties and admins). Pages call `useConsultationState(id)` and render what it returns;
 * they never fetch the consultation themselves.
 *
 * The state is read when the page opens and when the tab regains focus, then comes from the live
 * channel (BOOK-4, server-sent events): each change of this consultation (accepted, declined,
 * expired, live, ended) arrives as the consultation itself, so the client sees the expert's
 * answer at once without touching anything. After a drop of the channel (`resync`) it is read
 * again. `refresh()` stays for the pages' own writes (a cancellation). No polling.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { apiCall } from '../api.ts';
import { listenLive } from '../live/live-channel.ts';
import type { ConsultationView } from '../../../server/bookings/view.ts';

export type { ConsultationView } from '../../../server/bookings/view.ts';

/** The side of the consultation the signed-in user is on. */
export type Viewer = 'client' | 'expert';

export function viewerOf(consultation: Pick<ConsultationView, 'expert'>, userId: string): Viewer {
  return userId === consultation.expert.id ? 'expert' : 'client';
}

/** BOOK-4: the expert has this long to accept an immediate request (server/bookings/rules.ts). */
export const IMMEDIATE_REQUEST_TIMEOUT_MS = 5 * 60_000;

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
    refresh();
    const onVisible = () => document.visibilityState === 'visible' && refresh();
    window.addEventListener('focus', refresh);
    document.addEventListener('visibilitychange', onVisible);
    const stopListening = listenLive((event) => {
      if (event.type === 'resync') refresh();
      if (event.type !== 'consultation' || event.consultation.id !== id) return;
      // The event is the consultation as this person reads it: no need to ask again.
      sequence.current += 1;
      const consultation = event.consultation as unknown as ConsultationView;
      last.current = consultation;
      setState({ status: 'ready', consultation, error: undefined });
    });
    return () => {
      stopListening();
      window.removeEventListener('focus', refresh);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [refresh]);

  return { ...state, refresh };
}
