/**
 * Who is signed in, as state the shell and the pages render from. The tokens stay in
 * `api.ts`; this module only follows them and keeps the user's profile (`GET /api/me`).
 */
import { signal } from '@preact/signals';
import { getMe, isSignedIn, onSessionChange, type Role, type User } from './api.ts';

export const signedIn = signal(isSignedIn());
/** The signed-in user's profile; undefined while signed out or until `/api/me` answers. */
export const currentUser = signal<User | undefined>(undefined);

let loading: Promise<User | undefined> | undefined;

/** The profile, fetched once per session (and again after `reloadCurrentUser`). */
export function loadCurrentUser(): Promise<User | undefined> {
  if (!isSignedIn()) return Promise.resolve(undefined);
  loading ??= getMe().then(
    (user) => {
      currentUser.value = user;
      return user;
    },
    () => {
      loading = undefined;
      return undefined;
    },
  );
  return loading;
}

export function reloadCurrentUser(): Promise<User | undefined> {
  loading = undefined;
  return loadCurrentUser();
}

onSessionChange(() => {
  signedIn.value = isSignedIn();
  currentUser.value = undefined;
  loading = undefined;
  void loadCurrentUser();
});

/** Where each role works: people land there after signing in, and the header leads there. */
export function homeOf(role: Role): string {
  switch (role) {
    case 'expert':
      return '/espace';
    case 'admin':
      return '/admin';
    case 'client':
      return '/compte';
  }
}
