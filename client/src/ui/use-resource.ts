import { useCallback, useEffect, useState } from 'preact/hooks';

export type Resource<T> =
  | { state: 'loading'; data: undefined; error: undefined }
  | { state: 'ready'; data: T; error: undefined }
  | { state: 'failed'; data: undefined; error: unknown };

/**
 * Data a page reads from the API: loading, ready or failed, fetched again when its
 * key changes or on `reload()`. An answer that arrives after a newer request started
 * is dropped, so a slow old answer never overwrites a new one.
 */
export function useResource<T>(fetch: () => Promise<T>, key: readonly unknown[]): Resource<T> & { reload: () => void } {
  const [resource, setResource] = useState<Resource<T>>({ state: 'loading', data: undefined, error: undefined });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    fetch().then(
      (data) => current && setResource({ state: 'ready', data, error: undefined }),
      (error: unknown) => current && setResource({ state: 'failed', data: undefined, error }),
    );
    return () => {
      current = false;
    };
    // The caller's key, not the fetch function's identity, says when to fetch again.
  }, [...key, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { ...resource, reload };
}
