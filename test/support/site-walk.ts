/**
 * Walks the web client like a visitor of each role: every address of `client/src/routes.ts`
 * (read from the file, so pages that land later are walked too), then every same-site link the
 * pages show (section tabs, a user's page in the admin list…), one concrete address per route.
 * The tests that check every form and every page (test/quality/) are built on it.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { waitForAppReady } from './browser.ts';

const ROUTES_FILE = new URL('../../client/src/routes.ts', import.meta.url);
const REFRESH_TOKEN_KEY = 'consulto.refreshToken';
const LANGUAGE_KEY = 'consulto.language';
/** A walk stops after this many pages per role (STYLE: a limit on everything). */
const MAX_PAGES_PER_ROLE = 60;

export function routePatterns(): string[] {
  const source = readFileSync(ROUTES_FILE, 'utf8');
  return [...source.matchAll(/pattern:\s*'([^']+)'/g)].map((match) => match[1]!);
}

/** The route an address belongs to, as the client's router matches it. */
export function patternOf(pathname: string, patterns: readonly string[]): string | undefined {
  const segments = pathname.split('/').filter(Boolean);
  return patterns.find((pattern) => {
    const parts = pattern.split('/').filter(Boolean);
    return parts.length === segments.length && parts.every((part, index) => part.startsWith(':') || part === segments[index]);
  });
}

/** Fills a route's `:params` from what the seed knows; undefined when it cannot (the walk may still reach it by a link). */
export function concretePath(pattern: string, params: Record<string, string>): string | undefined {
  let missing = false;
  const path = pattern.replace(/:(\w+)/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) missing = true;
    return encodeURIComponent(value ?? '');
  });
  return missing ? undefined : path;
}

/** Starts the page signed out (or signed in with this refresh token), in French. */
export async function startSession(page: Page, refreshToken: string | undefined): Promise<void> {
  await page.goto('/api/health');
  await page.evaluate(
    ({ tokenKey, languageKey, token }) => {
      localStorage.clear();
      localStorage.setItem(languageKey, 'fr');
      if (token) localStorage.setItem(tokenKey, token);
    },
    { tokenKey: REFRESH_TOKEN_KEY, languageKey: LANGUAGE_KEY, token: refreshToken },
  );
}

export interface VisitedPage {
  /** The address asked for. */
  requested: string;
  /** Where the app ended (a signed-out visitor of /compte lands on /connexion). */
  landed: string;
  pattern: string;
}

/**
 * Visits every route once (and every page linked from them), calling `check` on each page where
 * it landed, unless that route was already checked for this role. Returns what was visited.
 */
export async function walkSite(
  page: Page,
  options: {
    /** Values of the routes' `:params` by name (`slug`, `id`)… */
    params: Record<string, string>;
    /** …or by route, where one name means different things (`/salle/:id`, `/admin/utilisateurs/:id`). */
    paramsByPattern?: Record<string, Record<string, string>>;
    check: (visit: VisitedPage) => Promise<void>;
  },
): Promise<VisitedPage[]> {
  const patterns = routePatterns();
  const queue = patterns
    .map((pattern) => concretePath(pattern, { ...options.params, ...options.paramsByPattern?.[pattern] }))
    .filter((path): path is string => path !== undefined);
  const queuedPatterns = new Set(queue.map((path) => patternOf(path, patterns)));
  const checkedPatterns = new Set<string>();
  const visited: VisitedPage[] = [];
  while (queue.length > 0 && visited.length < MAX_PAGES_PER_ROLE) {
    const requested = queue.shift()!;
    await settle(page, () => page.goto(requested));
    const landedUrl = new URL(page.url());
    const pattern = patternOf(landedUrl.pathname, patterns);
    if (!pattern || checkedPatterns.has(pattern)) continue;
    checkedPatterns.add(pattern);
    const visit = { requested, landed: landedUrl.pathname + landedUrl.search, pattern };
    visited.push(visit);
    await options.check(visit);
    for (const link of await sameSiteLinks(page)) {
      const linkPattern = patternOf(link, patterns);
      if (!linkPattern || queuedPatterns.has(linkPattern)) continue;
      queuedPatterns.add(linkPattern);
      queue.push(link);
    }
  }
  return visited;
}

/** Links of the header and the page that lead to another page of the client (not the API, not a download). */
async function sameSiteLinks(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLAnchorElement>('header a[href], main a[href]')]
      .filter((link) => link.origin === location.origin && !link.hasAttribute('download') && !link.target && !/^\/(api|dev)\//.test(link.pathname))
      .map((link) => link.pathname),
  );
}

/**
 * The controls that open another state of the page in place: dialogs (`aria-haspopup`) and
 * collapsed parts (`aria-expanded="false"`). Controls with the same visible label open the same
 * kind of state (the "Rate" of each past consultation): one of each is enough.
 */
export const DISCLOSURES = 'main button[aria-haspopup="dialog"]:not([disabled]), main button[aria-expanded="false"]:not([disabled])';

export interface Disclosure {
  /** Its rank among the page's disclosures, the page being drawn afresh before each is opened. */
  index: number;
  /** Its visible label, for messages and file names. */
  label: string;
}

export async function distinctDisclosures(page: Page): Promise<Disclosure[]> {
  const labels = await page.locator(DISCLOSURES).evaluateAll((controls) =>
    controls.map((control) => {
      const visible = control.cloneNode(true) as HTMLElement;
      for (const hidden of visible.querySelectorAll('.visually-hidden')) hidden.remove();
      return (visible.textContent ?? '').trim().replace(/\s+/g, ' ');
    }),
  );
  const seen = new Set<string>();
  return labels.flatMap((label, index) => (seen.has(label) ? [] : (seen.add(label), [{ index, label }])));
}

/** Opens a disclosure found by `distinctDisclosures` on a freshly drawn page; false when the page no longer offers it. */
export async function openDisclosure(page: Page, disclosure: Disclosure): Promise<boolean> {
  const found = await distinctDisclosures(page);
  const again = found.find((candidate) => candidate.label === disclosure.label);
  if (!again) return false;
  await settle(page, () => page.locator(DISCLOSURES).nth(again.index).click());
  return true;
}

/** How long a page may keep the network busy before it is taken as drawn (a page that polls never idles). */
const NETWORK_IDLE_TIMEOUT_MS = 5000;

/** Does something, then waits until the page has drawn what it loads. */
export async function settle(page: Page, action: () => Promise<unknown>): Promise<void> {
  await action();
  await waitForAppReady(page);
  await page.waitForLoadState('networkidle', { timeout: NETWORK_IDLE_TIMEOUT_MS }).catch(() => undefined);
  await waitForAppReady(page);
}
