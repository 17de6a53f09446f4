import { h } from '../dom.ts';
import { t } from '../i18n/index.ts';
import { login } from '../api.ts';
import { createForm, inputField } from '../forms.ts';
import { navigate, type Page } from '../router.ts';
import { keepingReturn, returnPath } from '../return-path.ts';
import { link, pageLayout } from './layout.ts';

/** `/connexion` (ACC-4); `?retour=` brings the user back where they were (ACC-7). */
export const loginPage: Page = ({ query, notice }) => {
  const form = createForm({
    label: t('login.title'),
    submitLabel: t('login.submit'),
    children: [
      inputField({ name: 'email', label: t('field.email'), type: 'email', required: true, autocomplete: 'email' }),
      inputField({ name: 'password', label: t('field.password'), type: 'password', required: true, autocomplete: 'current-password' }),
    ],
    onSubmit: async (handle) => {
      await login(handle.value('email'), handle.control('password')?.value ?? '');
      navigate(returnPath(query) ?? '/compte');
    },
  });
  return pageLayout(
    t('login.title'),
    notice,
    form.form,
    h(
      'p',
      {},
      `${t('login.noAccount')} `,
      link(keepingReturn('/inscription/client', query), t('login.signupClient')),
      ' · ',
      link('/inscription/expert', t('login.signupExpert')),
    ),
  );
};
