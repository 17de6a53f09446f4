import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { login, logout } from '../../api.ts';
import { t } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import { currentUser, reloadCurrentUser, signedIn } from '../../session.ts';
import { Form, TextField, useForm } from '../../ui/form.tsx';
import { ClientSignupForm } from '../signup/client-signup-form.tsx';
import { bookingAddress, readDraft, saveDraft, type BookingChoice } from './booking-choice.ts';
import { bm } from './booking-messages.ts';
import { BookingStepLayout } from './booking-step-layout.tsx';
import type { PublicProfile } from './booking-types.ts';

interface AccountStepProps {
  profile: PublicProfile;
  choice: BookingChoice;
  notice: string | undefined;
}

/**
 * ACC-2 / ACC-7 inside the booking: sign up (four details and the terms) or sign in without
 * leaving the expert's page; the emailed code (ACC-10) is asked on the payment step, while the
 * email travels. Someone already signed in is told who they are and goes on.
 */
export function AccountStep({ profile, choice, notice }: AccountStepProps) {
  const [signingIn, setSigningIn] = useState(false);
  const toPayment = () => navigate(bookingAddress(profile.slug, choice, 'payment'));
  const user = currentUser.value;
  const layout = (children: ComponentChildren) => (
    <BookingStepLayout profile={profile} choice={choice} step="account" title={bm('account.title')} notice={notice}>
      {children}
    </BookingStepLayout>
  );
  if (signedIn.value) {
    if (!user) return layout(<p class="hint">{t('shell.loading')}</p>);
    const signOut = () => void logout();
    if (user.role !== 'client') {
      return layout(
        <div class="card">
          <p class="notice">{bm('account.notClient', { role: bm(user.role === 'expert' ? 'account.role.expert' : 'account.role.admin') })}</p>
          <p>
            <button type="button" class="button button-secondary" onClick={signOut}>
              {t('shell.logout')}
            </button>
          </p>
        </div>,
      );
    }
    return layout(
      <div class="card">
        <p>{bm('account.signedInAs', { name: `${user.firstName} ${user.lastName}`, email: user.email })}</p>
        <p class="actions">
          <button type="button" class="button button-primary button-block" onClick={toPayment}>
            {bm('account.continue')}
          </button>
        </p>
        <p>
          <button type="button" class="link-button inline-link" onClick={signOut}>
            {bm('account.notMe')}
          </button>
        </p>
      </div>,
    );
  }
  const draft = readDraft(profile.slug);
  return layout(
    <div class="card account-forms">
      <p class="hint">{bm('account.intro')}</p>
      <div class="tabs" role="group" aria-label={bm('account.modes')}>
        <button type="button" class="tab" aria-pressed={signingIn ? 'false' : 'true'} onClick={() => setSigningIn(false)}>
          {bm('account.signupTab')}
        </button>
        <button type="button" class="tab" aria-pressed={signingIn ? 'true' : 'false'} onClick={() => setSigningIn(true)}>
          {bm('account.loginTab')}
        </button>
      </div>
      {signingIn ? (
        <SignInForm email={draft.email} onSignedIn={toPayment} />
      ) : (
        <ClientSignupForm
          label={bm('account.signupTab')}
          submitLabel={bm('account.signupSubmit')}
          initial={draft}
          onDraft={(typed) => saveDraft(profile.slug, typed)}
          onSignedUp={toPayment}
        />
      )}
    </div>,
  );
}

/** ACC-4 inline; a client goes on to the payment, any other account is told why it cannot book. */
function SignInForm({ email, onSignedIn }: { email: string; onSignedIn: () => void }) {
  const form = useForm({ email, password: '' });
  return (
    <Form
      form={form}
      label={bm('account.loginTab')}
      submitLabel={bm('account.loginSubmit')}
      submitClass="button button-primary button-block"
      onSubmit={async (values) => {
        await login(values.email.trim(), values.password);
        const user = await reloadCurrentUser();
        if (user?.role === 'client') onSignedIn();
      }}
    >
      <TextField form={form} name="email" label={t('field.email')} type="email" required autocomplete="email" inputMode="email" />
      <TextField form={form} name="password" label={t('field.password')} type="password" required autocomplete="current-password" />
    </Form>
  );
}
