/**
 * Accessible form building blocks shared by every page: each control has a
 * <label>, its hint and its error are tied to it with aria-describedby, an error
 * sets aria-invalid, focus goes to the first invalid control, and form-level
 * messages are announced through a polite live region.
 */
import { h, uniqueId } from './dom.ts';
import { ApiError } from './api.ts';
import { t, type MessageKey } from './i18n/index.ts';
import { apiErrorMessage } from './ui/errors.ts';

export { apiErrorMessage } from './ui/errors.ts';

type Control = HTMLInputElement | HTMLSelectElement;

interface CommonOptions {
  /** The API's field path (`address.postalCode`), so an API error's `param` finds its control. */
  name: string;
  label: string;
  required?: boolean;
  hint?: string;
  /** Message when a required control is left empty, instead of the generic one. */
  requiredMessage?: MessageKey;
}

export interface InputOptions extends CommonOptions {
  type?: 'text' | 'email' | 'password' | 'date' | 'tel' | 'file';
  value?: string | null;
  autocomplete?: string;
  accept?: string;
  maxLength?: number;
  inputMode?: string;
  /** Shortest accepted value, checked before sending (the API checks again). */
  minLength?: { length: number; message: MessageKey };
}

export interface SelectOptions extends CommonOptions {
  options: readonly { value: string; label: string }[];
  value?: string | null;
  autocomplete?: string;
}

export function inputField(options: InputOptions): HTMLElement {
  const id = uniqueId(`field-${options.name.replace(/\W/g, '-')}`);
  const input = h('input', {
    id,
    name: options.name,
    type: options.type ?? 'text',
    value: options.type === 'file' ? undefined : (options.value ?? undefined),
    autocomplete: options.autocomplete,
    accept: options.accept,
    maxlength: options.maxLength,
    inputmode: options.inputMode,
    required: options.required,
    'aria-required': options.required ? 'true' : undefined,
    'data-min-length': options.minLength?.length,
    'data-min-length-message': options.minLength?.message,
    'data-required-message': options.requiredMessage,
  });
  return fieldWrapper(id, options, input);
}

export function selectField(options: SelectOptions): HTMLElement {
  const id = uniqueId(`field-${options.name.replace(/\W/g, '-')}`);
  const select = h(
    'select',
    {
      id,
      name: options.name,
      autocomplete: options.autocomplete,
      required: options.required,
      'aria-required': options.required ? 'true' : undefined,
      'data-required-message': options.requiredMessage,
    },
    h('option', { value: '' }, t('form.choose')),
    options.options.map((option) => h('option', { value: option.value, selected: option.value === options.value }, option.label)),
  );
  return fieldWrapper(id, options, select);
}

/** A box to tick; the label follows the box, as people expect. */
export function checkboxField(options: CommonOptions & { checked?: boolean }): HTMLElement {
  const id = uniqueId(`field-${options.name}`);
  const input = h('input', {
    id,
    name: options.name,
    type: 'checkbox',
    checked: options.checked,
    required: options.required,
    'aria-required': options.required ? 'true' : undefined,
    'data-required-message': options.requiredMessage ?? 'error.mustTick',
  });
  return h(
    'div',
    { class: 'field field-checkbox' },
    h('div', { class: 'checkbox-row' }, input, h('label', { for: id }, options.label, requiredMark(options.required))),
    errorSlot(id),
  );
}

export function fieldset(legend: string, ...children: Node[]): HTMLFieldSetElement {
  return h('fieldset', {}, h('legend', {}, legend), children);
}

export function requiredNote(): HTMLElement {
  return h('p', { class: 'required-note' }, t('form.requiredNote'));
}

function fieldWrapper(id: string, options: CommonOptions, control: Control): HTMLElement {
  const hintId = options.hint ? `${id}-hint` : undefined;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h(
    'div',
    { class: 'field' },
    h(
      'label',
      { for: id },
      options.label,
      requiredMark(options.required),
      options.required ? null : h('span', { class: 'optional' }, ` ${t('form.optional')}`),
    ),
    hintId ? h('p', { class: 'hint', id: hintId }, options.hint) : null,
    control,
    errorSlot(id),
  );
}

function requiredMark(required: boolean | undefined): HTMLElement | null {
  // The control's `required` state is what assistive technology announces; the star is for the eye.
  return required ? h('span', { class: 'required-mark', 'aria-hidden': 'true' }, ' *') : null;
}

function errorSlot(controlId: string): HTMLElement {
  return h('p', { class: 'field-error', id: `${controlId}-error`, hidden: true });
}

export interface FieldError {
  name: string;
  message: string;
}

export interface FormHandle {
  form: HTMLFormElement;
  control(name: string): Control | undefined;
  /** The trimmed text of a control; '' when absent. */
  value(name: string): string;
  checked(name: string): boolean;
  file(name: string): File | undefined;
  showErrors(errors: readonly FieldError[]): void;
  /** Puts an API error next to its field when `param` names one, else in the form's live region. */
  showApiError(error: unknown, paramToField?: Record<string, string>): void;
  showSuccess(message: string): void;
  showMessage(message: string): void;
}

export interface FormOptions {
  /** Accessible name of the form (usually its heading's text). */
  label: string;
  submitLabel: string;
  children: Node[];
  /** Checks beyond the generic ones (required, email, length, phone); returns the problems found. */
  validate?: (form: FormHandle) => FieldError[];
  onSubmit: (form: FormHandle) => Promise<void>;
  submitClass?: string;
}

export function createForm(options: FormOptions): FormHandle {
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: options.submitClass ?? 'button button-primary' }, options.submitLabel);
  // noValidate: our messages replace the browser's bubbles, which vanish and are not read reliably.
  const form = h('form', { novalidate: true, 'aria-label': options.label }, options.children, status, h('div', { class: 'actions' }, submit));

  const controlByName = (name: string): Control | undefined => {
    const control = form.elements.namedItem(name);
    return control instanceof HTMLInputElement || control instanceof HTMLSelectElement ? control : undefined;
  };

  const handle: FormHandle = {
    form,
    control: controlByName,
    value: (name) => controlByName(name)?.value.trim() ?? '',
    checked: (name) => {
      const control = controlByName(name);
      return control instanceof HTMLInputElement && control.checked;
    },
    file: (name) => {
      const control = controlByName(name);
      return control instanceof HTMLInputElement ? (control.files?.[0] ?? undefined) : undefined;
    },
    showErrors(errors) {
      clearErrors(form, status);
      const shown: Control[] = [];
      for (const error of errors) {
        const control = controlByName(error.name);
        if (!control || shown.includes(control)) continue;
        setFieldError(form, control, error.message);
        shown.push(control);
      }
      const unplaced = errors.filter((error) => !controlByName(error.name)).map((error) => error.message);
      const summary =
        shown.length === 0 ? '' : shown.length === 1 ? t('form.errorSummary.one') : t('form.errorSummary.many', { count: shown.length });
      setStatus(status, 'error', [summary, ...unplaced].filter(Boolean).join(' '));
      shown[0]?.focus();
    },
    showApiError(error, paramToField = {}) {
      const message = apiErrorMessage(error);
      const param = error instanceof ApiError ? error.param : undefined;
      const field = param === undefined ? undefined : (paramToField[param] ?? param);
      if (field !== undefined && controlByName(field)) handle.showErrors([{ name: field, message }]);
      else {
        clearErrors(form, status);
        setStatus(status, 'error', message);
      }
    },
    showSuccess(message) {
      clearErrors(form, status);
      setStatus(status, 'success', message);
    },
    showMessage(message) {
      setStatus(status, 'info', message);
    },
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return;
    const errors = [...genericErrors(form), ...(options.validate?.(handle) ?? [])];
    if (errors.length > 0) {
      handle.showErrors(errors);
      return;
    }
    clearErrors(form, status);
    form.setAttribute('aria-busy', 'true');
    submit.disabled = true;
    setStatus(status, 'info', t('form.sending'));
    options
      .onSubmit(handle)
      .then(
        () => {
          if (status.dataset['kind'] === 'info' && status.textContent === t('form.sending')) setStatus(status, 'info', '');
        },
        (error: unknown) => handle.showApiError(error),
      )
      .finally(() => {
        form.removeAttribute('aria-busy');
        submit.disabled = false;
      });
  });
  return handle;
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Same normalisation as the API: French national numbers or E.164, separators ignored. */
export function looksLikePhoneNumber(value: string): boolean {
  const compact = value.replace(/[\s.()-]/g, '').replace(/^00/, '+');
  return /^0[1-9]\d{8}$/.test(compact) || /^\+[1-9]\d{6,14}$/.test(compact);
}

function genericErrors(form: HTMLFormElement): FieldError[] {
  const errors: FieldError[] = [];
  for (const control of form.querySelectorAll<Control>('input, select')) {
    const value = control.value.trim();
    const error = (key: MessageKey) => errors.push({ name: control.name, message: t(key) });
    const requiredMessage = (control.dataset['requiredMessage'] as MessageKey | undefined) ?? 'error.required';
    if (control instanceof HTMLInputElement && control.type === 'checkbox') {
      if (control.required && !control.checked) error(requiredMessage);
      continue;
    }
    if (control instanceof HTMLInputElement && control.type === 'file') {
      if (control.required && !control.files?.length) error(requiredMessage);
      continue;
    }
    if (value === '') {
      // A date input reports '' for a half-typed date too: say which problem it is.
      if (control instanceof HTMLInputElement && control.type === 'date' && control.validity.badInput) error('error.date');
      else if (control.required) error(requiredMessage);
      continue;
    }
    if (control.type === 'email' && !EMAIL_SHAPE.test(value)) error('error.email');
    else if (control.type === 'tel' && !looksLikePhoneNumber(value)) error('error.phone');
    else if (control.dataset['minLength'] && control.value.length < Number(control.dataset['minLength'])) {
      error((control.dataset['minLengthMessage'] as MessageKey | undefined) ?? 'error.invalidValue');
    }
  }
  return errors;
}

function setFieldError(form: HTMLFormElement, control: Control, message: string): void {
  const slot = form.querySelector<HTMLElement>(`#${CSS.escape(control.id)}-error`);
  if (!slot) return;
  slot.textContent = message;
  slot.hidden = false;
  control.setAttribute('aria-invalid', 'true');
  const describedBy = (control.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  if (!describedBy.includes(slot.id)) control.setAttribute('aria-describedby', [slot.id, ...describedBy].join(' '));
}

function clearErrors(form: HTMLFormElement, status: HTMLElement): void {
  for (const control of form.querySelectorAll<Control>('[aria-invalid="true"]')) {
    control.removeAttribute('aria-invalid');
    const errorId = `${control.id}-error`;
    const rest = (control.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && id !== errorId);
    if (rest.length) control.setAttribute('aria-describedby', rest.join(' '));
    else control.removeAttribute('aria-describedby');
  }
  for (const slot of form.querySelectorAll<HTMLElement>('.field-error')) {
    slot.textContent = '';
    slot.hidden = true;
  }
  setStatus(status, 'info', '');
}

function setStatus(status: HTMLElement, kind: 'error' | 'success' | 'info', message: string): void {
  status.dataset['kind'] = kind;
  status.textContent = message;
}

/** Keeps what the user typed when the page is drawn again (language switch). Files cannot be restored. */
export function snapshotFields(root: ParentNode): Map<string, string | boolean> {
  const values = new Map<string, string | boolean>();
  root.querySelectorAll('form').forEach((form, index) => {
    for (const control of form.querySelectorAll<Control>('input, select')) {
      if (control.type === 'file') continue;
      const key = `${index}:${control.name}`;
      values.set(key, control instanceof HTMLInputElement && control.type === 'checkbox' ? control.checked : control.value);
    }
  });
  return values;
}

export function restoreFields(root: ParentNode, values: Map<string, string | boolean>): void {
  root.querySelectorAll('form').forEach((form, index) => {
    for (const control of form.querySelectorAll<Control>('input, select')) {
      const value = values.get(`${index}:${control.name}`);
      if (value === undefined) continue;
      if (typeof value === 'boolean') (control as HTMLInputElement).checked = value;
      else control.value = value;
    }
  });
}
