import { useEffect, useId } from 'preact/hooks';
import { t } from '../i18n/index.ts';
import type { FormState, FormValues } from './form.tsx';
import './kit.css';

interface TextAreaFieldProps<Values extends FormValues> {
  form: FormState<Values>;
  name: keyof Values & string;
  label: string;
  hint?: string;
  rows?: number;
  maxLength?: number;
}

/** A few paragraphs of text (an expert's presentation), optional, its value in the form's state like every control. */
export function TextAreaField<Values extends FormValues>({ form, name, label, hint, rows = 6, maxLength }: TextAreaFieldProps<Values>) {
  const id = useId();
  form.rules.set(name, { required: false, type: 'textarea', requiredMessage: undefined, minLength: undefined });
  useEffect(() => () => void form.rules.delete(name), [form, name]);
  const error = form.errors.value[name];
  const value = form.values.value[name];
  const describedBy = [error ? `${id}-error` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class="field">
      <label for={id}>
        {label}
        <span class="optional"> {t('form.optional')}</span>
      </label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <textarea
        id={id}
        name={name}
        rows={rows}
        maxLength={maxLength}
        value={typeof value === 'string' ? value : ''}
        onInput={(event) => form.set(name, event.currentTarget.value as Values[typeof name])}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
      />
      <p class="field-error" id={`${id}-error`} hidden={!error}>
        {error ?? ''}
      </p>
    </div>
  );
}
