import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { fetchPast, type PastConsultation } from './client-area-api.ts';

export interface PastList {
  items: PastConsultation[];
  nextBefore: string | null;
  loaded: boolean;
  loadingMore: boolean;
  error: unknown;
  loadMore: () => Promise<void>;
  /** After an action: the pages already shown, fetched again (their `actions` changed). */
  refresh: () => Promise<void>;
}

/** Past consultations a page at a time, newest first, following the API's `nextBefore` cursor. */
export function usePastConsultations(): PastList {
  const [state, setState] = useState<{ items: PastConsultation[]; nextBefore: string | null; loaded: boolean; loadingMore: boolean; error: unknown }>({
    items: [],
    nextBefore: null,
    loaded: false,
    loadingMore: false,
    error: undefined,
  });
  const latest = useRef(0);
  const stateRef = useRef(state);
  stateRef.current = state;

  const loadMore = useCallback(async () => {
    const request = latest.current;
    setState((previous) => ({ ...previous, loadingMore: true }));
    try {
      const page = await fetchPast(stateRef.current.nextBefore);
      if (request !== latest.current) return;
      setState((previous) => ({
        items: [...previous.items, ...page.consultations],
        nextBefore: page.nextBefore,
        loaded: true,
        loadingMore: false,
        error: undefined,
      }));
    } catch (error) {
      if (request === latest.current) setState((previous) => ({ ...previous, loaded: true, loadingMore: false, error }));
    }
  }, []);

  const refresh = useCallback(async () => {
    const request = ++latest.current;
    const wanted = Math.max(1, stateRef.current.items.length);
    const items: PastConsultation[] = [];
    let nextBefore: string | null = null;
    try {
      do {
        const page = await fetchPast(nextBefore);
        items.push(...page.consultations);
        nextBefore = page.nextBefore;
      } while (nextBefore !== null && items.length < wanted);
      if (request === latest.current) setState({ items, nextBefore, loaded: true, loadingMore: false, error: undefined });
    } catch (error) {
      if (request === latest.current) setState((previous) => ({ ...previous, loaded: true, error }));
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, []);
  return { ...state, loadMore, refresh };
}
