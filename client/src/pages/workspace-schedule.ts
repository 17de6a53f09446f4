/**
 * The expert workspace's forms that the consultation page depends on: rates and packages
 * (EXP-4, EXP-5), opening hours and exceptions (EXP-6) and the "available now" switch.
 * The API is the judge of every rule; the forms only check that what was typed is a number
 * or a time, and show the API's refusal next to the field it names (`param`).
 */
import { h, uniqueId } from '../dom.ts';
import { t, type MessageKey } from '../i18n/index.ts';
import { ApiError, apiCall } from '../api.ts';
import { apiErrorMessage, createForm, fieldset, inputField, selectField, type FieldError, type FormHandle } from '../forms.ts';
import { centsToEurosText, money, parseEurosToCents, section } from './workspace-parts.ts';

/** EXP-5: the API refuses more. */
const MAX_PACKAGES = 10;
/** The API's limits (server/availability/schedule.ts); the form stays well under them. */
const MAX_WEEKLY_RANGES = 70;
const MAX_EXCEPTIONS = 400;
const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface PricingView {
  videoRatePerMinuteCents: number | null;
  phoneRatePerMinuteCents: number | null;
  packages: { id: string; mode: 'video' | 'phone'; minutes: number; priceCents: number }[];
}

type WeeklyRange = { weekday: number; start: string; end: string };
type DatedException = { date: string; closed: true } | { date: string; start: string; end: string };
export interface AvailabilityView {
  timeZone: string;
  weekly: WeeklyRange[];
  exceptions: DatedException[];
}

/** The API's stable codes for pricing and hours, in the reader's language. */
const RULE_MESSAGES: Record<string, MessageKey> = {
  rate_out_of_range: 'workspace.error.rateRange',
  rate_not_above_fee: 'workspace.error.rateFee',
  package_minutes_out_of_range: 'workspace.error.packageMinutes',
  package_price_not_above_fee: 'workspace.error.packageFee',
  package_price_too_high: 'workspace.error.packagePriceHigh',
  too_many_packages: 'workspace.error.tooManyPackages',
  invalid_time_zone: 'workspace.error.timeZone',
  invalid_time: 'workspace.error.time',
  invalid_time_range: 'workspace.error.timeRange',
  overlapping_hours: 'workspace.error.overlapping',
  invalid_date: 'workspace.error.date',
  conflicting_exceptions: 'workspace.error.conflictingExceptions',
};

/** Puts the API's refusal next to the control it names; `exceptions.2` names a row, so its first control. */
export function showRuleError(handle: FormHandle, error: unknown): void {
  const message = error instanceof ApiError && RULE_MESSAGES[error.code] ? t(RULE_MESSAGES[error.code]!) : apiErrorMessage(error);
  const param = error instanceof ApiError ? error.param : undefined;
  const candidates = param === undefined ? [] : [param, `${param}.date`, `${param}.start`, `${param}.weekday`];
  const field = candidates.find((name) => handle.control(name) !== undefined);
  if (field) handle.showErrors([{ name: field, message }]);
  else handle.showApiError(error);
}

type Draft = Record<string, string>;

/**
 * A list of rows the expert adds and removes (packages, opening hours, exceptions). Control
 * names carry the row's index (`packages.2.minutes`) so the API's `param` finds its field;
 * rows are renumbered on every change.
 */
function rowList(options: {
  prefix: string;
  fields: string[];
  initial: Draft[];
  max: number;
  empty: () => Draft;
  legend: (index: number) => string;
  drawRow: (draft: Draft, name: (field: string) => string) => Node[];
  addLabel: string;
  removeLabel: (index: number) => string;
  emptyText: string;
}) {
  let form: FormHandle | undefined;
  let drafts = options.initial;
  const list = h('ol', { class: 'row-list' });
  const add = h('button', { type: 'button', class: 'button button-secondary' }, options.addLabel);
  const limit = h('p', { class: 'hint', role: 'status' });

  const read = () => {
    if (!form) return;
    drafts = drafts.map((_, index) => Object.fromEntries(options.fields.map((field) => [field, form!.control(`${options.prefix}.${index}.${field}`)?.value ?? ''])));
  };
  const draw = () => {
    list.replaceChildren(
      ...drafts.map((draft, index) => {
        const remove = h('button', { type: 'button', class: 'button button-secondary button-small', 'aria-label': options.removeLabel(index) }, t('workspace.remove'));
        remove.addEventListener('click', () => {
          read();
          drafts = drafts.filter((_, other) => other !== index);
          draw();
          add.focus();
        });
        return h(
          'li',
          { class: 'row-item' },
          h('fieldset', { class: 'row-fieldset' }, h('legend', {}, options.legend(index)), options.drawRow(draft, (field) => `${options.prefix}.${index}.${field}`), remove),
        );
      }),
    );
    if (drafts.length === 0) list.replaceChildren(h('li', { class: 'hint' }, options.emptyText));
    add.disabled = drafts.length >= options.max;
    limit.textContent = drafts.length >= options.max ? t('workspace.rowLimit', { max: options.max }) : '';
  };
  add.addEventListener('click', () => {
    read();
    if (drafts.length >= options.max) return;
    drafts = [...drafts, options.empty()];
    draw();
    list.querySelector<HTMLElement>('li:last-child input, li:last-child select')?.focus();
  });
  return {
    element: h('div', { class: 'row-list-block' }, list, h('div', { class: 'button-row' }, add), limit),
    attach(handle: FormHandle) {
      form = handle;
      draw();
    },
    count: () => drafts.length,
    /** Replaces the rows, e.g. with what the API saved. */
    reset(next: Draft[]) {
      drafts = next;
      draw();
    },
  };
}

function modeOptions() {
  return [
    { value: 'video', label: t('workspace.mode.video') },
    { value: 'phone', label: t('workspace.mode.phone') },
  ];
}

/** EXP-4, EXP-5: per-minute rates in euros (empty = mode not offered) and up to 10 packages. */
export function pricingSection(initial: PricingView, onSaved: (pricing: PricingView) => void): HTMLElement {
  const toDrafts = (pricing: PricingView): Draft[] =>
    pricing.packages.map((offer) => ({ mode: offer.mode, minutes: String(offer.minutes), priceCents: centsToEurosText(offer.priceCents) }));
  const packages = rowList({
    prefix: 'packages',
    fields: ['mode', 'minutes', 'priceCents'],
    initial: toDrafts(initial),
    max: MAX_PACKAGES,
    empty: () => ({ mode: 'video', minutes: '', priceCents: '' }),
    legend: (index) => t('workspace.packageN', { n: index + 1 }),
    drawRow: (draft, name) => [
      selectField({ name: name('mode'), label: t('workspace.packageMode'), options: modeOptions(), value: draft['mode'], required: true }),
      inputField({ name: name('minutes'), label: t('workspace.packageMinutes'), value: draft['minutes'], required: true, inputMode: 'numeric', hint: t('workspace.packageMinutesHint') }),
      inputField({ name: name('priceCents'), label: t('workspace.packagePrice'), value: draft['priceCents'], required: true, inputMode: 'decimal' }),
    ],
    addLabel: t('workspace.addPackage'),
    removeLabel: (index) => t('workspace.removePackage', { n: index + 1 }),
    emptyText: t('workspace.noPackages'),
  });
  const rate = (name: string, label: string, cents: number | null) =>
    inputField({ name, label, value: centsToEurosText(cents), inputMode: 'decimal', hint: t('workspace.rateHint') });

  const form = createForm({
    label: t('workspace.pricing'),
    submitLabel: t('workspace.pricingSubmit'),
    children: [
      h('p', { class: 'hint' }, t('workspace.pricingIntro')),
      rate('videoRatePerMinuteCents', t('workspace.videoRate'), initial.videoRatePerMinuteCents),
      rate('phoneRatePerMinuteCents', t('workspace.phoneRate'), initial.phoneRatePerMinuteCents),
      fieldset(t('workspace.packages'), h('p', { class: 'hint' }, t('workspace.packagesHint', { max: MAX_PACKAGES })), packages.element),
    ],
    validate: (handle) => {
      const errors: FieldError[] = [];
      for (const name of ['videoRatePerMinuteCents', 'phoneRatePerMinuteCents']) {
        const text = handle.value(name);
        if (text !== '' && parseEurosToCents(text) === undefined) errors.push({ name, message: t('workspace.error.amount') });
      }
      for (let index = 0; index < packages.count(); index++) {
        const minutes = handle.value(`packages.${index}.minutes`);
        const price = handle.value(`packages.${index}.priceCents`);
        if (minutes !== '' && !/^\d{1,4}$/.test(minutes)) errors.push({ name: `packages.${index}.minutes`, message: t('workspace.error.wholeMinutes') });
        if (price !== '' && parseEurosToCents(price) === undefined) errors.push({ name: `packages.${index}.priceCents`, message: t('workspace.error.amount') });
      }
      return errors;
    },
    onSubmit: async (handle) => {
      const cents = (name: string) => (handle.value(name) === '' ? null : parseEurosToCents(handle.value(name))!);
      const body = {
        videoRatePerMinuteCents: cents('videoRatePerMinuteCents'),
        phoneRatePerMinuteCents: cents('phoneRatePerMinuteCents'),
        packages: Array.from({ length: packages.count() }, (_, index) => ({
          mode: handle.value(`packages.${index}.mode`),
          minutes: Number(handle.value(`packages.${index}.minutes`)),
          priceCents: parseEurosToCents(handle.value(`packages.${index}.priceCents`))!,
        })),
      };
      let saved: PricingView;
      try {
        saved = await apiCall<PricingView>('PUT', '/api/experts/me/pricing', { json: body });
      } catch (error) {
        showRuleError(handle, error);
        return;
      }
      packages.reset(toDrafts(saved));
      handle.showSuccess(t('workspace.pricingSaved'));
      onSaved(saved);
    },
  });
  packages.attach(form);
  return section('workspace-pricing', t('workspace.pricing'), form.form);
}

/** A one-line summary of the offer, under the form: what clients see. */
export function pricingSummary(pricing: PricingView): HTMLElement {
  const items: string[] = [];
  if (pricing.videoRatePerMinuteCents !== null) items.push(t('workspace.summaryVideo', { amount: money(pricing.videoRatePerMinuteCents) }));
  if (pricing.phoneRatePerMinuteCents !== null) items.push(t('workspace.summaryPhone', { amount: money(pricing.phoneRatePerMinuteCents) }));
  for (const offer of pricing.packages) {
    items.push(t('workspace.summaryPackage', { mode: t(`workspace.mode.${offer.mode}`), minutes: offer.minutes, amount: money(offer.priceCents) }));
  }
  return items.length
    ? h('ul', { class: 'pricing-summary', 'data-testid': 'pricing-summary' }, items.map((item) => h('li', {}, item)))
    : h('p', { class: 'hint', 'data-testid': 'pricing-summary' }, t('workspace.noOffer'));
}

function weekdayOptions() {
  return [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ value: String(weekday), label: t(`workspace.weekday.${weekday}` as MessageKey) }));
}

function timeZoneOptions(current: string) {
  const supported = (Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  const zones = supported.includes(current) ? supported : [current, ...supported];
  return zones.map((zone) => ({ value: zone, label: zone.replace(/_/g, ' ') }));
}

/** EXP-6: weekly hours in the expert's time zone, and dated exceptions (day off, extra hours). */
export function availabilitySection(initial: AvailabilityView): HTMLElement {
  const weekly = rowList({
    prefix: 'weekly',
    fields: ['weekday', 'start', 'end'],
    initial: initial.weekly.map((range) => ({ weekday: String(range.weekday), start: range.start, end: range.end })),
    max: MAX_WEEKLY_RANGES,
    empty: () => ({ weekday: '1', start: '09:00', end: '17:00' }),
    legend: (index) => t('workspace.hoursN', { n: index + 1 }),
    drawRow: (draft, name) => [
      selectField({ name: name('weekday'), label: t('workspace.weekday'), options: weekdayOptions(), value: draft['weekday'], required: true }),
      inputField({ name: name('start'), label: t('workspace.start'), value: draft['start'], required: true, hint: t('workspace.timeHint'), maxLength: 5 }),
      inputField({ name: name('end'), label: t('workspace.end'), value: draft['end'], required: true, hint: t('workspace.endTimeHint'), maxLength: 5 }),
    ],
    addLabel: t('workspace.addHours'),
    removeLabel: (index) => t('workspace.removeHours', { n: index + 1 }),
    emptyText: t('workspace.noHours'),
  });
  const exceptions = rowList({
    prefix: 'exceptions',
    fields: ['date', 'kind', 'start', 'end'],
    initial: initial.exceptions.map((exception) =>
      'closed' in exception ? { date: exception.date, kind: 'closed', start: '', end: '' } : { date: exception.date, kind: 'open', start: exception.start, end: exception.end },
    ),
    max: MAX_EXCEPTIONS,
    empty: () => ({ date: '', kind: 'closed', start: '', end: '' }),
    legend: (index) => t('workspace.exceptionN', { n: index + 1 }),
    drawRow: (draft, name) => [
      inputField({ name: name('date'), label: t('workspace.exceptionDate'), type: 'date', value: draft['date'], required: true }),
      selectField({
        name: name('kind'),
        label: t('workspace.exceptionKind'),
        options: [
          { value: 'closed', label: t('workspace.exceptionClosed') },
          { value: 'open', label: t('workspace.exceptionOpen') },
        ],
        value: draft['kind'],
        required: true,
      }),
      inputField({ name: name('start'), label: t('workspace.start'), value: draft['start'], hint: t('workspace.exceptionTimeHint'), maxLength: 5 }),
      inputField({ name: name('end'), label: t('workspace.end'), value: draft['end'], hint: t('workspace.endTimeHint'), maxLength: 5 }),
    ],
    addLabel: t('workspace.addException'),
    removeLabel: (index) => t('workspace.removeException', { n: index + 1 }),
    emptyText: t('workspace.noExceptions'),
  });

  const form = createForm({
    label: t('workspace.availability'),
    submitLabel: t('workspace.availabilitySubmit'),
    children: [
      selectField({ name: 'timeZone', label: t('workspace.timeZone'), options: timeZoneOptions(initial.timeZone), value: initial.timeZone, required: true, hint: t('workspace.timeZoneHint') }),
      fieldset(t('workspace.weeklyHours'), weekly.element),
      fieldset(t('workspace.exceptions'), h('p', { class: 'hint' }, t('workspace.exceptionsHint')), exceptions.element),
    ],
    validate: (handle) => {
      const errors: FieldError[] = [];
      const time = (name: string) => {
        if (!CLOCK_TIME.test(handle.value(name))) errors.push({ name, message: t('workspace.error.time') });
      };
      for (let index = 0; index < weekly.count(); index++) {
        time(`weekly.${index}.start`);
        time(`weekly.${index}.end`);
      }
      for (let index = 0; index < exceptions.count(); index++) {
        if (!CALENDAR_DATE.test(handle.value(`exceptions.${index}.date`))) errors.push({ name: `exceptions.${index}.date`, message: t('workspace.error.date') });
        if (handle.value(`exceptions.${index}.kind`) === 'open') {
          time(`exceptions.${index}.start`);
          time(`exceptions.${index}.end`);
        }
      }
      return errors;
    },
    onSubmit: async (handle) => {
      const body: AvailabilityView = {
        timeZone: handle.value('timeZone'),
        weekly: Array.from({ length: weekly.count() }, (_, index) => ({
          weekday: Number(handle.value(`weekly.${index}.weekday`)),
          start: handle.value(`weekly.${index}.start`),
          end: handle.value(`weekly.${index}.end`),
        })),
        exceptions: Array.from({ length: exceptions.count() }, (_, index): DatedException => {
          const date = handle.value(`exceptions.${index}.date`);
          return handle.value(`exceptions.${index}.kind`) === 'closed'
            ? { date, closed: true }
            : { date, start: handle.value(`exceptions.${index}.start`), end: handle.value(`exceptions.${index}.end`) };
        }),
      };
      try {
        await apiCall<AvailabilityView>('PUT', '/api/experts/me/availability', { json: body });
      } catch (error) {
        showRuleError(handle, error);
        return;
      }
      handle.showSuccess(t('workspace.availabilitySaved'));
    },
  });
  weekly.attach(form);
  exceptions.attach(form);
  return section('workspace-availability', t('workspace.availability'), form.form);
}

/** EXP-6, BOOK-4: clients may ask for an immediate consultation while this is on. */
export function presenceSection(availableNow: boolean): HTMLElement {
  const id = uniqueId('presence');
  const toggle = h('input', { id, type: 'checkbox', role: 'switch', checked: availableNow, 'aria-describedby': `${id}-hint` });
  const status = h('p', { class: 'form-status', role: 'status' });
  toggle.addEventListener('change', () => {
    const wanted = toggle.checked;
    toggle.disabled = true;
    apiCall<{ availableNow: boolean }>('PUT', '/api/experts/me/presence', { json: { availableNow: wanted } })
      .then((answer) => {
        toggle.checked = answer.availableNow;
        status.dataset['kind'] = 'success';
        status.textContent = answer.availableNow ? t('workspace.presenceOn') : t('workspace.presenceOff');
      })
      .catch((error: unknown) => {
        toggle.checked = !wanted;
        status.dataset['kind'] = 'error';
        status.textContent = apiErrorMessage(error);
      })
      .finally(() => {
        toggle.disabled = false;
      });
  });
  return section(
    'workspace-presence',
    t('workspace.presence'),
    h('div', { class: 'switch-row' }, toggle, h('label', { for: id }, t('workspace.availableNow'))),
    h('p', { class: 'hint', id: `${id}-hint` }, t('workspace.presenceHint')),
    status,
  );
}
