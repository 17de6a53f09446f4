/**
 * The shell: skip link, header (brand, the way to where each role works, language),
 * site notices, the page for the address, footer. Everything renders from state: the
 * address, the session and the language.
 */
import { useEffect, useLayoutEffect, useMemo, useState } from 'preact/hooks';
import { logout, updateMe } from './api.ts';
import { language, setLanguage, t, type MessageKey } from './i18n/index.ts';
import { ROUTES, loadNotFound } from './routes.ts';
import { currentLocation, matchRoute, navigate, type PageComponent, type PageProps } from './router.ts';
import { currentUser, signedIn } from './session.ts';
import { SiteNotices } from './site-notices.tsx';
import { focusHeadingWhenDrawn } from './ui/focus.ts';

interface NavItem {
  href: string;
  label: MessageKey;
}

function navItems(): NavItem[] {
  if (!signedIn.value) {
    return [
      { href: '/connexion', label: 'shell.login' },
      { href: '/inscription', label: 'shell.signup' },
    ];
  }
  switch (currentUser.value?.role) {
    case 'expert':
      return [
        { href: '/espace', label: 'shell.workspace' },
        { href: '/compte', label: 'shell.account' },
      ];
    case 'admin':
      return [
        { href: '/admin', label: 'shell.console' },
        { href: '/compte', label: 'shell.account' },
      ];
    default:
      return [{ href: '/compte', label: 'shell.account' }];
  }
}

function Header() {
  const [menuOpen, setMenuOpen] = useState(false);
  const path = currentLocation.value.pathname;
  useEffect(() => setMenuOpen(false), [currentLocation.value.visit]);
  const other = language() === 'fr' ? 'en' : 'fr';
  const switchLanguage = () => {
    setLanguage(other).then(
      () => {
        // Emails follow the account's language (NOTE); a failure here changes nothing on screen.
        if (signedIn.value) updateMe({ language: other }).catch(() => undefined);
      },
      // The other language's texts could not be fetched (offline): the page stays as it is.
      () => undefined,
    );
  };
  const signOut = () => {
    void logout().then(() => navigate('/connexion', { notice: t('account.loggedOut') }));
  };
  const isCurrent = (href: string) => path === href || (href !== '/' && path.startsWith(`${href}/`));
  return (
    <header class="site-header">
      <div class="container header-row">
        <a class="brand" href="/">
          Consulto
        </a>
        <span class="tagline">{t('app.tagline')}</span>
        <nav aria-label={t('shell.nav')} class={menuOpen ? 'site-nav open' : 'site-nav'}>
          <button
            type="button"
            class="menu-button"
            aria-expanded={menuOpen ? 'true' : 'false'}
            aria-controls="site-nav-list"
            onClick={() => setMenuOpen(!menuOpen)}
          >
            {t('shell.menu')}
          </button>
          <ul id="site-nav-list">
            {navItems().map((item) => (
              <li key={item.href}>
                <a href={item.href} aria-current={isCurrent(item.href) ? 'page' : undefined}>
                  {t(item.label)}
                </a>
              </li>
            ))}
            {signedIn.value ? (
              <li>
                <button type="button" class="link-button" onClick={signOut}>
                  {t('shell.logout')}
                </button>
              </li>
            ) : null}
          </ul>
        </nav>
        <button type="button" class="language-switch" lang={other} aria-label={t('shell.switchLanguageLabel')} onClick={switchLanguage}>
          {t('shell.switchLanguage')}
        </button>
      </div>
    </header>
  );
}

interface View {
  Component: PageComponent;
  props: PageProps;
  visit: number;
}

/** Loads the page's code for the address, then shows it; the previous page stays (dimmed) meanwhile. */
function Outlet() {
  const location = currentLocation.value;
  const [view, setView] = useState<View | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  const found = useMemo(() => matchRoute(location.pathname, ROUTES), [location.pathname]);
  const props = useMemo<PageProps>(
    () => ({ params: found?.params ?? {}, query: new URLSearchParams(location.search), notice: location.notice }),
    [found, location.search, location.notice],
  );
  useLayoutEffect(() => {
    let current = true;
    if (location.focus === 'heading') focusHeadingWhenDrawn();
    (found ? found.route.load() : loadNotFound()).then(
      (Component) => {
        if (!current) return;
        setFailed(false);
        setView({ Component, props, visit: location.visit });
      },
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, [found, props, location.visit]);
  const loading = !view || view.visit !== location.visit || view.props !== props;
  return (
    <main id="main" tabIndex={-1} class="container" aria-busy={loading && !failed ? 'true' : undefined}>
      {failed ? (
        // A page's code could not be fetched (offline, or a new version replaced it): a reload fixes both.
        <div class="page">
          <h1 tabIndex={-1}>{t('error.unexpected')}</h1>
          <p>{t('shell.loadFailed')}</p>
          <p>
            <button type="button" class="button" onClick={() => location.pathname && window.location.reload()}>
              {t('shell.reload')}
            </button>
          </p>
        </div>
      ) : view ? (
        <view.Component key={view.visit} {...view.props} />
      ) : null}
    </main>
  );
}

export function App() {
  return (
    <>
      <a class="skip-link" href="#main">
        {t('shell.skipLink')}
      </a>
      <Header />
      <SiteNotices />
      <Outlet />
      <footer class="site-footer">{t('shell.footer')}</footer>
    </>
  );
}
