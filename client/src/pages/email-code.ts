import { h } from '../dom.ts';
import { ApiError, resendEmailCode, verifyEmail } from '../api.ts';
import { apiErrorMessage, createForm, inputField } from '../forms.ts';
import { t, type MessageKey } from '../i18n/index.ts';

/** The code-step messages; `too_many_attempts` here means wrong codes, not sign-ins. */
const CODE_ERRORS: Record<string, MessageKey> = {
  invalid_code: 'emailCode.invalid',
  code_expired: 'emailCode.expired',
  too_many_attempts: 'emailCode.tooManyTries',
  too_many_codes: 'emailCode.tooManyCodes',
};

const messageOf = (error: unknown) => (error instanceof ApiError && CODE_ERRORS[error.code] ? t(CODE_ERRORS[error.code]!) : apiErrorMessage(error));

/**
 * ACC-10: right after signup, on the same page, the 6-digit code emailed to the new user; a
 * button asks for a new one. `onVerified` runs once the API accepted the code.
 */
export function emailCodeStep(options: { email: string; onVerified: () => void; focus?: boolean }): HTMLElement {
  const headingId = 'email-code-title';
  const form = createForm({
    label: t('emailCode.title'),
    submitLabel: t('emailCode.submit'),
    children: [
      inputField({
        name: 'code',
        label: t('emailCode.label'),
        required: true,
        autocomplete: 'one-time-code',
        inputMode: 'numeric',
        maxLength: 6,
        hint: t('emailCode.hint'),
      }),
    ],
    onSubmit: async (handle) => {
      try {
        await verifyEmail(handle.value('code'));
      } catch (error) {
        handle.showErrors([{ name: 'code', message: messageOf(error) }]);
        return;
      }
      options.onVerified();
    },
  });
  const resend = h('button', { type: 'button', class: 'button' }, t('emailCode.resend'));
  resend.addEventListener('click', () => {
    resend.disabled = true;
    resendEmailCode()
      .then(
        () => form.showSuccess(t('emailCode.resent')),
        (error: unknown) => form.showMessage(messageOf(error)),
      )
      .finally(() => {
        resend.disabled = false;
      });
  });
  const step = h(
    'section',
    { class: 'card email-code', 'aria-labelledby': headingId },
    h('h2', { id: headingId, tabindex: '-1' }, t('emailCode.title')),
    h('p', { role: 'status' }, t(options.focus ?? true ? 'emailCode.sent' : 'emailCode.sentEarlier', { email: options.email })),
    form.form,
    h('p', {}, resend),
  );
  // The step replaces the signup form: move focus to the field the user types into now.
  if (options.focus ?? true) queueMicrotask(() => form.control('code')?.focus());
  return step;
}
