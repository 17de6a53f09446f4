import { h } from '../dom.ts';
import { t } from '../i18n/index.ts';
import { isSignedIn } from '../api.ts';
import type { Page } from '../router.ts';
import { link, pageLayout } from './layout.ts';

/** What Consulto is, and the ways in. */
export const homePage: Page = ({ notice }) =>
  pageLayout(
    t('home.title'),
    notice,
    h('p', { class: 'lead' }, t('home.intro')),
    h('ul', { class: 'points' }, h('li', {}, t('home.point1')), h('li', {}, t('home.point2')), h('li', {}, t('home.point3'))),
    h(
      'div',
      { class: 'cards' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'home-client' },
        h('h2', { id: 'home-client' }, t('home.clientHeading')),
        h('p', {}, t('home.clientText')),
        link('/inscription/client', t('home.clientCta'), 'button button-primary'),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'home-expert' },
        h('h2', { id: 'home-expert' }, t('home.expertHeading')),
        h('p', {}, t('home.expertText')),
        link('/inscription/expert', t('home.expertCta'), 'button button-primary'),
      ),
    ),
    isSignedIn()
      ? h('p', {}, link('/compte', t('shell.account')))
      : h('p', {}, `${t('home.haveAccount')} `, link('/connexion', t('home.loginCta'))),
  );
