import { useEffect } from 'preact/hooks';
import { registerClient, type User } from '../../api.ts';
import { language, t } from '../../i18n/index.ts';
import { PASSWORD_MIN_LENGTH } from '../../password.ts';
import { CheckboxField, Fieldset, Form, RequiredNote, TextField, useForm } from '../../ui/form.tsx';

export interface ClientSignupDraft {
  firstName: string;
  lastName: string;
  email: string;
}

interface ClientSignupFormProps {
  /** Accessible name of the form. */
  label: string;
  submitLabel: string;
  initial?: ClientSignupDraft;
  /** What was typed so far (never the password), for a flow that must survive a reload. */
  onDraft?: (draft: ClientSignupDraft) => void;
  onSignedUp: (user: User) => void | Promise<void>;
}

/**
 * ACC-1 / ACC-2: a client account in four details and the terms, the rest later in "my account".
 * Used by `/inscription/client` and inside the booking flow (which never leaves the expert's page).
 */
export function ClientSignupForm({ label, submitLabel, initial, onDraft, onSignedUp }: ClientSignupFormProps) {
  const form = useForm({
    firstName: initial?.firstName ?? '',
    lastName: initial?.lastName ?? '',
    email: initial?.email ?? '',
    password: '',
    acceptTerms: false,
  });
  // Kept as it is typed (a subscription runs at once, an effect only after the next frame): a reload right after typing loses nothing.
  useEffect(() => (onDraft ? form.values.subscribe(({ firstName, lastName, email }) => onDraft({ firstName, lastName, email })) : undefined), []);
  return (
    <Form
      form={form}
      label={label}
      submitLabel={submitLabel}
      onSubmit={async (values) => {
        const user = await registerClient({
          firstName: values.firstName.trim(),
          lastName: values.lastName.trim(),
          email: values.email.trim(),
          password: values.password,
          acceptTerms: true,
          language: language(),
        });
        await onSignedUp(user);
      }}
    >
      <RequiredNote />
      <TextField form={form} name="firstName" label={t('field.firstName')} required autocomplete="given-name" maxLength={100} />
      <TextField form={form} name="lastName" label={t('field.lastName')} required autocomplete="family-name" maxLength={100} />
      <TextField form={form} name="email" label={t('field.email')} type="email" required autocomplete="email" inputMode="email" hint={t('field.emailHint')} />
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
      <Fieldset legend={t('fieldset.commitments')}>
        <CheckboxField form={form} name="acceptTerms" label={t('field.acceptTerms.client')} required />
      </Fieldset>
    </Form>
  );
}
