/** Controls the booking form and its payment field share, wired like forms.ts's fields. */
import { h, uniqueId } from '../dom.ts';

/** A labelled select with a hint and an error slot, without forms.ts's empty "choose" entry. */
export function selectFieldWithoutEmpty(name: string, label: string, options: readonly { value: string; label: string }[], value: string, hint?: string): HTMLElement {
  const id = uniqueId(`field-${name}`);
  const select = h(
    'select',
    { id, name, 'aria-describedby': hint ? `${id}-hint` : undefined },
    options.map((option) => h('option', { value: option.value, selected: option.value === value }, option.label)),
  );
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
    select,
    h('p', { class: 'field-error', id: `${id}-error`, hidden: true }),
  );
}

/** Native radio buttons in a fieldset: arrow keys move between them, the legend names the group. */
export function radioGroup(name: string, legend: string, options: readonly { value: string; label: string }[], selected: string): HTMLFieldSetElement {
  return h(
    'fieldset',
    { class: 'radio-group' },
    h('legend', {}, legend),
    options.map((option) => {
      const id = uniqueId(`field-${name}`);
      return h(
        'div',
        { class: 'radio-row' },
        // data-value: the shell's snapshot/restore on a language switch rewrites `value` of same-named controls.
        h('input', { type: 'radio', id, name, value: option.value, 'data-value': option.value, checked: option.value === selected }),
        h('label', { for: id }, option.label),
      );
    }),
  );
}

/** The value of a radio drawn by radioGroup; '' for anything else. */
export function radioValue(target: EventTarget | Element | null): string {
  return target instanceof HTMLInputElement ? (target.dataset['value'] ?? '') : '';
}
