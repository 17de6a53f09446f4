/**
 * A History-API router: same-origin links navigate without a reload, Back and
 * Forward work, and every navigation moves focus to the new page's heading so
 * keyboard and screen-reader users know the page changed. Each route loads its
 * page's code on first visit, so a page only pays for its own JavaScript.
 */
import { signal } from '@preact/signals';
import type { ComponentType } from 'preact';

export interface PageProps {
  /** Path segments captured by `:name` in the route's pattern. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** A one-time message from the page that navigated here ("you are signed out"). */
  notice: string | undefined;
}

export type PageComponent = ComponentType<PageProps>;

export interface Route {
  pattern: string;
  /** The page's module, loaded on first visit (route-level code splitting). */
  load: () => Promise<PageComponent>;
}

export interface NavigateOptions {
  replace?: boolean;
  notice?: string;
}

/** Where focus goes once the page is drawn: its heading after a navigation, unchanged on first load. */
export type FocusTarget = 'heading' | 'keep';

export interface Location {
  pathname: string;
  search: string;
  notice: string | undefined;
  focus: FocusTarget;
  /** Changes at every navigation, also to the same address, so the page is drawn afresh. */
  visit: number;
}

let visits = 0;
/** The address the app shows; the shell renders the page that matches it. */
export const currentLocation = signal<Location>(readLocation('keep', undefined));

function readLocation(focus: FocusTarget, notice: string | undefined): Location {
  visits += 1;
  return { pathname: window.location.pathname, search: window.location.search, notice, focus, visit: visits };
}

export function startRouter(): void {
  document.addEventListener('click', interceptLinkClick);
  window.addEventListener('popstate', () => {
    // Following an in-page anchor (the skip link) also fires popstate: it is not a new page.
    const shown = currentLocation.value;
    if (window.location.pathname === shown.pathname && window.location.search === shown.search) return;
    currentLocation.value = readLocation('heading', undefined);
  });
}

export function navigate(path: string, options: NavigateOptions = {}): void {
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.scrollTo(0, 0);
  currentLocation.value = readLocation('heading', options.notice);
}

/** Changes the query of the current address without a new page (a step of a flow, a filter). */
export function replaceQuery(query: URLSearchParams, options: { push?: boolean } = {}): void {
  const search = query.toString();
  const path = `${window.location.pathname}${search ? `?${search}` : ''}`;
  if (options.push) history.pushState(null, '', path);
  else history.replaceState(null, '', path);
  currentLocation.value = { ...currentLocation.value, search: window.location.search };
}

export function matchRoute(pathname: string, candidates: readonly Route[]): { route: Route; params: Record<string, string> } | undefined {
  const segments = pathname.split('/').filter(Boolean);
  for (const route of candidates) {
    const parts = route.pattern.split('/').filter(Boolean);
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = parts.every((part, index) => {
      const segment = segments[index]!;
      if (part.startsWith(':')) {
        const value = safeDecode(segment);
        if (value === undefined) return false;
        params[part.slice(1)] = value;
        return true;
      }
      return part === segment;
    });
    if (matches) return { route, params };
  }
  return undefined;
}

/** A mistyped address (`/inscription/%E0`) is a page not found, not a crash. */
function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function interceptLinkClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = (event.target as Element | null)?.closest('a');
  if (!link || link.target || link.hasAttribute('download') || link.origin !== location.origin) return;
  if (link.pathname.startsWith('/api/') || link.pathname.startsWith('/dev/')) return;
  // In-page anchors (the skip link) keep the browser's own behaviour.
  if (link.hash && link.pathname === location.pathname && link.search === location.search) return;
  event.preventDefault();
  navigate(link.pathname + link.search + link.hash);
}
