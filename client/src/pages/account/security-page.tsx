/** `/compte/securite`: the password (ACC-5: changing it signs every other session out) and signing out. */
import { useState } from 'preact/hooks';
import { changePassword, logout, type User } from '../../api.ts';
import { t } from '../../i18n/index.ts';
import { PASSWORD_MIN_LENGTH } from '../../password.ts';
import { navigate, type PageProps } from '../../router.ts';
import { Form, TextField, useForm } from '../../ui/form.tsx';
import { AccountLayout } from './account-layout.tsx';
import { at } from './account-messages.ts';

export default function SecurityPage({ notice }: PageProps) {
  return (
    <AccountLayout notice={notice}>
      {(user) => (
        <>
          <PasswordSection user={user} />
          <SessionSection />
        </>
      )}
    </AccountLayout>
  );
}

function PasswordSection({ user }: { user: User }) {
  const form = useForm({ currentPassword: '', newPassword: '' });
  return (
    <section class="card" aria-labelledby="account-password">
      <h2 id="account-password">{at('password')}</h2>
      <p class="hint">{at('passwordHint')}</p>
      <Form
        form={form}
        label={at('password')}
        submitLabel={at('passwordSubmit')}
        onSubmit={async (values) => {
          try {
            await changePassword(user.email, values.currentPassword, values.newPassword);
          } catch (error) {
            // The API names the new password `password` in its strength errors.
            form.showApiError(error, { password: 'newPassword' });
            return;
          }
          form.values.value = { currentPassword: '', newPassword: '' };
          form.showSuccess(at('passwordChanged'));
        }}
      >
        {/* Lets password managers tie the new password to the right account. */}
        <input type="email" name="username" value={user.email} autoComplete="username" hidden readOnly tabIndex={-1} aria-hidden="true" />
        <TextField form={form} name="currentPassword" label={t('field.currentPassword')} type="password" required autocomplete="current-password" />
        <TextField
          form={form}
          name="newPassword"
          label={t('field.newPassword')}
          type="password"
          required
          autocomplete="new-password"
          hint={t('field.passwordHint')}
          minLength={{ length: PASSWORD_MIN_LENGTH, message: 'error.passwordTooShort' }}
        />
      </Form>
    </section>
  );
}

function SessionSection() {
  const [busy, setBusy] = useState(false);
  return (
    <section class="card" aria-labelledby="account-session">
      <h2 id="account-session">{at('session')}</h2>
      <p>{at('sessionHint')}</p>
      <button
        type="button"
        class="button button-secondary"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void logout().then(() => navigate('/connexion', { notice: t('account.loggedOut') }));
        }}
      >
        {at('logout')}
      </button>
    </section>
  );
}
