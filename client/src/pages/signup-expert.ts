import { h } from '../dom.ts';
import { language, t } from '../i18n/index.ts';
import { registerExpert, uploadPhoto, type Civility, type LegalStatus } from '../api.ts';
import { apiErrorMessage, checkboxField, createForm, fieldset, inputField, requiredNote, selectField, type FormHandle } from '../forms.ts';
import { navigate } from '../router.ts';
import type { Page } from '../legacy-page.tsx';
import { keepingReturn, returnPath } from '../return-path.ts';
import { PASSWORD_MIN_LENGTH } from '../password.ts';
import { categoryOptions } from '../categories.ts';
import { countryOptions } from '../countries.ts';
import { civilityOptions, photoErrors, PHOTO_ACCEPT, statusOptions } from './profile-fields.ts';
import { link, pageLayout } from './layout.ts';
import { emailCodeStep } from './email-code.ts';

/**
 * `/inscription/expert` and `/inscription/<sponsor>` (ACC-1, ACC-3, REF-2): every
 * field the expert's receipts and identity checks need, then the photo, uploaded
 * right after the account exists (the upload route needs the expert's token).
 */
export const signupExpertPage: Page = ({ params, query, notice }) => {
  const sponsorSlug = params['sponsor'];
  const step = h('div', {});
  const form = createForm({
    label: t('signupExpert.title'),
    submitLabel: t('signupExpert.submit'),
    children: [
      requiredNote(),
      fieldset(
        t('fieldset.identity'),
        selectField({ name: 'status', label: t('field.status'), required: true, options: statusOptions() }),
        selectField({ name: 'civility', label: t('field.civility'), required: true, options: civilityOptions(), autocomplete: 'honorific-prefix' }),
        inputField({ name: 'firstName', label: t('field.firstName'), required: true, autocomplete: 'given-name', maxLength: 100 }),
        inputField({ name: 'lastName', label: t('field.lastName'), required: true, autocomplete: 'family-name', maxLength: 100 }),
        inputField({ name: 'birthDate', label: t('field.birthDate'), type: 'date', required: true, autocomplete: 'bday' }),
      ),
      fieldset(
        t('fieldset.address'),
        inputField({ name: 'address.line1', label: t('field.addressLine'), required: true, autocomplete: 'street-address', maxLength: 200 }),
        inputField({ name: 'address.postalCode', label: t('field.postalCode'), required: true, autocomplete: 'postal-code', maxLength: 12 }),
        inputField({ name: 'address.city', label: t('field.city'), required: true, autocomplete: 'address-level2', maxLength: 100 }),
        selectField({ name: 'address.country', label: t('field.country'), required: true, options: countryOptions(), value: 'FR', autocomplete: 'country' }),
      ),
      fieldset(
        t('fieldset.contact'),
        inputField({ name: 'phoneLandline', label: t('field.phoneLandline'), type: 'tel', required: true, autocomplete: 'tel', hint: t('field.phoneHint') }),
        inputField({ name: 'phoneMobile', label: t('field.phoneMobile'), type: 'tel', required: true, autocomplete: 'tel', hint: t('field.phoneHint') }),
      ),
      fieldset(
        t('fieldset.activity'),
        selectField({ name: 'category', label: t('field.category'), required: true, options: categoryOptions() }),
        h('p', { class: 'hint' }, t('field.companyHint')),
        inputField({ name: 'vatNumber', label: t('field.vatNumber'), maxLength: 20 }),
        inputField({ name: 'siret', label: t('field.siret'), inputMode: 'numeric', maxLength: 20 }),
        inputField({
          name: 'photo',
          label: t('field.photo'),
          type: 'file',
          accept: PHOTO_ACCEPT,
          required: true,
          hint: t('field.photoHint'),
          requiredMessage: 'error.photoRequired',
        }),
      ),
      fieldset(
        t('fieldset.account'),
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
      ),
      fieldset(
        t('fieldset.commitments'),
        checkboxField({ name: 'certifyAdult', label: t('field.certifyAdult'), required: true }),
        checkboxField({ name: 'certifyLiabilityInsurance', label: t('field.certifyLiabilityInsurance'), required: true }),
        checkboxField({ name: 'acceptTerms', label: t('field.acceptTerms.expert'), required: true }),
      ),
    ],
    validate: (handle) => photoErrors(handle, 'photo'),
    onSubmit: async (handle) => {
      const user = await registerExpert(expertInput(handle, sponsorSlug));
      const photo = handle.file('photo')!;
      let photoNotice: string | undefined;
      try {
        await uploadPhoto(photo);
      } catch (error) {
        // The account exists now: "my account" is where the photo can be added again.
        photoNotice = t('signupExpert.photoFailed', { reason: apiErrorMessage(error) });
      }
      // ACC-10: the emailed code is typed on the same page before the page can be published.
      const next = photoNotice ? '/compte' : (returnPath(query) ?? '/compte');
      step.replaceChildren(emailCodeStep({ email: user.email, onVerified: () => navigate(next, { notice: photoNotice ?? t('emailCode.verified') }) }));
    },
  });
  step.append(form.form);
  return pageLayout(
    t('signupExpert.title'),
    notice,
    h('p', { class: 'lead' }, t('signupExpert.intro')),
    sponsorSlug ? h('p', { class: 'notice' }, t('signupExpert.sponsored', { sponsor: sponsorSlug })) : null,
    step,
    h('p', {}, `${t('auth.haveAccount')} `, link(keepingReturn('/connexion', query), t('auth.loginLink'))),
  );
};

function expertInput(handle: FormHandle, sponsorSlug: string | undefined) {
  const optional = (name: string) => handle.value(name) || undefined;
  return {
    status: handle.value('status') as LegalStatus,
    civility: handle.value('civility') as Civility,
    firstName: handle.value('firstName'),
    lastName: handle.value('lastName'),
    birthDate: handle.value('birthDate'),
    address: {
      line1: handle.value('address.line1'),
      postalCode: handle.value('address.postalCode'),
      city: handle.value('address.city'),
      country: handle.value('address.country'),
    },
    phoneLandline: handle.value('phoneLandline'),
    phoneMobile: handle.value('phoneMobile'),
    category: handle.value('category'),
    vatNumber: optional('vatNumber'),
    siret: optional('siret'),
    email: handle.value('email'),
    password: handle.control('password')?.value ?? '',
    certifyAdult: true,
    certifyLiabilityInsurance: true,
    acceptTerms: true,
    language: language(),
    ...(sponsorSlug ? { sponsorSlug } : {}),
  } as const;
}
