/**
 * ACC-10: the 6-digit code emailed at signup, typed back on the same page. `EmailCodeField` sits
 * in another form (the booking's payment step); `EmailCodeStep` is the step after the sign-up
 * forms. Both offer "send a new code", rate-limited by the server.
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../../api.ts';
import { EMAIL_CODE_PATTERN, normaliseEmailCode, sendNewEmailCode, verifyEmail } from '../../accounts/email-verification.ts';
import { apiErrorMessage } from '../../ui/errors.ts';
import { Form, TextField, useForm, type FieldError, type FormState, type FormValues } from '../../ui/form.tsx';
import { PageLayout } from '../../ui/page.tsx';
import { sm } from './signup-messages.ts';

/** "123 456" is accepted as typed; anything but six digits is refused before asking the server. */
export function emailCodeProblems(name: string, typed: string): FieldError[] {
  return EMAIL_CODE_PATTERN.test(normaliseEmailCode(typed)) ? [] : [{ name, message: sm('code.format') }];
}

/** The API's refusals of a code, in words: wrong, expired, or too many tries (then only a new code helps). */
export function emailCodeErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'invalid_code') return sm('code.invalid');
    if (error.code === 'code_expired') return sm('code.expired');
    if (error.status === 429) return sm('code.tooManyTries');
  }
  return apiErrorMessage(error);
}

interface EmailCodeFieldProps<Values extends FormValues> {
  form: FormState<Values>;
  name: keyof Values & string;
  email: string | undefined;
}

export function EmailCodeField<Values extends FormValues>({ form, name, email }: EmailCodeFieldProps<Values>) {
  const [resend, setResend] = useState<{ busy: boolean; message: string }>({ busy: false, message: '' });
  const askForNewCode = () => {
    setResend({ busy: true, message: '' });
    sendNewEmailCode().then(
      () => setResend({ busy: false, message: sm('code.resent') }),
      (error: unknown) => {
        const message =
          error instanceof ApiError && error.status === 429
            ? sm('code.tooManyCodes')
            : error instanceof ApiError && error.code === 'email_already_verified'
              ? sm('code.alreadyVerified')
              : apiErrorMessage(error);
        setResend({ busy: false, message });
      },
    );
  };
  return (
    <div class="email-code" data-testid="email-code">
      <p class="email-code-intro">{email ? sm('code.intro', { email }) : sm('code.introWithoutEmail')}</p>
      <TextField form={form} name={name} label={sm('code.field')} required inputMode="numeric" autocomplete="one-time-code" maxLength={7} hint={sm('code.hint')} />
      <p class="email-code-resend">
        <button type="button" class="link-button inline-link" onClick={askForNewCode} disabled={resend.busy}>
          {sm('code.resend')}
        </button>{' '}
        <span role="status">{resend.message}</span>
      </p>
    </div>
  );
}

interface EmailCodeStepProps {
  email: string | undefined;
  notice?: string | undefined;
  /** The address is confirmed, or the person chose to confirm later. */
  onDone: (verified: boolean) => void;
}

/** After a sign-up form: the code step, on the same page. */
export function EmailCodeStep({ email, notice, onDone }: EmailCodeStepProps) {
  const form = useForm({ code: '' });
  return (
    <PageLayout title={sm('code.title')} notice={notice}>
      <Form
        form={form}
        label={sm('code.title')}
        submitLabel={sm('code.submit')}
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
        <EmailCodeField form={form} name="code" email={email} />
      </Form>
      <p>
        <button type="button" class="link-button inline-link" onClick={() => onDone(false)}>
          {sm('code.later')}
        </button>
        <span class="hint"> {sm('code.laterHint')}</span>
      </p>
    </PageLayout>
  );
}
