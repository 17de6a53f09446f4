import { useState } from 'preact/hooks';
import { registerExpert, uploadPhoto, type Civility, type LegalStatus } from '../../api.ts';
import { needsEmailCode } from '../../accounts/email-verification.ts';
import { categoryOptions } from '../../categories.ts';
import { countryOptions } from '../../countries.ts';
import { language, t } from '../../i18n/index.ts';
import { PASSWORD_MIN_LENGTH } from '../../password.ts';
import { keepingReturn, returnPath } from '../../return-path.ts';
import { navigate, type PageProps } from '../../router.ts';
import { currentUser, signedIn } from '../../session.ts';
import { apiErrorMessage } from '../../ui/errors.ts';
import { CheckboxField, Fieldset, FileField, Form, RequiredNote, SelectField, TextField, useForm } from '../../ui/form.tsx';
import { PageLayout } from '../../ui/page.tsx';
import { civilityOptions, photoProblem, PHOTO_ACCEPT, statusOptions } from '../../profile-options.ts';
import { EmailCodeStep } from './email-code.tsx';
import { sm } from './signup-messages.ts';
import { SponsorNotice } from './sponsor-notice.tsx';

const INITIAL = {
  status: '',
  civility: '',
  firstName: '',
  lastName: '',
  birthDate: '',
  'address.line1': '',
  'address.postalCode': '',
  'address.city': '',
  'address.country': 'FR',
  phoneLandline: '',
  phoneMobile: '',
  category: '',
  vatNumber: '',
  siret: '',
  /** The file itself is kept aside by the form (`form.files`); the name only ties the control to it. */
  photo: '',
  email: '',
  password: '',
  certifyAdult: false,
  certifyLiabilityInsurance: false,
  acceptTerms: false,
};

type ExpertSignupValues = typeof INITIAL;

/**
 * `/inscription/expert` and `/inscription/<sponsor>` (ACC-1, ACC-3, ACC-10, REF-2): every field the
 * expert's receipts and identity checks need, the photo (uploaded right after the account exists:
 * the upload route needs the expert's token), then the code emailed to the address.
 */
export default function SignupExpertPage({ params, query, notice }: PageProps) {
  const sponsorSlug = params['sponsor'];
  const form = useForm(INITIAL);
  /** The code step once the account exists; `photoProblem`: the photo could not be saved (the profile section takes it again). */
  const [codeStep, setCodeStep] = useState<{ email: string; photoProblem: string | undefined } | undefined>(undefined);
  const finish = (photoProblem: string | undefined) => (verified: boolean) => {
    if (photoProblem) return navigate('/espace/profil', { notice: photoProblem });
    navigate(returnPath(query) ?? '/espace', { notice: verified ? t('emailCode.verified') : t('account.welcome') });
  };
  const pendingEmail = signedIn.value && needsEmailCode(currentUser.value) ? currentUser.value?.email : undefined;
  const code = codeStep ?? (pendingEmail ? { email: pendingEmail, photoProblem: undefined } : undefined);
  if (code) {
    return (
      <PageLayout title={sm('expert.title')} notice={notice}>
        <EmailCodeStep email={code.email} justSignedUp={codeStep !== undefined} onDone={finish(code.photoProblem)} />
      </PageLayout>
    );
  }
  return (
    <PageLayout title={sm('expert.title')} notice={notice}>
      <p class="lead">{sm('expert.intro')}</p>
      {sponsorSlug ? <SponsorNotice slug={sponsorSlug} /> : null}
      <Form
        form={form}
        label={sm('expert.title')}
        submitLabel={sm('expert.submit')}
        validate={() => {
          const photo = form.files.get('photo');
          const problem = photo ? photoProblem(photo) : undefined;
          return problem ? [{ name: 'photo', message: t(problem) }] : [];
        }}
        onSubmit={async (values) => {
          const user = await registerExpert(expertInput(values, sponsorSlug));
          let photoProblem: string | undefined;
          try {
            await uploadPhoto(form.files.get('photo')!);
          } catch (error) {
            // The account exists now: "my account" is where the photo can be added again.
            photoProblem = sm('expert.photoFailed', { reason: apiErrorMessage(error) });
          }
          if (needsEmailCode(user)) setCodeStep({ email: user.email, photoProblem });
          else finish(photoProblem)(false);
        }}
      >
        <RequiredNote />
        <Fieldset legend={t('fieldset.identity')}>
          <SelectField form={form} name="status" label={t('field.status')} required options={statusOptions()} />
          <SelectField form={form} name="civility" label={t('field.civility')} required options={civilityOptions()} autocomplete="honorific-prefix" />
          <TextField form={form} name="firstName" label={t('field.firstName')} required autocomplete="given-name" maxLength={100} />
          <TextField form={form} name="lastName" label={t('field.lastName')} required autocomplete="family-name" maxLength={100} />
          <TextField form={form} name="birthDate" label={t('field.birthDate')} type="date" required autocomplete="bday" />
        </Fieldset>
        <Fieldset legend={t('fieldset.address')}>
          <TextField form={form} name="address.line1" label={t('field.addressLine')} required autocomplete="street-address" maxLength={200} />
          <TextField form={form} name="address.postalCode" label={t('field.postalCode')} required autocomplete="postal-code" maxLength={12} />
          <TextField form={form} name="address.city" label={t('field.city')} required autocomplete="address-level2" maxLength={100} />
          <SelectField form={form} name="address.country" label={t('field.country')} required options={countryOptions()} autocomplete="country" />
        </Fieldset>
        <Fieldset legend={t('fieldset.contact')}>
          <TextField form={form} name="phoneLandline" label={t('field.phoneLandline')} type="tel" required autocomplete="tel" hint={t('field.phoneHint')} />
          <TextField form={form} name="phoneMobile" label={t('field.phoneMobile')} type="tel" required autocomplete="tel" hint={t('field.phoneHint')} />
        </Fieldset>
        <Fieldset legend={t('fieldset.activity')}>
          <SelectField form={form} name="category" label={t('field.category')} required options={categoryOptions()} />
          <p class="hint">{t('field.companyHint')}</p>
          <TextField form={form} name="vatNumber" label={t('field.vatNumber')} maxLength={20} />
          <TextField form={form} name="siret" label={t('field.siret')} inputMode="numeric" maxLength={20} />
          <FileField
            form={form}
            name="photo"
            label={t('field.photo')}
            accept={PHOTO_ACCEPT}
            required
            hint={t('field.photoHint')}
            requiredMessage="error.photoRequired"
          />
        </Fieldset>
        <Fieldset legend={t('fieldset.account')}>
          <TextField form={form} name="email" label={t('field.email')} type="email" required autocomplete="email" hint={t('field.emailHint')} />
          <TextField
            form={form}
            name="password"
            label={t('field.password')}
            type="password"
            required
            autocomplete="new-password"
            hint={t('field.passwordHint')}
            minLength={{ length: PASSWORD_MIN_LENGTH, message: 'error.passwordTooShort' }}
          />
        </Fieldset>
        <Fieldset legend={t('fieldset.commitments')}>
          <CheckboxField form={form} name="certifyAdult" label={t('field.certifyAdult')} required />
          <CheckboxField form={form} name="certifyLiabilityInsurance" label={t('field.certifyLiabilityInsurance')} required />
          <CheckboxField form={form} name="acceptTerms" label={t('field.acceptTerms.expert')} required />
        </Fieldset>
      </Form>
      <p>
        {t('auth.haveAccount')} <a href={keepingReturn('/connexion', query)}>{t('auth.loginLink')}</a>
      </p>
    </PageLayout>
  );
}

function expertInput(values: ExpertSignupValues, sponsorSlug: string | undefined) {
  const optional = (value: string) => value.trim() || undefined;
  return {
    status: values.status as LegalStatus,
    civility: values.civility as Civility,
    firstName: values.firstName.trim(),
    lastName: values.lastName.trim(),
    birthDate: values.birthDate,
    address: {
      line1: values['address.line1'].trim(),
      postalCode: values['address.postalCode'].trim(),
      city: values['address.city'].trim(),
      country: values['address.country'],
    },
    phoneLandline: values.phoneLandline,
    phoneMobile: values.phoneMobile,
    category: values.category,
    vatNumber: optional(values.vatNumber),
    siret: optional(values.siret),
    email: values.email.trim(),
    password: values.password,
    certifyAdult: true,
    certifyLiabilityInsurance: true,
    acceptTerms: true,
    language: language(),
    ...(sponsorSlug ? { sponsorSlug } : {}),
  } as const;
}
