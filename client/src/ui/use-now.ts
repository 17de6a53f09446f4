import { useEffect, useState } from 'preact/hooks';

/**
 * The current time, updated every `intervalMs`: countdowns and "opens at" states move on
 * by themselves without a reload. One timer per component that needs it, cleared on unmount.
 */
export function useNow(intervalMs: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}
