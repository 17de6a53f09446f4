/**
 * ACC-10: the 6-digit code emailed at signup, typed back on the same page. `EmailCodeField` sits
 * in another form (the booking's payment step); `EmailCodeStep` replaces a sign-up form once the
 * account exists, its field focused. Both offer "send a new code", rate-limited by the server, in
 * the shared words of the code step ("my account" has one too).
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api.ts';
import { EMAIL_CODE_PATTERN, normaliseEmailCode, sendNewEmailCode, verifyEmail } from '../../accounts/email-verification.ts';
import { apiErrorMessage } from '../../ui/errors.ts';
import { Form, TextField, useForm, type FieldError, type FormState, type FormValues } from '../../ui/form.tsx';
import { t } from '../../i18n/index.ts';
import { sm } from './signup-messages.ts';

/** "123 456" is accepted as typed; anything but six digits is refused before asking the server. */
export function emailCodeProblems(name: string, typed: string): FieldError[] {
  return EMAIL_CODE_PATTERN.test(normaliseEmailCode(typed)) ? [] : [{ name, message: sm('code.format') }];
}

/** The API's refusals of a code, in words: wrong, expired, or too many tries (then only a new code helps). */
export function emailCodeErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'invalid_code') return t('emailCode.invalid');
    if (error.code === 'code_expired') return t('emailCode.expired');
    if (error.status === 429) return t('emailCode.tooManyTries');
  }
  return apiErrorMessage(error);
}

interface EmailCodeFieldProps<Values extends FormValues> {
  form: FormState<Values>;
  name: keyof Values & string;
  email: string;
  /** Just signed up ("your account is created, we sent…"), or a code sent earlier. */
  justSignedUp: boolean;
}

export function EmailCodeField<Values extends FormValues>({ form, name, email, justSignedUp }: EmailCodeFieldProps<Values>) {
  const [resend, setResend] = useState<{ busy: boolean; message: string }>({ busy: false, message: '' });
  const askForNewCode = () => {
    setResend({ busy: true, message: '' });
    sendNewEmailCode().then(
      () => setResend({ busy: false, message: t('emailCode.resent') }),
      (error: unknown) => {
        const message =
          error instanceof ApiError && error.status === 429
            ? t('emailCode.tooManyCodes')
            : error instanceof ApiError && error.code === 'email_already_verified'
              ? sm('code.alreadyVerified')
              : apiErrorMessage(error);
        setResend({ busy: false, message });
      },
    );
  };
  return (
    <div class="email-code" data-testid="email-code">
      <p class="email-code-intro" role="status">
        {justSignedUp ? t('emailCode.sent', { email }) : t('emailCode.sentEarlier', { email })}
      </p>
      <TextField
        form={form}
        name={name}
        label={t('emailCode.label')}
        required
        inputMode="numeric"
        autocomplete="one-time-code"
        maxLength={7}
        hint={t('emailCode.hint')}
      />
      <p class="email-code-resend">
        <button type="button" class="link-button inline-link" onClick={askForNewCode} disabled={resend.busy}>
          {t('emailCode.resend')}
        </button>{' '}
        <span role="status">{resend.message}</span>
      </p>
    </div>
  );
}

interface EmailCodeStepProps {
  email: string;
  /** The account was created a moment ago (not a reload of the page later). */
  justSignedUp: boolean;
  /** The address is verified, or the person chose to verify it later. */
  onDone: (verified: boolean) => void;
}

/** After a sign-up form, in its place on the same page. */
export function EmailCodeStep({ email, justSignedUp, onDone }: EmailCodeStepProps) {
  const form = useForm({ code: '' });
  // The step replaces the form the person was typing into: the code field is where they type next.
  useEffect(() => (form.element.current?.elements.namedItem('code') as HTMLInputElement | null)?.focus(), []);
  return (
    <section class="card email-code-step" aria-labelledby="email-code-title">
      <h2 id="email-code-title">{t('emailCode.title')}</h2>
      <Form
        form={form}
        label={t('emailCode.title')}
        submitLabel={t('emailCode.submit')}
        validate={(values) => emailCodeProblems('code', values.code)}
        onSubmit={async (values) => {
          try {
            await verifyEmail(values.code);
          } catch (error) {
            form.showErrors([{ name: 'code', message: emailCodeErrorMessage(error) }]);
            return;
          }
          onDone(true);
        }}
      >
        <EmailCodeField form={form} name="code" email={email} justSignedUp={justSignedUp} />
      </Form>
      <p>
        <button type="button" class="link-button inline-link" onClick={() => onDone(false)}>
          {sm('code.later')}
        </button>
        <span class="hint"> {sm('code.laterHint')}</span>
      </p>
    </section>
  );
}
