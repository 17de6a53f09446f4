import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Refreshable<T> {
  /** Undefined until the first answer; afterwards the last good answer, kept while refreshing. */
  data: T | undefined;
  /** The last failure, cleared by the next success. */
  error: unknown;
  refreshing: boolean;
  /** Fetches again; the page keeps showing what it had (a dialog on top of it stays open). */
  refresh: () => Promise<void>;
}

/**
 * Data a page shows and fetches again after an action (a cancellation, a rating) without
 * blanking what is on screen, unlike `useResource`, whose reload starts from "loading". An
 * answer older than the latest request is dropped.
 */
export function useRefreshable<T>(fetch: () => Promise<T>, key: readonly unknown[]): Refreshable<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; refreshing: boolean }>({ data: undefined, error: undefined, refreshing: true });
  const latest = useRef(0);
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;
  const refresh = useCallback(async () => {
    const request = ++latest.current;
    setState((previous) => ({ ...previous, refreshing: true }));
    try {
      const data = await fetchRef.current();
      if (request === latest.current) setState({ data, error: undefined, refreshing: false });
    } catch (error) {
      if (request === latest.current) setState((previous) => ({ ...previous, error, refreshing: false }));
    }
  }, []);
  useEffect(() => {
    void refresh();
    // The caller's key, not the fetch function's identity, says when to fetch again.
  }, key);
  return { ...state, refresh };
}
