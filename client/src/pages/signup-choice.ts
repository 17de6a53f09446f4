import { h } from '../dom.ts';
import { t } from '../i18n/index.ts';
import type { Page } from '../legacy-page.tsx';
import { keepingReturn } from '../return-path.ts';
import { link, pageLayout } from './layout.ts';

/** `/inscription`: which kind of account. */
export const signupChoicePage: Page = ({ query, notice }) =>
  pageLayout(
    t('signup.title'),
    notice,
    h(
      'ul',
      { class: 'choice-list' },
      h('li', {}, link(keepingReturn('/inscription/client', query), t('signup.asClient'), 'button button-primary')),
      h('li', {}, link('/inscription/expert', t('signup.asExpert'), 'button button-secondary')),
    ),
    h('p', {}, `${t('auth.haveAccount')} `, link(keepingReturn('/connexion', query), t('auth.loginLink'))),
  );
