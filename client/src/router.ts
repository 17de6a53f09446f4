/**
 * A History-API router: same-origin links navigate without a reload, Back and
 * Forward work, and every navigation moves focus to the new page's heading so
 * keyboard and screen-reader users know the page changed.
 */
export interface PageContext {
  /** Path segments captured by `:name` in the route's pattern. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** A one-time message from the page that navigated here ("you are signed out"). */
  notice: string | undefined;
}

/** A page returns its content; the router puts it in the outlet. */
export type Page = (context: PageContext) => Node | Promise<Node>;

export interface Route {
  pattern: string;
  page: Page;
}

export interface NavigateOptions {
  replace?: boolean;
  notice?: string;
}

/** Where focus goes once the page is drawn: its heading after a navigation, unchanged on first load or a redraw. */
export type FocusTarget = 'heading' | 'keep';

type Renderer = (page: Page, context: PageContext, focus: FocusTarget) => Promise<void>;

let routes: readonly Route[] = [];
let notFoundPage: Page | undefined;
let renderer: Renderer | undefined;
let pendingNotice: string | undefined;

export function startRouter(options: { routes: readonly Route[]; notFound: Page; render: Renderer }): void {
  routes = options.routes;
  notFoundPage = options.notFound;
  renderer = options.render;
  document.addEventListener('click', interceptLinkClick);
  window.addEventListener('popstate', () => void show('heading'));
  void show('keep');
}

export function navigate(path: string, options: NavigateOptions = {}): void {
  pendingNotice = options.notice;
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.scrollTo(0, 0);
  void show('heading');
}

/** Renders the current address again, e.g. in another language, leaving focus where it is. */
export function refresh(): Promise<void> {
  return show('keep');
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

async function show(focus: FocusTarget): Promise<void> {
  const found = matchRoute(location.pathname, routes);
  const notice = pendingNotice;
  pendingNotice = undefined;
  const context: PageContext = { params: found?.params ?? {}, query: new URLSearchParams(location.search), notice };
  await renderer!(found?.route.page ?? notFoundPage!, context, focus);
}

function interceptLinkClick(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = (event.target as Element | null)?.closest('a');
  if (!link || link.target || link.hasAttribute('download') || link.origin !== location.origin) return;
  if (link.pathname.startsWith('/api/')) return;
  // In-page anchors (the skip link) keep the browser's own behaviour.
  if (link.hash && link.pathname === location.pathname && link.search === location.search) return;
  event.preventDefault();
  navigate(link.pathname + link.search + link.hash);
}
