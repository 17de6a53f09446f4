/**
 * The account's facts (role, e-mail, the expert's addresses), the expert's photo, and the ACC-2
 * details with the language of e-mails, for every role. An expert's details were required at
 * sign-up (ACC-3) and stay required.
 */
import { useState } from 'preact/hooks';
import { updateMe, uploadPhoto, type Civility, type ProfileUpdate, type User } from '../../api.ts';
import { countryOptions } from '../../countries.ts';
import { formatDate, setLanguage, t } from '../../i18n/index.ts';
import { civilityOptions, photoProblem, PHOTO_ACCEPT } from '../../profile-options.ts';
import { currentUser } from '../../session.ts';
import { FileField, Fieldset, Form, SelectField, TextField, useForm } from '../../ui/form.tsx';
import { CalendarFeedSection } from './calendar-feed-section.tsx';
import { at } from './account-messages.ts';

export function ProfileSections({ user }: { user: User }) {
  return (
    <>
      <SummarySection user={user} />
      {user.role === 'expert' && user.slug ? <PhotoSection slug={user.slug} /> : null}
      <DetailsSection user={user} />
      {/* BOOK-8: an expert's appointments with all their clients, in their own calendar. */}
      {user.role === 'expert' ? <CalendarFeedSection /> : null}
    </>
  );
}

function SummarySection({ user }: { user: User }) {
  return (
    <section class="card" aria-labelledby="account-summary">
      <h2 id="account-summary">{at('summary')}</h2>
      <dl class="summary">
        <dt>{at('role')}</dt>
        <dd>{at(`role.${user.role}`)}</dd>
        <dt>{at('email')}</dt>
        <dd>{user.email}</dd>
        <dt>{at('memberSince')}</dt>
        <dd>{formatDate(user.createdAt)}</dd>
        {user.consultationUrl ? (
          <>
            <dt>{at('consultationUrl')}</dt>
            <dd>
              <a href={user.consultationUrl} class="url">
                {user.consultationUrl}
              </a>
              <span class="hint">{at('consultationUrlHint')}</span>
            </dd>
          </>
        ) : null}
        {user.referralUrl ? (
          <>
            <dt>{at('referralUrl')}</dt>
            <dd>
              <a href={user.referralUrl} class="url">
                {user.referralUrl}
              </a>
              <span class="hint">{at('referralUrlHint')}</span>
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

function PhotoSection({ slug }: { slug: string }) {
  // The API caches the photo for a few minutes: a new query string shows a new upload at once.
  const [version, setVersion] = useState(() => Date.now());
  const [missing, setMissing] = useState(false);
  const form = useForm({ photo: '' });
  return (
    <section class="card" aria-labelledby="account-photo">
      <h2 id="account-photo">{at('photo')}</h2>
      <div class="photo">
        {missing ? (
          <p class="hint">{at('noPhoto')}</p>
        ) : (
          <img
            key={version}
            src={`/api/experts/${encodeURIComponent(slug)}/photo?v=${version}`}
            alt={at('photoAlt')}
            width={96}
            height={96}
            onError={() => setMissing(true)}
          />
        )}
      </div>
      <Form
        form={form}
        label={at('photo')}
        submitLabel={at('photoSubmit')}
        submitClass="button button-secondary"
        validate={() => {
          const photo = form.files.get('photo');
          const problem = photo ? photoProblem(photo) : undefined;
          return problem ? [{ name: 'photo', message: t(problem) }] : [];
        }}
        onSubmit={async () => {
          await uploadPhoto(form.files.get('photo')!);
          setMissing(false);
          setVersion(Date.now());
          form.showSuccess(at('photoSaved'));
        }}
      >
        <FileField form={form} name="photo" label={t('field.photo')} accept={PHOTO_ACCEPT} required hint={t('field.photoHint')} />
      </Form>
    </section>
  );
}

const ADDRESS_PARTS = ['address.line1', 'address.postalCode', 'address.city'] as const;

function DetailsSection({ user }: { user: User }) {
  const required = user.role === 'expert';
  const form = useForm({
    civility: user.civility ?? '',
    birthDate: user.birthDate ?? '',
    profession: user.profession ?? '',
    phoneLandline: user.phoneLandline ?? '',
    phoneMobile: user.phoneMobile ?? '',
    'address.line1': user.address?.line1 ?? '',
    'address.postalCode': user.address?.postalCode ?? '',
    'address.city': user.address?.city ?? '',
    'address.country': user.address?.country ?? 'FR',
    language: user.language,
  });
  return (
    <section class="card" aria-labelledby="account-profile">
      <h2 id="account-profile">{at('profile')}</h2>
      <Form
        form={form}
        label={at('profile')}
        submitLabel={at('profileSubmit')}
        validate={(values) => {
          // An address is all or nothing in the API: once one line is typed, the others are needed.
          if (required || ADDRESS_PARTS.every((name) => values[name].trim() === '')) return [];
          return ADDRESS_PARTS.filter((name) => values[name].trim() === '').map((name) => ({ name, message: t('error.required') }));
        }}
        onSubmit={async (values) => {
          const orNull = (text: string) => text.trim() || null;
          const addressGiven = ADDRESS_PARTS.some((name) => values[name].trim() !== '');
          const update: ProfileUpdate = {
            civility: (values.civility || null) as Civility | null,
            birthDate: orNull(values.birthDate),
            profession: orNull(values.profession),
            phoneLandline: orNull(values.phoneLandline),
            phoneMobile: orNull(values.phoneMobile),
            address: addressGiven
              ? {
                  line1: values['address.line1'].trim(),
                  postalCode: values['address.postalCode'].trim(),
                  city: values['address.city'].trim(),
                  country: values['address.country'],
                }
              : null,
            language: values.language,
          };
          const saved = await updateMe(update);
          currentUser.value = saved;
          // The language chosen for e-mails is the site's too, as the header's switch does the other way round.
          void setLanguage(saved.language);
          form.showSuccess(at('profileSaved'));
        }}
      >
        <p class="hint">{required ? at('profileHintExpert') : at('profileHint')}</p>
        <SelectField form={form} name="civility" label={t('field.civility')} options={civilityOptions()} required={required} autocomplete="honorific-prefix" />
        <TextField form={form} name="birthDate" label={t('field.birthDate')} type="date" required={required} autocomplete="bday" />
        <TextField form={form} name="profession" label={t('field.profession')} maxLength={100} autocomplete="organization-title" />
        <TextField
          form={form}
          name="phoneLandline"
          label={t('field.phoneLandline')}
          type="tel"
          required={required}
          autocomplete="tel"
          hint={t('field.phoneHint')}
        />
        <TextField
          form={form}
          name="phoneMobile"
          label={t('field.phoneMobile')}
          type="tel"
          required={required}
          autocomplete="tel"
          hint={t('field.phoneHint')}
        />
        <Fieldset legend={t('fieldset.address')}>
          <TextField form={form} name="address.line1" label={t('field.addressLine')} required={required} autocomplete="street-address" maxLength={200} />
          <TextField form={form} name="address.postalCode" label={t('field.postalCode')} required={required} autocomplete="postal-code" maxLength={12} />
          <TextField form={form} name="address.city" label={t('field.city')} required={required} autocomplete="address-level2" maxLength={100} />
          <SelectField form={form} name="address.country" label={t('field.country')} options={countryOptions()} required={required} autocomplete="country" />
        </Fieldset>
        <SelectField
          form={form}
          name="language"
          label={at('language')}
          required
          options={[
            { value: 'fr', label: at('language.fr') },
            { value: 'en', label: at('language.en') },
          ]}
        />
      </Form>
    </section>
  );
}
