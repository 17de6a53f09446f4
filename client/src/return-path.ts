/**
 * ACC-7: `?retour=/consultation/<slug>` on sign-in and sign-up pages sends the user
 * back there afterwards. Only paths of this site are followed, so the parameter
 * cannot be used to send people to another site after they sign in.
 */
export const RETURN_PARAM = 'retour';
const SAFE_PATH = /^\/(?![/\\])[A-Za-z0-9\-._~/%?=&]*$/;

export function returnPath(query: URLSearchParams): string | undefined {
  const path = query.get(RETURN_PARAM);
  return path && SAFE_PATH.test(path) && !path.includes('..') ? path : undefined;
}

/** A link to another sign-in/sign-up page that keeps the way back. */
export function keepingReturn(path: string, query: URLSearchParams): string {
  const back = returnPath(query);
  return back ? `${path}?${new URLSearchParams({ [RETURN_PARAM]: back }).toString()}` : path;
}
