import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface CursorPage<Item, Cursor> {
  items: Item[];
  /** Where the next page starts; null when this was the last one. */
  next: Cursor | null;
}

export interface CursorPages<Item> {
  items: Item[];
  state: 'loading' | 'ready' | 'failed';
  error: unknown;
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

/**
 * A list the API pages with a cursor (`before`): the first page on mount, the next ones on
 * "show more". `reload` starts again from the first page (after a payout, a new movement).
 * An answer that arrives after a reload is dropped.
 */
export function useCursorPages<Item, Cursor>(
  fetchPage: (cursor: Cursor | null) => Promise<CursorPage<Item, Cursor>>,
  key: readonly unknown[],
): CursorPages<Item> {
  const [items, setItems] = useState<Item[]>([]);
  const [state, setState] = useState<CursorPages<Item>['state']>('loading');
  const [error, setError] = useState<unknown>(undefined);
  const [next, setNext] = useState<Cursor | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [generation, setGeneration] = useState(0);
  const current = useRef(0);
  useEffect(() => {
    const run = ++current.current;
    setState('loading');
    fetchPage(null).then(
      (page) => {
        if (run !== current.current) return;
        setItems(page.items);
        setNext(page.next);
        setState('ready');
      },
      (failure: unknown) => {
        if (run !== current.current) return;
        setError(failure);
        setState('failed');
      },
    );
    // The caller's key, not the fetch function's identity, says when to start again.
  }, [...key, generation]);
  const loadMore = useCallback(() => {
    if (next === null || loadingMore) return;
    const run = current.current;
    setLoadingMore(true);
    fetchPage(next)
      .then(
        (page) => {
          if (run !== current.current) return;
          setItems((before) => [...before, ...page.items]);
          setNext(page.next);
        },
        (failure: unknown) => {
          if (run !== current.current) return;
          setError(failure);
        },
      )
      .finally(() => setLoadingMore(false));
  }, [next, loadingMore, fetchPage]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { items, state, error, hasMore: next !== null, loadingMore, loadMore, reload };
}
