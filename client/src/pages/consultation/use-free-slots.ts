import { useEffect, useState } from 'preact/hooks';
import { apiCall } from '../../api.ts';
import type { SlotsAnswer } from './booking-types.ts';

/** Days of free slots offered; the API allows more, a list longer than a week is unreadable on a phone. */
export const SLOT_DAYS = 7;

export type FreeSlots = { state: 'idle' } | { state: 'loading' } | { state: 'ready'; slots: string[] } | { state: 'failed' };

/** EXP-6: the expert's free start times for an appointment of `minutes`, fetched again when the length changes. */
export function useFreeSlots(slug: string, minutes: number | undefined): FreeSlots {
  const [slots, setSlots] = useState<FreeSlots>({ state: 'idle' });
  useEffect(() => {
    if (minutes === undefined) return;
    let current = true;
    setSlots({ state: 'loading' });
    apiCall<SlotsAnswer>('GET', `/api/experts/${encodeURIComponent(slug)}/slots?days=${SLOT_DAYS}&minutes=${minutes}`, { auth: false }).then(
      (answer) => current && setSlots({ state: 'ready', slots: answer.slots }),
      () => current && setSlots({ state: 'failed' }),
    );
    return () => {
      current = false;
    };
  }, [slug, minutes]);
  return slots;
}

/** Start times grouped by day in the visitor's time zone, the way a diary reads. */
export function slotsByDay(slots: readonly string[], dayOf: (iso: string) => string): { day: string; slots: string[] }[] {
  const days = new Map<string, string[]>();
  for (const slot of slots) {
    const day = dayOf(slot);
    days.set(day, [...(days.get(day) ?? []), slot]);
  }
  return [...days].map(([day, daySlots]) => ({ day, slots: daySlots }));
}
