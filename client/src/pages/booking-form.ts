/**
 * BOOK-1 / BOOK-2: the booking form of the consultation page. The visitor chooses the mode,
 * the pricing (a budget or a package) and the timing; the page shows the per-minute price with
 * the phone surcharge (BILL-8), what the budget buys (BILL-1), the amount held (BOOK-3) and the
 * cancellation terms (BILL-10) before anything is paid. Every amount comes from the quote route,
 * which runs the settlement code, so the page never computes a price of its own.
 *
 * Signed out, the same simulator is shown with a way to sign up or in and come back (ACC-7).
 */
import { h, uniqueId } from '../dom.ts';
import { t, type MessageKey } from '../i18n/index.ts';
import { ApiError, apiCall, isSignedIn } from '../api.ts';
import { checkboxField, createForm, fieldset, inputField, requiredNote, apiErrorMessage, type FieldError, type FormHandle } from '../forms.ts';
import { countryOptions } from '../countries.ts';
import { RETURN_PARAM } from '../return-path.ts';
import { radioGroup, radioValue, selectFieldWithoutEmpty } from './booking-controls.ts';
import { PAYMENT_FIELD, paymentField, type AuthenticationChallenge, type PaymentField } from './booking-payment.ts';
import {
  FREE_CANCELLATION_HOURS,
  LATE_CANCELLATION_MINUTES,
  LATE_CANCELLATION_PACKAGE_PERCENT,
  MAX_BUDGET_CENTS,
  MAX_RESERVED_MINUTES,
  duration,
  formatDay,
  formatTime,
  money,
  parseEuros,
  toE164,
  visitorTimeZone,
  type BookedConsultation,
  type Mode,
  type PaymentsConfig,
  type PublicProfile,
  type Quote,
  type SlotsAnswer,
} from './booking-api.ts';

/** Days of free slots offered in the form; the API allows more, a list longer than a week is unreadable. */
const SLOT_DAYS = 7;
/** A budget the visitor can change: 20 € buys a useful consultation with most rates. */
const DEFAULT_BUDGET_CENTS = 2000;
/** Wait for the visitor to stop typing before asking for a quote. */
const QUOTE_DEBOUNCE_MS = 300;
/** BOOK-3: 3-D Secure steps for one booking; a bank that keeps asking after this many has failed it. */
const MAX_AUTHENTICATION_ROUNDS = 3;

type Viewer = 'anonymous' | 'client' | 'other';

/** API error codes of a booking, with the field they belong to ('' = the whole form). */
const BOOKING_ERRORS: Record<string, { key: MessageKey; field: string }> = {
  card_declined: { key: 'booking.error.cardDeclined', field: PAYMENT_FIELD },
  authentication_required: { key: 'booking.error.authenticationRequired', field: PAYMENT_FIELD },
  authentication_failed: { key: 'booking.error.authenticationFailed', field: PAYMENT_FIELD },
  authentication_expired: { key: 'booking.error.authenticationExpired', field: '' },
  authentication_mismatch: { key: 'booking.error.authenticationMismatch', field: '' },
  invalid_payment_method: { key: 'booking.error.cardDeclined', field: PAYMENT_FIELD },
  slot_taken: { key: 'booking.error.slotTaken', field: 'slot' },
  outside_availability: { key: 'booking.error.slotUnavailable', field: 'slot' },
  start_in_past: { key: 'booking.error.slotUnavailable', field: 'slot' },
  start_too_far: { key: 'booking.error.slotUnavailable', field: 'slot' },
  expert_not_available: { key: 'booking.error.notAvailableNow', field: '' },
  expert_busy: { key: 'booking.error.expertBusy', field: '' },
  budget_too_small: { key: 'booking.error.budgetTooSmall', field: 'budget' },
  budget_too_large: { key: 'booking.error.budgetTooLarge', field: 'budget' },
  invalid_discount_code: { key: 'booking.error.discountCode', field: 'discountCode' },
  invalid_phone_number: { key: 'booking.error.phoneNumber', field: 'phoneNumber' },
  unknown_package: { key: 'booking.error.unknownPackage', field: '' },
  signup_incomplete: { key: 'booking.error.signupIncomplete', field: '' },
  email_not_verified: { key: 'booking.error.emailNotVerified', field: '' },
  booking_refused: { key: 'booking.error.refused', field: '' },
  expert_unavailable: { key: 'booking.error.expertUnavailable', field: '' },
  page_not_published: { key: 'booking.error.expertUnavailable', field: '' },
};

function errorFor(error: unknown): FieldError {
  const known = error instanceof ApiError ? BOOKING_ERRORS[error.code] : undefined;
  if (known) return { name: known.field, message: t(known.key, { max: money(MAX_BUDGET_CENTS) }) };
  return { name: '', message: apiErrorMessage(error) };
}

export interface BookingFormOptions {
  profile: PublicProfile;
  viewer: Viewer;
  payments: PaymentsConfig | undefined;
  onBooked: (consultation: BookedConsultation) => void;
}

/** The choices the simulator and the booking share. */
interface Choice {
  mode: Mode;
  /** 'budget' or a package id. */
  pricing: string;
  budgetCents: number | undefined;
  country: string;
  discountCode: string;
}

export function bookingSection(options: BookingFormOptions): HTMLElement {
  const { profile, viewer } = options;
  const slug = profile.slug;
  const rateFor = (mode: Mode) => (mode === 'video' ? profile.pricing.videoRatePerMinuteCents : profile.pricing.phoneRatePerMinuteCents);
  const packagesFor = (mode: Mode) => profile.pricing.packages.filter((offer) => offer.mode === mode);
  const modes = (['video', 'phone'] as const).filter((mode) => rateFor(mode) !== null || packagesFor(mode).length > 0);

  const choice: Choice = { mode: modes[0] ?? 'video', pricing: '', budgetCents: DEFAULT_BUDGET_CENTS, country: 'FR', discountCode: '' };
  const defaultPricing = (mode: Mode) => (rateFor(mode) !== null ? 'budget' : (packagesFor(mode)[0]?.id ?? ''));
  choice.pricing = defaultPricing(choice.mode);
  // ACC-7: what the visitor chose before signing up is still chosen when they come back.
  const kept = takeKeptChoice(slug);
  if (kept && modes.includes(kept.mode)) {
    const pricingStillOffered = kept.pricing === 'budget' ? rateFor(kept.mode) !== null : packagesFor(kept.mode).some((offer) => offer.id === kept.pricing);
    Object.assign(choice, kept, { pricing: pricingStillOffered ? kept.pricing : defaultPricing(kept.mode) });
  }

  // --- controls -------------------------------------------------------------------------------
  const modeGroup = radioGroup('mode', t('booking.mode'), modes.map((mode) => ({ value: mode, label: t(`booking.mode.${mode}`) })), choice.mode);
  const pricingSlot = h('div', {});
  const budgetField = inputField({
    name: 'budget',
    label: t('booking.budget'),
    value: choice.budgetCents === undefined ? '' : String(choice.budgetCents / 100).replace('.', t('booking.decimalSeparator')),
    inputMode: 'decimal',
    required: true,
    maxLength: 9,
    hint: t('booking.budgetHint', { max: money(MAX_BUDGET_CENTS) }),
  });
  const countryField = selectFieldWithoutEmpty('country', t('booking.country'), countryOptions(), choice.country, t('booking.countryHint'));
  const phoneField = inputField({ name: 'phoneNumber', label: t('booking.phoneNumber'), type: 'tel', required: true, autocomplete: 'tel', hint: t('booking.phoneNumberHint') });
  const phoneSlot = h('div', {});
  const summary = h('div', { class: 'price-summary', 'aria-live': 'polite' });
  const cancellation = h('p', { class: 'cancellation-terms' });

  const timingOptions = [
    ...(profile.availableNow ? [{ value: 'now', label: t('booking.timing.now') }] : []),
    { value: 'slot', label: t('booking.timing.slot') },
  ];
  const timingGroup = radioGroup('timing', t('booking.when'), timingOptions, timingOptions[0]!.value);
  const slotId = uniqueId('field-slot');
  const slotSelect = h('select', { id: slotId, name: 'slot', required: true, 'aria-required': 'true', 'aria-describedby': `${slotId}-hint` });
  const slotField = h(
    'div',
    { class: 'field' },
    h('label', { for: slotId }, t('booking.slot'), h('span', { class: 'required-mark', 'aria-hidden': 'true' }, ' *')),
    h('p', { class: 'hint', id: `${slotId}-hint` }, t('booking.slotHint', { zone: visitorTimeZone() })),
    slotSelect,
    h('p', { class: 'field-error', id: `${slotId}-error`, hidden: true }),
  );
  const slotSlot = h('div', {});
  const discountField = inputField({ name: 'discountCode', label: t('booking.discountCode'), value: choice.discountCode, maxLength: 32, autocomplete: 'off' });

  // --- the price simulator (BOOK-2) -----------------------------------------------------------
  let quoteSequence = 0;
  let lastReservedMinutes: number | undefined;
  /** What the last quote says the hold blocks: the simulated bank page names it (BOOK-3). */
  let heldCentsQuoted: number | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;

  const quote = (params: Record<string, string | number>) => {
    const query = new URLSearchParams({ mode: choice.mode, country: choice.mode === 'phone' ? choice.country : 'FR' });
    for (const [name, value] of Object.entries(params)) query.set(name, String(value));
    if (choice.discountCode) query.set('discountCode', choice.discountCode);
    return apiCall<Quote>('GET', `/api/experts/${encodeURIComponent(slug)}/quote?${query.toString()}`, { auth: isSignedIn() });
  };

  async function updatePrices(): Promise<void> {
    const sequence = ++quoteSequence;
    const rate = rateFor(choice.mode);
    const lines: Node[] = [];
    let reservedMinutes: number | undefined;
    let heldCents: number | undefined;
    let late = '';
    try {
      if (choice.pricing === 'budget') {
        const perMinute = rate === null ? undefined : await quote({ seconds: 60, budgetCents: MAX_BUDGET_CENTS });
        if (perMinute) lines.push(summaryRow(t('booking.perMinute'), money(perMinute.chargeCents)));
        if (perMinute && perMinute.surchargeCents > 0) lines.push(h('p', { class: 'hint' }, t('booking.surchargeIncluded', { amount: money(perMinute.surchargeCents) })));
        if (choice.budgetCents === undefined) {
          lines.push(h('p', { class: 'error-text' }, t('booking.error.budgetFormat')));
        } else {
          const bought = await quote({ seconds: 0, budgetCents: choice.budgetCents });
          lines.push(summaryRow(t('booking.maxDuration'), duration(bought.maxSeconds)));
          lines.push(summaryRow(t('booking.held'), money(choice.budgetCents)));
          heldCents = choice.budgetCents;
          reservedMinutes = Math.min(MAX_RESERVED_MINUTES, Math.ceil(bought.maxSeconds / 60));
          if (perMinute) late = money(Math.min(choice.budgetCents, LATE_CANCELLATION_MINUTES * perMinute.chargeCents));
        }
      } else {
        const offer = profile.pricing.packages.find((candidate) => candidate.id === choice.pricing);
        if (offer) {
          if (rate !== null) {
            const perMinute = await quote({ seconds: 60, budgetCents: MAX_BUDGET_CENTS });
            lines.push(summaryRow(t('booking.perMinute'), money(perMinute.chargeCents)));
          }
          const full = await quote({ seconds: offer.minutes * 60, packageId: offer.id });
          lines.push(summaryRow(t('booking.package'), t('booking.packageLine', { minutes: offer.minutes, price: money(full.chargeCents - full.surchargeCents) })));
          if (full.surchargeCents > 0) lines.push(summaryRow(t('booking.surcharge'), money(full.surchargeCents)));
          lines.push(summaryRow(t('booking.maxDuration'), duration(full.maxSeconds)));
          lines.push(summaryRow(t('booking.held'), money(full.chargeCents)));
          heldCents = full.chargeCents;
          lines.push(h('p', { class: 'hint' }, t('booking.oneThirdRule', { amount: money(Math.floor((full.chargeCents - full.surchargeCents) / 3)) })));
          reservedMinutes = offer.minutes;
          late = money(Math.round(((full.chargeCents - full.surchargeCents) * LATE_CANCELLATION_PACKAGE_PERCENT) / 100));
        }
      }
    } catch (error) {
      if (sequence !== quoteSequence) return;
      heldCentsQuoted = undefined;
      const problem = errorFor(error);
      summary.replaceChildren(h('p', { class: 'error-text' }, problem.message));
      cancellation.textContent = t('booking.cancellationGeneric', { hours: FREE_CANCELLATION_HOURS });
      return;
    }
    if (sequence !== quoteSequence) return;
    heldCentsQuoted = heldCents;
    lines.push(h('p', { class: 'hint' }, t('booking.holdExplained')));
    summary.replaceChildren(h('h3', {}, t('booking.priceTitle')), ...lines);
    cancellation.textContent =
      choice.pricing === 'budget'
        ? t('booking.cancellationFreeRate', { hours: FREE_CANCELLATION_HOURS, minutes: LATE_CANCELLATION_MINUTES, amount: late || '—' })
        : t('booking.cancellationPackage', { hours: FREE_CANCELLATION_HOURS, percent: LATE_CANCELLATION_PACKAGE_PERCENT, amount: late || '—' });
    if (reservedMinutes !== undefined && reservedMinutes !== lastReservedMinutes) {
      lastReservedMinutes = reservedMinutes;
      void loadSlots(reservedMinutes);
    }
  }

  const schedulePrices = () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => void updatePrices(), QUOTE_DEBOUNCE_MS);
  };

  // --- free slots for the chosen length (EXP-6) ----------------------------------------------
  let slotSequence = 0;
  async function loadSlots(minutes: number): Promise<void> {
    const sequence = ++slotSequence;
    const previous = slotSelect.value;
    slotSelect.replaceChildren(h('option', { value: '' }, t('shell.loading')));
    let answer: SlotsAnswer;
    try {
      answer = await apiCall<SlotsAnswer>('GET', `/api/experts/${encodeURIComponent(slug)}/slots?days=${SLOT_DAYS}&minutes=${minutes}`, { auth: false });
    } catch (error) {
      if (sequence === slotSequence) slotSelect.replaceChildren(h('option', { value: '' }, apiErrorMessage(error)));
      return;
    }
    if (sequence !== slotSequence) return;
    if (answer.slots.length === 0) {
      slotSelect.replaceChildren(h('option', { value: '' }, t('booking.noSlots')));
      return;
    }
    // Grouped by day in the visitor's time zone, the way a diary reads.
    const groups = new Map<string, HTMLOptGroupElement>();
    for (const slot of answer.slots) {
      const day = formatDay(slot);
      let group = groups.get(day);
      if (!group) {
        group = h('optgroup', { label: day });
        groups.set(day, group);
      }
      group.append(h('option', { value: slot, selected: slot === previous }, `${day}, ${formatTime(slot)}`));
    }
    slotSelect.replaceChildren(h('option', { value: '' }, t('form.choose')), ...groups.values());
  }

  // --- showing what applies to the current choice ---------------------------------------------
  function drawPricing(): void {
    const rate = rateFor(choice.mode);
    const pricingOptions = [
      ...(rate !== null ? [{ value: 'budget', label: t('booking.pricing.budget', { rate: money(rate) }) }] : []),
      ...packagesFor(choice.mode).map((offer) => ({ value: offer.id, label: t('booking.pricing.package', { minutes: offer.minutes, price: money(offer.priceCents) }) })),
    ];
    const group = radioGroup('pricing', t('booking.pricing'), pricingOptions, choice.pricing);
    group.addEventListener('change', (event) => {
      choice.pricing = radioValue(event.target);
      drawPricingDetails();
      void updatePrices();
    });
    pricingSlot.replaceChildren(group, h('div', { class: 'pricing-details' }));
    drawPricingDetails();
  }

  function drawPricingDetails(): void {
    const details = pricingSlot.querySelector('.pricing-details');
    details?.replaceChildren(...(choice.pricing === 'budget' ? [budgetField] : []));
    phoneSlot.replaceChildren(...(choice.mode === 'phone' ? [countryField, ...(viewer === 'client' ? [phoneField] : [])] : []));
  }

  function drawTiming(): void {
    const timing = radioValue(timingGroup.querySelector('input:checked')) || 'slot';
    slotSlot.replaceChildren(...(timing === 'slot' ? [slotField] : [h('p', { class: 'hint' }, t('booking.nowExplained'))]));
  }

  modeGroup.addEventListener('change', (event) => {
    choice.mode = radioValue(event.target) as Mode;
    choice.pricing = defaultPricing(choice.mode);
    drawPricing();
    void updatePrices();
  });
  budgetField.querySelector('input')!.addEventListener('input', (event) => {
    choice.budgetCents = parseEuros((event.target as HTMLInputElement).value);
    schedulePrices();
  });
  // BILL-8: the surcharge follows the number called; a typed number picks its country for the price shown.
  phoneField.querySelector('input')!.addEventListener('change', async (event) => {
    const number = toE164((event.target as HTMLInputElement).value);
    const country = number ? await countryOfNumber(number) : undefined;
    const select = countryField.querySelector('select')!;
    if (!country || country === choice.country || ![...select.options].some((option) => option.value === country)) return;
    select.value = country;
    choice.country = country;
    void updatePrices();
  });
  countryField.querySelector('select')!.addEventListener('change', (event) => {
    choice.country = (event.target as HTMLSelectElement).value || 'FR';
    void updatePrices();
  });
  discountField.querySelector('input')!.addEventListener('change', (event) => {
    choice.discountCode = (event.target as HTMLInputElement).value.trim();
    void updatePrices();
  });
  timingGroup.addEventListener('change', drawTiming);

  /** The typed values are the truth: the shell restores them after a language switch without input events. */
  function syncFromFields(): void {
    choice.budgetCents = parseEuros(budgetField.querySelector('input')!.value);
    choice.discountCode = discountField.querySelector('input')!.value.trim();
    choice.country = countryField.querySelector('select')!.value || 'FR';
  }

  drawPricing();
  drawTiming();
  // After the shell has put the page in place (and restored what was typed, on a language switch).
  setTimeout(() => {
    syncFromFields();
    void updatePrices();
  }, 0);

  const choices: Node[] = [
    modeGroup,
    pricingSlot,
    phoneSlot,
    timingGroup,
    slotSlot,
    discountField,
    summary,
    h('div', { class: 'cancellation' }, h('h3', {}, t('booking.cancellationTitle')), cancellation, profile.availableNow ? h('p', { class: 'hint' }, t('booking.cancellationImmediate')) : null),
  ];

  if (modes.length === 0) return section(h('p', {}, t('consultation.noPricing')));

  if (viewer !== 'client') {
    const back = `/consultation/${encodeURIComponent(slug)}`;
    const query = new URLSearchParams({ [RETURN_PARAM]: back }).toString();
    return section(
      h('div', { class: 'simulator' }, choices),
      viewer === 'anonymous'
        ? h(
            'div',
            { class: 'book-cta' },
            h('p', {}, t('booking.signInToBook')),
            keepChoiceOnClick(h('a', { href: `/inscription/client?${query}`, class: 'button button-primary' }, t('booking.bookSignup')), slug, choice),
            h('p', {}, `${t('auth.haveAccount')} `, keepChoiceOnClick(h('a', { href: `/connexion?${query}` }, t('auth.loginLink')), slug, choice)),
          )
        : h('p', { class: 'notice' }, t('booking.clientsOnly')),
    );
  }

  // --- signed-in client: the booking itself (BOOK-1) ------------------------------------------
  const payment = paymentField(options.payments);
  const form = createForm({
    label: t('booking.title'),
    submitLabel: t('booking.submit'),
    children: [
      requiredNote(),
      ...choices,
      fieldset(t('booking.payment'), payment.element),
      fieldset(
        t('booking.commitments'),
        checkboxField({ name: 'acceptTerms', label: t('booking.acceptTerms'), required: true }),
        checkboxField({ name: 'waiveWithdrawal', label: t('booking.waiveWithdrawal'), required: true }),
      ),
    ],
    validate: (handle) => validate(handle),
    onSubmit: async (handle) => {
      const timing = radioValue(timingGroup.querySelector('input:checked')) || 'slot';
      syncFromFields();
      const body: Record<string, unknown> = {
        expertSlug: slug,
        mode: choice.mode,
        startAt: timing === 'now' ? null : handle.value('slot'),
        acceptTerms: handle.checked('acceptTerms'),
        waiveWithdrawal: handle.checked('waiveWithdrawal'),
      };
      if (choice.pricing === 'budget') body['budgetCents'] = choice.budgetCents;
      else body['packageId'] = choice.pricing;
      if (choice.mode === 'phone') body['phoneNumber'] = toE164(handle.value('phoneNumber'));
      if (handle.value('discountCode')) body['discountCode'] = handle.value('discountCode');
      const paymentMethod = await payment.paymentMethod(handle);
      if (paymentMethod === undefined) return;
      body[PAYMENT_FIELD] = paymentMethod;
      let booked: BookedConsultation;
      try {
        booked = await postBooking(body, payment, heldCentsQuoted);
      } catch (error) {
        showBookingError(handle, payment, error);
        if (error instanceof ApiError && error.code === 'slot_taken' && lastReservedMinutes !== undefined) void loadSlots(lastReservedMinutes);
        return;
      }
      options.onBooked(booked);
    },
  });
  // No card can be taken (Stripe.js blocked): the payment field says why, and the booking stays disabled.
  void payment.usable.then((usable) => {
    const submit = form.form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (!usable && submit) submit.disabled = true;
  });

  function validate(handle: FormHandle): FieldError[] {
    const errors: FieldError[] = [];
    if (choice.pricing === 'budget') {
      const cents = choice.budgetCents;
      if (cents === undefined) errors.push({ name: 'budget', message: t('booking.error.budgetFormat') });
      else if (cents > MAX_BUDGET_CENTS) errors.push({ name: 'budget', message: t('booking.error.budgetTooLarge', { max: money(MAX_BUDGET_CENTS) }) });
    }
    if (choice.mode === 'phone' && handle.value('phoneNumber') && !toE164(handle.value('phoneNumber'))) {
      errors.push({ name: 'phoneNumber', message: t('booking.error.phoneNumber') });
    }
    errors.push(...payment.problems());
    return errors;
  }

  return section(form.form);

  function section(...children: Node[]): HTMLElement {
    return h('section', { class: 'card booking', 'aria-labelledby': 'booking-title' }, h('h2', { id: 'booking-title' }, t('booking.title')), children);
  }
}

const KEPT_CHOICE_KEY = 'consulto.bookingChoice';

/** Remembers the simulator's choice for this tab while the visitor signs up or in (ACC-7). */
function keepChoiceOnClick(link: HTMLAnchorElement, slug: string, choice: Choice): HTMLAnchorElement {
  link.addEventListener('click', () => {
    try {
      sessionStorage.setItem(KEPT_CHOICE_KEY, JSON.stringify({ slug, choice }));
    } catch {
      // storage disabled: the visitor chooses again on return
    }
  });
  return link;
}

/** The kept choice for this expert, once: a later visit starts afresh. */
function takeKeptChoice(slug: string): Choice | undefined {
  try {
    const raw = sessionStorage.getItem(KEPT_CHOICE_KEY);
    if (!raw) return undefined;
    const kept = JSON.parse(raw) as { slug?: unknown; choice?: Partial<Choice> };
    if (kept.slug !== slug) return undefined;
    sessionStorage.removeItem(KEPT_CHOICE_KEY);
    const choice = kept.choice ?? {};
    if ((choice.mode !== 'video' && choice.mode !== 'phone') || typeof choice.pricing !== 'string') return undefined;
    return {
      mode: choice.mode,
      pricing: choice.pricing,
      budgetCents: typeof choice.budgetCents === 'number' && Number.isSafeInteger(choice.budgetCents) ? choice.budgetCents : DEFAULT_BUDGET_CENTS,
      country: typeof choice.country === 'string' && /^[A-Z]{2}$/.test(choice.country) ? choice.country : 'FR',
      discountCode: typeof choice.discountCode === 'string' ? choice.discountCode.slice(0, 32) : '',
    };
  } catch {
    return undefined;
  }
}

/**
 * TEL-6: the country of a typed number, as the server's numbering library reads it (no table of
 * calling codes here); undefined when the number is not a valid one. The server decides the
 * surcharge again at booking (BILL-8, BILL-13).
 */
async function countryOfNumber(number: string): Promise<string | undefined> {
  try {
    const parsed = await apiCall<{ e164: string; country: string }>('GET', `/api/phone-numbers/lookup?${new URLSearchParams({ number }).toString()}`, { auth: false });
    return parsed.country;
  } catch {
    return undefined;
  }
}

/**
 * BOOK-3: posts the booking; when the bank asks for 3-D Secure, runs its step and posts the same
 * booking again naming the hold, so the server books on the hold the client just authenticated.
 */
async function postBooking(body: Record<string, unknown>, payment: PaymentField, heldCents: number | undefined): Promise<BookedConsultation> {
  let authenticatedHoldRef: string | undefined;
  for (let round = 0; ; round++) {
    try {
      return await apiCall<BookedConsultation>('POST', '/api/consultations', { json: authenticatedHoldRef ? { ...body, authenticatedHoldRef } : body });
    } catch (error) {
      const challenge = authenticationChallenge(error);
      if (!challenge || round >= MAX_AUTHENTICATION_ROUNDS) throw error;
      await payment.authenticate(challenge, heldCents);
      authenticatedHoldRef = challenge.holdRef;
    }
  }
}

function authenticationChallenge(error: unknown): AuthenticationChallenge | undefined {
  if (!(error instanceof ApiError) || error.code !== 'authentication_required') return undefined;
  const { holdRef, clientSecret } = error.details;
  return typeof holdRef === 'string' && typeof clientSecret === 'string' ? { holdRef, clientSecret } : undefined;
}

function showBookingError(handle: FormHandle, payment: PaymentField, error: unknown): void {
  const problem = errorFor(error);
  if (problem.name === PAYMENT_FIELD) payment.showError(handle, problem.message);
  else handle.showErrors([problem]);
}

function summaryRow(term: string, value: string): HTMLElement {
  return h('p', { class: 'summary-row' }, h('span', {}, `${term}${t('booking.colon')}`), h('strong', {}, value));
}
