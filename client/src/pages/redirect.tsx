import { useEffect } from 'preact/hooks';
import type { PageComponent } from '../router.ts';
import { navigate } from '../router.ts';

/** An old address kept working: it replaces itself with the new one (query and anchor kept), so Back does not loop. */
export function redirectTo(path: string): PageComponent {
  return function Redirect() {
    useEffect(() => navigate(`${path}${window.location.search}${window.location.hash}`, { replace: true }), []);
    return null;
  };
}
