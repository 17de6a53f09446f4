import { useState } from 'preact/hooks';
import { ApiError, resendEmailCode, verifyEmail } from '../../api.ts';
import { t, type MessageKey } from '../../i18n/index.ts';
import { reloadCurrentUser } from '../../session.ts';
import { apiErrorMessage } from '../../ui/errors.ts';
import { Form, TextField, useForm } from '../../ui/form.tsx';
import { refreshDashboard } from './dashboard-store.ts';

/** The code step's refusals; `too_many_attempts` here means wrong codes, not sign-ins. */
const CODE_ERRORS: Record<string, MessageKey> = {
  invalid_code: 'emailCode.invalid',
  code_expired: 'emailCode.expired',
  too_many_attempts: 'emailCode.tooManyTries',
  too_many_codes: 'emailCode.tooManyCodes',
};
const messageOf = (error: unknown) => (error instanceof ApiError && CODE_ERRORS[error.code] ? t(CODE_ERRORS[error.code]!) : apiErrorMessage(error));

/**
 * ACC-10 on the dashboard: an expert publishes only with a verified email, so until then the code
 * emailed at signup can be typed here (or a new one asked for), first thing on the page.
 */
export function EmailCheck({ email }: { email: string }) {
  const form = useForm({ code: '' });
  const [resending, setResending] = useState(false);
  return (
    <section class="card email-check" id="adresse-email" aria-labelledby="email-check-title">
      <h2 id="email-check-title">{t('emailCode.title')}</h2>
      <p>{t('emailCode.pending')}</p>
      <p class="hint">{t('emailCode.sentEarlier', { email })}</p>
      <Form
        form={form}
        label={t('emailCode.title')}
        submitLabel={t('emailCode.submit')}
        onSubmit={async ({ code }) => {
          try {
            await verifyEmail(code.trim());
          } catch (error) {
            form.showErrors([{ name: 'code', message: messageOf(error) }]);
            return;
          }
          form.showSuccess(t('emailCode.verified'));
          await Promise.all([reloadCurrentUser(), refreshDashboard()]);
        }}
        secondaryActions={
          <button
            type="button"
            class="button button-secondary"
            disabled={resending}
            onClick={() => {
              setResending(true);
              resendEmailCode()
                .then(
                  () => form.showSuccess(t('emailCode.resent')),
                  (error: unknown) => form.showMessage(messageOf(error)),
                )
                .finally(() => setResending(false));
            }}
          >
            {t('emailCode.resend')}
          </button>
        }
      >
        <TextField
          form={form}
          name="code"
          label={t('emailCode.label')}
          hint={t('emailCode.hint')}
          required
          autocomplete="one-time-code"
          inputMode="numeric"
          maxLength={6}
        />
      </Form>
    </section>
  );
}
