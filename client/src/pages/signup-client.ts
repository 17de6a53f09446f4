import { h } from '../dom.ts';
import { language, t } from '../i18n/index.ts';
import { registerClient } from '../api.ts';
import { checkboxField, createForm, fieldset, inputField, requiredNote } from '../forms.ts';
import { navigate } from '../router.ts';
import type { Page } from '../legacy-page.tsx';
import { keepingReturn, returnPath } from '../return-path.ts';
import { PASSWORD_MIN_LENGTH } from '../password.ts';
import { link, pageLayout } from './layout.ts';
import { emailCodeStep } from './email-code.ts';

/** `/inscription/client` (ACC-1, ACC-2): name, email, password, terms; the rest comes later in "my account". */
export const signupClientPage: Page = ({ query, notice }) => {
  const step = h('div', {});
  const form = createForm({
    label: t('signupClient.title'),
    submitLabel: t('signupClient.submit'),
    children: [
      requiredNote(),
      inputField({ name: 'firstName', label: t('field.firstName'), required: true, autocomplete: 'given-name', maxLength: 100 }),
      inputField({ name: 'lastName', label: t('field.lastName'), required: true, autocomplete: 'family-name', maxLength: 100 }),
      inputField({ name: 'email', label: t('field.email'), type: 'email', required: true, autocomplete: 'email', hint: t('field.emailHint') }),
      inputField({
        name: 'password',
        label: t('field.password'),
        type: 'password',
        required: true,
        autocomplete: 'new-password',
        hint: t('field.passwordHint'),
        minLength: { length: PASSWORD_MIN_LENGTH, message: 'error.passwordTooShort' },
      }),
      fieldset(t('fieldset.commitments'), checkboxField({ name: 'acceptTerms', label: t('field.acceptTerms.client'), required: true })),
    ],
    onSubmit: async (handle) => {
      const user = await registerClient({
        firstName: handle.value('firstName'),
        lastName: handle.value('lastName'),
        email: handle.value('email'),
        password: handle.control('password')?.value ?? '',
        acceptTerms: true,
        language: language(),
      });
      // ACC-10: the emailed code is typed on the same page, then ACC-7's way back.
      step.replaceChildren(emailCodeStep({ email: user.email, onVerified: () => navigate(returnPath(query) ?? '/compte', { notice: t('emailCode.verified') }) }));
    },
  });
  step.append(form.form);
  return pageLayout(
    t('signupClient.title'),
    notice,
    h('p', { class: 'lead' }, t('signupClient.intro')),
    step,
    h('p', {}, `${t('auth.haveAccount')} `, link(keepingReturn('/connexion', query), t('auth.loginLink'))),
    h('p', {}, link('/inscription/expert', t('signupClient.expertLink'))),
  );
};
