/**
 * Two controls the shared form kit does not draw, wired the same way (label, hint, error tied
 * with aria-describedby, aria-invalid, the form's checks): a select whose options are grouped
 * (slots by day) and may have no empty entry (a test card is always chosen).
 */
import { Fragment } from 'preact';
import { useEffect, useId } from 'preact/hooks';
import type { FormState, FormValues } from '../../ui/form.tsx';

export interface SelectGroup {
  /** No label: the options sit at the top level. */
  label?: string;
  options: readonly { value: string; label: string }[];
}

interface GroupedSelectProps<Values extends FormValues> {
  form: FormState<Values>;
  name: keyof Values & string;
  label: string;
  hint?: string;
  /** Shown as required; the page's own check says what is missing. */
  required?: boolean;
  /** The first, empty entry ("Choose…"); none when a value is always chosen. */
  placeholder?: string;
  groups: readonly SelectGroup[];
  disabled?: boolean;
  onChange?: (value: string) => void;
}

export function GroupedSelectField<Values extends FormValues>(props: GroupedSelectProps<Values>) {
  const { form, name, label, hint, required, placeholder, groups } = props;
  const id = useId();
  // The form checks what each mounted control declares (ui/form.tsx). A required choice here (a slot)
  // is checked by its page, which words what is missing ("Choose a slot"), so it declares none.
  form.rules.set(name, { required: false, type: 'select', requiredMessage: undefined, minLength: undefined });
  useEffect(() => () => void form.rules.delete(name), [form, name]);
  const error = form.errors.value[name];
  const value = form.values.value[name];
  const describedBy = [error && `${id}-error`, hint && `${id}-hint`].filter(Boolean).join(' ') || undefined;
  const option = (choice: { value: string; label: string }) => (
    <option key={choice.value} value={choice.value}>
      {choice.label}
    </option>
  );
  return (
    <div class="field">
      <label for={id}>
        {label}
        {required ? (
          <span class="required-mark" aria-hidden="true">
            {' *'}
          </span>
        ) : null}
      </label>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <select
        id={id}
        name={name}
        value={typeof value === 'string' ? value : ''}
        disabled={props.disabled}
        onChange={(event) => {
          form.set(name, event.currentTarget.value as Values[typeof name]);
          props.onChange?.(event.currentTarget.value);
        }}
        required={required}
        aria-required={required ? 'true' : undefined}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {groups.map((group, index) =>
          group.label ? (
            <optgroup key={group.label} label={group.label}>
              {group.options.map(option)}
            </optgroup>
          ) : (
            <Fragment key={index}>{group.options.map(option)}</Fragment>
          ),
        )}
      </select>
      <p class="field-error" id={`${id}-error`} hidden={!error}>
        {error ?? ''}
      </p>
    </div>
  );
}
