import { useEffect, useState } from 'preact/hooks';

/** setTimeout's longest delay; a farther moment is reached in several steps. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

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

/**
 * The current time in ms, drawn again when the next of `moments` (ISO instants) comes, so what
 * depends on the clock (the way into a consultation 10 minutes before) appears on its own
 * without a timer ticking in between.
 */
export function useNowAtMoments(moments: readonly (string | null | undefined)[]): number {
  const [now, setNow] = useState(() => Date.now());
  const key = moments.join('|');
  useEffect(() => {
    const upcoming = moments
      .map((moment) => (moment ? Date.parse(moment) : Number.NaN))
      .filter((at) => Number.isFinite(at) && at > now)
      .sort((a, b) => a - b)[0];
    if (upcoming === undefined) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.min(LONGEST_TIMER_MS, upcoming - now + 50));
    return () => clearTimeout(timer);
  }, [key, now]);
  return now;
}
