/**
 * Accessible forms rendered from state. Every value lives in the form's state (so a
 * re-render, e.g. a language switch, never loses what was typed or chosen); each control
 * has a <label>, its hint and error are tied to it with aria-describedby, an error sets
 * aria-invalid, focus goes to the first invalid control, and form-level messages are
 * announced through a polite live region.
 */
import { useSignal, type Signal } from '@preact/signals';
import type { ComponentChildren, TargetedEvent } from 'preact';
import { useEffect, useId, useMemo, useRef } from 'preact/hooks';
import { t, type MessageKey } from '../i18n/index.ts';
import { apiErrorMessage, apiErrorParam } from './errors.ts';

export type FormValues = Record<string, string | boolean>;
export type StatusKind = 'error' | 'success' | 'info';

export interface FieldError {
  name: string;
  message: string;
}

/** What a control requires, checked before sending (the API checks again). */
interface FieldRules {
  required: boolean;
  type: string;
  requiredMessage: MessageKey | undefined;
  minLength: { length: number; message: MessageKey } | undefined;
}

export interface FormState<Values extends FormValues> {
  values: Signal<Values>;
  errors: Signal<Partial<Record<string, string>>>;
  status: Signal<{ kind: StatusKind; message: string }>;
  busy: Signal<boolean>;
  /** Files cannot live in a value: file controls keep their choice here. */
  files: Map<string, File>;
  set<Name extends keyof Values & string>(name: Name, value: Values[Name]): void;
  showErrors(errors: readonly FieldError[]): void;
  /** Puts an API error next to its field when `param` names one, else in the form's live region. */
  showApiError(error: unknown, paramToField?: Record<string, string>): void;
  showSuccess(message: string): void;
  showMessage(message: string): void;
  /** Internal: the rules each mounted control declared. */
  rules: Map<string, FieldRules>;
  element: { current: HTMLFormElement | null };
}

export function useForm<Values extends FormValues>(initial: Values): FormState<Values> {
  const values = useSignal(initial);
  const errors = useSignal<Partial<Record<string, string>>>({});
  const status = useSignal<{ kind: StatusKind; message: string }>({ kind: 'info', message: '' });
  const busy = useSignal(false);
  const element = useRef<HTMLFormElement>(null);
  return useMemo(() => {
    const focusControl = (name: string) => {
      const control = element.current?.elements.namedItem(name);
      if (control instanceof HTMLElement) control.focus();
      else if (control instanceof RadioNodeList) (control[0] as HTMLElement | undefined)?.focus();
    };
    const state: FormState<Values> = {
      values,
      errors,
      status,
      busy,
      files: new Map(),
      rules: new Map(),
      element,
      set(name, value) {
        values.value = { ...values.value, [name]: value };
        if (errors.value[name] !== undefined) errors.value = { ...errors.value, [name]: undefined };
      },
      showErrors(list) {
        const placed: Record<string, string> = {};
        const unplaced: string[] = [];
        for (const error of list) {
          if (!state.rules.has(error.name)) unplaced.push(error.message);
          else placed[error.name] ??= error.message;
        }
        errors.value = placed;
        const count = Object.keys(placed).length;
        const summary = count === 0 ? '' : count === 1 ? t('form.errorSummary.one') : t('form.errorSummary.many', { count });
        status.value = { kind: 'error', message: [summary, ...unplaced].filter(Boolean).join(' ') };
        const first = list.find((error) => error.name in placed);
        if (first) focusControl(first.name);
      },
      showApiError(error, paramToField = {}) {
        const message = apiErrorMessage(error);
        const param = apiErrorParam(error);
        const field = param === undefined ? undefined : (paramToField[param] ?? param);
        if (field !== undefined && state.rules.has(field)) state.showErrors([{ name: field, message }]);
        else {
          errors.value = {};
          status.value = { kind: 'error', message };
        }
      },
      showSuccess(message) {
        errors.value = {};
        status.value = { kind: 'success', message };
      },
      showMessage(message) {
        status.value = { kind: 'info', message };
      },
    };
    return state;
    // The signals and the ref are stable for the component's life.
  }, []);
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Same normalisation as the API: French national numbers or E.164, separators ignored. */
export function looksLikePhoneNumber(value: string): boolean {
  const compact = value.replace(/[\s.()-]/g, '').replace(/^00/, '+');
  return /^0[1-9]\d{8}$/.test(compact) || /^\+[1-9]\d{6,14}$/.test(compact);
}

function genericErrors(form: FormState<FormValues>): FieldError[] {
  const errors: FieldError[] = [];
  for (const [name, rules] of form.rules) {
    const raw = rules.type === 'file' ? form.files.has(name) : form.values.value[name];
    const error = (key: MessageKey) => errors.push({ name, message: t(key) });
    if (typeof raw === 'boolean') {
      if (rules.required && !raw) error(rules.requiredMessage ?? (rules.type === 'checkbox' ? 'error.mustTick' : 'error.required'));
      continue;
    }
    const value = (raw ?? '').trim();
    if (value === '') {
      if (rules.required) error(rules.requiredMessage ?? 'error.required');
      continue;
    }
    if (rules.type === 'email' && !EMAIL_SHAPE.test(value)) error('error.email');
    else if (rules.type === 'tel' && !looksLikePhoneNumber(value)) error('error.phone');
    else if (rules.minLength && (raw ?? '').length < rules.minLength.length) error(rules.minLength.message);
  }
  return errors;
}

interface FormProps<Values extends FormValues> {
  form: FormState<Values>;
  /** Accessible name of the form (usually its heading's text). */
  label: string;
  submitLabel: string;
  submitClass?: string;
  /** Checks beyond the generic ones (required, email, length, phone); returns the problems found. */
  validate?: (values: Values) => FieldError[];
  onSubmit: (values: Values) => Promise<void>;
  /** Controls shown beside the submit button (a "Back" button of a flow). */
  secondaryActions?: ComponentChildren;
  /** The form cannot be sent at all (its payment module failed to load); the page says why. */
  submitDisabled?: boolean;
  children?: ComponentChildren;
}

export function Form<Values extends FormValues>({
  form,
  label,
  submitLabel,
  submitClass,
  validate,
  onSubmit,
  secondaryActions,
  submitDisabled,
  children,
}: FormProps<Values>) {
  const handleSubmit = (event: TargetedEvent<HTMLFormElement, SubmitEvent>) => {
    event.preventDefault();
    if (form.busy.value || submitDisabled) return;
    const errors = [...genericErrors(form), ...(validate?.(form.values.value) ?? [])];
    if (errors.length > 0) {
      form.showErrors(errors);
      return;
    }
    form.errors.value = {};
    form.busy.value = true;
    form.status.value = { kind: 'info', message: t('form.sending') };
    onSubmit(form.values.value)
      .then(
        () => {
          if (form.status.value.kind === 'info' && form.status.value.message === t('form.sending')) form.status.value = { kind: 'info', message: '' };
        },
        (error: unknown) => form.showApiError(error),
      )
      .finally(() => {
        form.busy.value = false;
      });
  };
  const status = form.status.value;
  return (
    // noValidate: our messages replace the browser's bubbles, which vanish and are not read reliably.
    <form ref={form.element} noValidate aria-label={label} aria-busy={form.busy.value ? 'true' : undefined} onSubmit={handleSubmit}>
      {children}
      <div class="form-status" aria-live="polite" data-kind={status.kind}>
        {status.message}
      </div>
      <div class="actions">
        {secondaryActions}
        <button type="submit" class={submitClass ?? 'button button-primary'} disabled={form.busy.value || submitDisabled}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

interface FieldProps<Values extends FormValues> {
  form: FormState<Values>;
  /** The API's field path (`address.postalCode`), so an API error's `param` finds its control. */
  name: keyof Values & string;
  label: string;
  required?: boolean;
  hint?: string;
  /** Message when a required control is left empty, instead of the generic one. */
  requiredMessage?: MessageKey;
}

/** Declares the control's rules to its form for as long as it is on screen. */
function useRules(form: FormState<FormValues>, name: string, rules: FieldRules): void {
  form.rules.set(name, rules);
  useEffect(() => () => void form.rules.delete(name), [form, name]);
}

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  const list = ids.filter(Boolean);
  return list.length ? list.join(' ') : undefined;
}

function Label({ id, label, required }: { id: string; label: string; required: boolean | undefined }) {
  return (
    <label for={id}>
      {label}
      {/* The control's `required` state is what assistive technology announces; the star is for the eye. */}
      {required ? (
        <span class="required-mark" aria-hidden="true">
          {' *'}
        </span>
      ) : (
        <span class="optional"> {t('form.optional')}</span>
      )}
    </label>
  );
}

function ErrorText({ id, message }: { id: string; message: string | undefined }) {
  return (
    <p class="field-error" id={id} hidden={!message}>
      {message ?? ''}
    </p>
  );
}

interface TextFieldProps<Values extends FormValues> extends FieldProps<Values> {
  type?: 'text' | 'email' | 'password' | 'date' | 'datetime-local' | 'tel' | 'number' | 'search';
  autocomplete?: string;
  maxLength?: number;
  inputMode?: 'text' | 'numeric' | 'decimal' | 'tel' | 'email' | 'search';
  placeholder?: string;
  /** Shortest accepted value, checked before sending. */
  minLength?: { length: number; message: MessageKey };
  min?: string;
  max?: string;
  step?: string;
  /** Text after the control ("€"), tied to it for screen readers. */
  suffix?: string;
}

export function TextField<Values extends FormValues>(props: TextFieldProps<Values>) {
  const { form, name, label, required, hint, type = 'text' } = props;
  const id = useId();
  useRules(form, name, { required: !!required, type, requiredMessage: props.requiredMessage, minLength: props.minLength });
  const error = form.errors.value[name];
  const value = form.values.value[name];
  return (
    <div class="field">
      <Label id={id} label={label} required={required} />
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <div class={props.suffix ? 'input-with-suffix' : undefined}>
        <input
          id={id}
          name={name}
          // Preact types each input type's allowed roles separately; these controls set no role.
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- the linter's type view misses that union check
          type={type as 'text'}
          value={typeof value === 'string' ? value : ''}
          onInput={(event) => form.set(name, event.currentTarget.value as Values[typeof name])}
          autoComplete={props.autocomplete}
          maxLength={props.maxLength}
          inputMode={props.inputMode}
          placeholder={props.placeholder}
          min={props.min}
          max={props.max}
          step={props.step}
          required={required}
          aria-required={required ? 'true' : undefined}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy(error && `${id}-error`, hint && `${id}-hint`, props.suffix && `${id}-suffix`)}
        />
        {props.suffix ? (
          <span class="input-suffix" id={`${id}-suffix`}>
            {props.suffix}
          </span>
        ) : null}
      </div>
      <ErrorText id={`${id}-error`} message={error} />
    </div>
  );
}

interface TextAreaFieldProps<Values extends FormValues> extends FieldProps<Values> {
  rows?: number;
  maxLength?: number;
  minLength?: { length: number; message: MessageKey };
}

/** Free text over several lines (a comment, a reason for the audit log). */
export function TextAreaField<Values extends FormValues>(props: TextAreaFieldProps<Values>) {
  const { form, name, label, required, hint } = props;
  const id = useId();
  useRules(form, name, { required: !!required, type: 'textarea', requiredMessage: props.requiredMessage, minLength: props.minLength });
  const error = form.errors.value[name];
  const value = form.values.value[name];
  return (
    <div class="field">
      <Label id={id} label={label} required={required} />
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <textarea
        id={id}
        name={name}
        rows={props.rows ?? 3}
        value={typeof value === 'string' ? value : ''}
        onInput={(event) => form.set(name, event.currentTarget.value as Values[typeof name])}
        maxLength={props.maxLength}
        required={required}
        aria-required={required ? 'true' : undefined}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(error && `${id}-error`, hint && `${id}-hint`)}
      />
      <ErrorText id={`${id}-error`} message={error} />
    </div>
  );
}

interface SelectFieldProps<Values extends FormValues> extends FieldProps<Values> {
  options: readonly { value: string; label: string }[];
  autocomplete?: string;
}

export function SelectField<Values extends FormValues>(props: SelectFieldProps<Values>) {
  const { form, name, label, required, hint, options } = props;
  const id = useId();
  useRules(form, name, { required: !!required, type: 'select', requiredMessage: props.requiredMessage, minLength: undefined });
  const error = form.errors.value[name];
  const value = form.values.value[name];
  return (
    <div class="field">
      <Label id={id} label={label} required={required} />
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <select
        id={id}
        name={name}
        value={typeof value === 'string' ? value : ''}
        onChange={(event) => form.set(name, event.currentTarget.value as Values[typeof name])}
        autoComplete={props.autocomplete}
        required={required}
        aria-required={required ? 'true' : undefined}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(error && `${id}-error`, hint && `${id}-hint`)}
      >
        <option value="">{t('form.choose')}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <ErrorText id={`${id}-error`} message={error} />
    </div>
  );
}

/** A box to tick; the label follows the box, as people expect. */
export function CheckboxField<Values extends FormValues>(props: FieldProps<Values> & { children?: ComponentChildren }) {
  const { form, name, label, required } = props;
  const id = useId();
  useRules(form, name, { required: !!required, type: 'checkbox', requiredMessage: props.requiredMessage, minLength: undefined });
  const error = form.errors.value[name];
  return (
    <div class="field field-checkbox">
      <div class="checkbox-row">
        <input
          id={id}
          name={name}
          type="checkbox"
          checked={form.values.value[name] === true}
          onChange={(event) => form.set(name, event.currentTarget.checked as Values[typeof name])}
          required={required}
          aria-required={required ? 'true' : undefined}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy(error && `${id}-error`)}
        />
        <label for={id}>
          {label}
          {props.children}
          {required ? (
            <span class="required-mark" aria-hidden="true">
              {' *'}
            </span>
          ) : null}
        </label>
      </div>
      <ErrorText id={`${id}-error`} message={error} />
    </div>
  );
}

export interface Choice {
  value: string;
  label: ComponentChildren;
  hint?: ComponentChildren;
  disabled?: boolean;
}

/** One choice among a few, all visible (mode, package, card): radios in a fieldset. */
export function RadioGroup<Values extends FormValues>(props: FieldProps<Values> & { choices: readonly Choice[]; class?: string }) {
  const { form, name, label, required, hint, choices } = props;
  const id = useId();
  useRules(form, name, { required: !!required, type: 'radio', requiredMessage: props.requiredMessage, minLength: undefined });
  const error = form.errors.value[name];
  const value = form.values.value[name];
  return (
    <fieldset
      class={`radio-group ${props.class ?? ''}`.trim()}
      aria-describedby={describedBy(error && `${id}-error`, hint && `${id}-hint`)}
      aria-invalid={error ? 'true' : undefined}
    >
      <legend>
        {label}
        {required ? (
          <span class="required-mark" aria-hidden="true">
            {' *'}
          </span>
        ) : null}
      </legend>
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {choices.map((choice, index) => (
        <div class="radio-choice" key={choice.value}>
          <input
            id={`${id}-${index}`}
            type="radio"
            name={name}
            value={choice.value}
            checked={value === choice.value}
            disabled={choice.disabled}
            required={required}
            onChange={() => form.set(name, choice.value as Values[typeof name])}
            aria-describedby={choice.hint ? `${id}-${index}-hint` : undefined}
          />
          <label for={`${id}-${index}`}>
            <span class="radio-label">{choice.label}</span>
            {choice.hint ? (
              <span class="radio-hint" id={`${id}-${index}-hint`}>
                {choice.hint}
              </span>
            ) : null}
          </label>
        </div>
      ))}
      <ErrorText id={`${id}-error`} message={error} />
    </fieldset>
  );
}

/** A file to upload; files cannot be form values, so the form keeps the chosen one aside. */
export function FileField<Values extends FormValues>(props: FieldProps<Values> & { accept?: string }) {
  const { form, name, label, required, hint } = props;
  const id = useId();
  useRules(form, name, { required: !!required, type: 'file', requiredMessage: props.requiredMessage, minLength: undefined });
  const error = form.errors.value[name];
  return (
    <div class="field">
      <Label id={id} label={label} required={required} />
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      <input
        id={id}
        name={name}
        type="file"
        accept={props.accept}
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          if (file) form.files.set(name, file);
          else form.files.delete(name);
          if (error) form.errors.value = { ...form.errors.value, [name]: undefined };
        }}
        required={required}
        aria-required={required ? 'true' : undefined}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy(error && `${id}-error`, hint && `${id}-hint`)}
      />
      <ErrorText id={`${id}-error`} message={error} />
    </div>
  );
}

export function Fieldset({ legend, children }: { legend: string; children?: ComponentChildren }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {children}
    </fieldset>
  );
}

export function RequiredNote() {
  return <p class="required-note">{t('form.requiredNote')}</p>;
}
