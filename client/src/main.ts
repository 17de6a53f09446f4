/**
 * Entry point: draws the shell (skip link, header, main, footer) once, then lets
 * the router fill <main> with the page for the address.
 */
import './styles.css';
import { h } from './dom.ts';
import { language, onLanguageChange, setLanguage, t } from './i18n/index.ts';
import { isSignedIn, logout, onSessionChange, updateMe } from './api.ts';
import { snapshotFields, restoreFields, apiErrorMessage } from './forms.ts';
import { navigate, refresh, startRouter, type FocusTarget, type Page, type PageContext, type Route } from './router.ts';
import { homePage } from './pages/home.ts';
import { loginPage } from './pages/login.ts';
import { signupChoicePage } from './pages/signup-choice.ts';
import { signupClientPage } from './pages/signup-client.ts';
import { signupExpertPage } from './pages/signup-expert.ts';
import { accountPage } from './pages/account.ts';
import { walletPage } from './pages/wallet.ts';
import { workspacePage } from './pages/workspace.ts';
import { referralsPage } from './pages/referrals.ts';
import { phoneSimulatorPage } from './pages/phone-simulator.ts';
import { notFoundPage } from './pages/not-found.ts';
import { consultationRoomPage } from './pages/consultation-room.ts';
import { consultationPage } from './pages/consultation-page.ts';
import { adminPage } from './pages/admin.ts';
import { siteNoticeBar } from './pages/admin-notices.ts';
import { pageLayout } from './pages/layout.ts';

/** French paths: the reference market is France. `client` and `expert` come before the sponsor's slug. */
const ROUTES: readonly Route[] = [
  { pattern: '/', page: homePage },
  { pattern: '/connexion', page: loginPage },
  { pattern: '/inscription', page: signupChoicePage },
  { pattern: '/inscription/client', page: signupClientPage },
  { pattern: '/inscription/expert', page: signupExpertPage },
  { pattern: '/inscription/:sponsor', page: signupExpertPage },
  { pattern: '/compte', page: accountPage },
  { pattern: '/admin', page: adminPage },
  { pattern: '/salle/:id', page: consultationRoomPage },
  // EXP-1, BOOK-1: the expert's public consultation page and the booking form.
  { pattern: '/consultation/:slug', page: consultationPage },
  { pattern: '/portefeuille', page: walletPage },
  { pattern: '/wallet', page: walletPage },
  { pattern: '/espace', page: workspacePage },
  { pattern: '/parrainage', page: referralsPage },
  // TEL-4, development only: the simulated phones (the page says so when the simulator is off).
  { pattern: '/simulateur-telephone', page: phoneSimulatorPage },
];

const skipLink = h('a', { class: 'skip-link', href: '#main' });
const brand = h('a', { class: 'brand', href: '/' }, 'Consulto');
const tagline = h('span', { class: 'tagline' });
const nav = h('nav', {});
const languageButton = h('button', { type: 'button', class: 'language-switch' });
const main = h('main', { id: 'main', tabindex: '-1', class: 'container' });
const footer = h('footer', { class: 'site-footer' });

document.documentElement.lang = language();
document.getElementById('app')!.replaceChildren(
  skipLink,
  h('header', { class: 'site-header' }, h('div', { class: 'container header-row' }, h('div', { class: 'brand-block' }, brand, tagline), nav, languageButton)),
  siteNoticeBar(),
  main,
  footer,
);

languageButton.addEventListener('click', () => {
  const next = language() === 'fr' ? 'en' : 'fr';
  setLanguage(next);
  // Emails follow the account's language (NOTE); a failure here changes nothing on screen.
  if (isSignedIn()) updateMe({ language: next }).catch(() => undefined);
});
onLanguageChange(() => {
  drawShell();
  void refresh();
});
onSessionChange(drawShell);

/** The parts of the shell that depend on the language or on being signed in; the elements stay, so focus stays. */
function drawShell(): void {
  skipLink.textContent = t('shell.skipLink');
  tagline.textContent = t('app.tagline');
  footer.textContent = t('shell.footer');
  const other = language() === 'fr' ? 'en' : 'fr';
  languageButton.textContent = t('shell.switchLanguage');
  languageButton.lang = other;
  languageButton.setAttribute('aria-label', t('shell.switchLanguageLabel'));
  nav.setAttribute('aria-label', t('shell.nav'));
  const item = (href: string, text: string) =>
    h('li', {}, h('a', { href, 'aria-current': location.pathname === href ? 'page' : undefined }, text));
  const signOut = h('button', { type: 'button', class: 'link-button' }, t('shell.logout'));
  signOut.addEventListener('click', () => {
    void logout().then(() => navigate('/connexion', { notice: t('account.loggedOut') }));
  });
  nav.replaceChildren(
    h(
      'ul',
      {},
      item('/', t('shell.home')),
      isSignedIn()
        ? [item('/compte', t('shell.account')), h('li', {}, signOut)]
        : [item('/connexion', t('shell.login')), item('/inscription', t('shell.signup'))],
    ),
  );
}

let renderSequence = 0;

async function render(page: Page, context: PageContext, focus: FocusTarget): Promise<void> {
  const sequence = ++renderSequence;
  const typed = focus === 'keep' ? snapshotFields(main) : undefined;
  main.setAttribute('aria-busy', 'true');
  let content: Node;
  try {
    content = await page(context);
  } catch (error) {
    content = pageLayout(t('error.unexpected'), undefined, h('p', {}, apiErrorMessage(error)));
  }
  // A newer navigation started while this page was loading (e.g. it redirected): drop this one.
  if (sequence !== renderSequence) return;
  main.replaceChildren(content);
  main.removeAttribute('aria-busy');
  if (typed) restoreFields(main, typed);
  drawShell();
  const heading = main.querySelector('h1');
  document.title = heading?.textContent ? `${heading.textContent} · Consulto` : 'Consulto';
  if (focus === 'heading') (heading ?? main).focus();
}

drawShell();
startRouter({ routes: ROUTES, notFound: notFoundPage, render });
