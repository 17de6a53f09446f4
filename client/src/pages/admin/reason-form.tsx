/**
 * TRUST-4: every console action says why. The form of an action's dialog: what it will do, the
 * reason (required, written to the audit log), and the action's own button.
 */
import type { ComponentChildren } from 'preact';
import { errorInWords } from '../../ui/error-words.ts';
import { Form, TextAreaField, useForm, type FieldError, type FormState } from '../../ui/form.tsx';
import { adminErrorWords, am } from './admin-messages.ts';

/** The audit log keeps reasons of up to 2000 characters (AUDIT_REASON_MAX_LENGTH). */
const REASON_MAX_LENGTH = 2000;

export type ReasonValues = { reason: string } & Record<string, string | boolean>;

interface ReasonFormProps<Values extends ReasonValues> {
  initial: Values;
  label: string;
  /** What the action will do, said before it is confirmed. */
  effect?: string;
  submitLabel: string;
  danger?: boolean;
  validate?: (values: Values) => FieldError[];
  /** Sends the action; a refusal from the API is shown in the form. */
  onSubmit: (values: Values) => Promise<void>;
  children?: (form: FormState<Values>) => ComponentChildren;
}

export function ReasonForm<Values extends ReasonValues>({
  initial,
  label,
  effect,
  submitLabel,
  danger,
  validate,
  onSubmit,
  children,
}: ReasonFormProps<Values>) {
  const form = useForm<Values>(initial);
  return (
    <>
      {effect ? <p>{effect}</p> : null}
      <Form
        form={form}
        label={label}
        submitLabel={submitLabel}
        submitClass={danger ? 'button button-primary button-danger' : 'button button-primary'}
        validate={validate}
        onSubmit={async (values) => {
          try {
            await onSubmit({ ...values, reason: values.reason.trim() });
          } catch (error) {
            form.status.value = { kind: 'error', message: errorInWords(error, adminErrorWords) };
          }
        }}
      >
        {children?.(form)}
        <TextAreaField form={form} name="reason" label={am('reason')} required rows={3} maxLength={REASON_MAX_LENGTH} />
      </Form>
    </>
  );
}
