/**
 * ACC-10 in "my account": an address not verified at signup is verified here, with the code
 * emailed then or a new one. Booking, publishing a page and payouts wait for it, so every
 * account section shows this until it is done.
 */
import { useState } from 'preact/hooks';
import { resendEmailCode, verifyEmail, type User } from '../../api.ts';
import { t, type MessageKey } from '../../i18n/index.ts';
import { reloadCurrentUser } from '../../session.ts';
import { errorInWords } from '../../ui/error-words.ts';
import { Form, TextField, useForm } from '../../ui/form.tsx';

/** The code step's refusals; `too_many_attempts` here means wrong codes, not sign-ins. */
const CODE_ERRORS: Record<string, MessageKey> = {
  invalid_code: 'emailCode.invalid',
  code_expired: 'emailCode.expired',
  too_many_attempts: 'emailCode.tooManyTries',
  too_many_codes: 'emailCode.tooManyCodes',
};
const codeErrorWords = (code: string) => (CODE_ERRORS[code] ? t(CODE_ERRORS[code]) : undefined);
/** ACC-10: the code is six digits. */
const CODE_LENGTH = 6;

export function EmailVerificationSection({ user, onVerified }: { user: User; onVerified: (message: string) => void }) {
  const form = useForm({ code: '' });
  const [sending, setSending] = useState(false);
  return (
    <section class="card email-code" aria-labelledby="email-code-title">
      <h2 id="email-code-title">{t('emailCode.title')}</h2>
      <p class="notice">{t('emailCode.pending')}</p>
      <p>{t('emailCode.sentEarlier', { email: user.email })}</p>
      <Form
        form={form}
        label={t('emailCode.title')}
        submitLabel={t('emailCode.submit')}
        onSubmit={async (values) => {
          try {
            await verifyEmail(values.code.trim());
          } catch (error) {
            form.showErrors([{ name: 'code', message: errorInWords(error, codeErrorWords) }]);
            return;
          }
          await reloadCurrentUser();
          onVerified(t('emailCode.verified'));
        }}
        secondaryActions={
          <button
            type="button"
            class="button button-secondary"
            disabled={sending}
            onClick={() => {
              setSending(true);
              resendEmailCode()
                .then(
                  () => form.showSuccess(t('emailCode.resent')),
                  (error: unknown) => form.showMessage(errorInWords(error, codeErrorWords)),
                )
                .finally(() => setSending(false));
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
          maxLength={CODE_LENGTH}
        />
      </Form>
    </section>
  );
}
