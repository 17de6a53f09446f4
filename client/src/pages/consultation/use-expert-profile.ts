import { useEffect, useState } from 'preact/hooks';
import { ApiError, apiCall } from '../../api.ts';
import type { PublicProfile } from './booking-types.ts';

export type ProfileState =
  | { state: 'loading' }
  | { state: 'ready'; profile: PublicProfile }
  /** Unknown, unpublished, suspended or closed: the page says "unavailable", nothing more (TRUST-4). */
  | { state: 'unavailable' }
  | { state: 'failed'; error: unknown };

/** Profiles read in this tab: going from one step of the booking to the next draws at once, then refreshes. */
const known = new Map<string, PublicProfile>();

/** `GET /api/experts/:slug`, the consultation page's data (EXP-1). */
export function useExpertProfile(slug: string): ProfileState {
  const [state, setState] = useState<ProfileState>(() => {
    const cached = known.get(slug);
    return cached ? { state: 'ready', profile: cached } : { state: 'loading' };
  });
  useEffect(() => {
    let current = true;
    apiCall<PublicProfile>('GET', `/api/experts/${encodeURIComponent(slug)}`, { auth: false }).then(
      (profile) => {
        if (!current) return;
        if (!profile.published) {
          known.delete(slug);
          setState({ state: 'unavailable' });
          return;
        }
        known.set(slug, profile);
        setState({ state: 'ready', profile });
      },
      (error: unknown) => {
        if (!current) return;
        known.delete(slug);
        setState(error instanceof ApiError && error.status === 404 ? { state: 'unavailable' } : { state: 'failed', error });
      },
    );
    return () => {
      current = false;
    };
  }, [slug]);
  return state;
}
