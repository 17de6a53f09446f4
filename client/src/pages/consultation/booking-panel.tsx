import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { formatMoney, formatTime, locale, t } from '../../i18n/index.ts';
import { countryOptions } from '../../countries.ts';
import { MAX_FREE_RATE_BUDGET_CENTS } from '../../../../server/billing/constants.ts';
import { Form, RadioGroup, TextField, useForm, type Choice, type FieldError } from '../../ui/form.tsx';
import { apiErrorMessage } from '../../ui/errors.ts';
import {
  BUDGET,
  BUDGET_TEXT_MAX_LENGTH,
  offeredModes,
  packagesFor,
  parseEuros,
  rateFor,
  readDraft,
  rememberChoice,
  saveDraft,
  withMode,
  type BookingChoice,
} from './booking-choice.ts';
import { GroupedSelectField } from './booking-fields.tsx';
import { formatDay, visitorTimeZone } from './booking-format.ts';
import type { Mode, PublicProfile } from './booking-types.ts';
import { cm } from './consultation-messages.ts';
import { PriceSummary } from './price-summary.tsx';
import { useBookingPrice, type PriceProblem, type PriceState } from './use-booking-price.ts';
import { usePhoneLookup } from './use-phone-lookup.ts';
import { slotsByDay, useFreeSlots, SLOT_DAYS } from './use-free-slots.ts';

/** One tap for the budgets people choose most; any other amount is typed. */
const QUICK_BUDGETS_CENTS = [1000, 2000, 3000, 5000] as const;

interface BookingPanelProps {
  profile: PublicProfile;
  initialChoice: BookingChoice;
  /** The choice is complete and checked: on to the account or the payment. */
  onContinue: (choice: BookingChoice) => void;
}

/**
 * BOOK-1 on the expert's page itself: mode, timing (now, or a slot) and pricing (a budget or a
 * package), with BOOK-2's figures live. The defaults (first mode, now when the expert is
 * available, a ten-minute budget) make one tap enough; every change is written to the address.
 */
export function BookingPanel({ profile, initialChoice, onContinue }: BookingPanelProps) {
  const slug = profile.slug;
  const form = useForm({
    mode: initialChoice.mode,
    timing: initialChoice.timing,
    slot: initialChoice.slot,
    pricing: initialChoice.pricing,
    budget: initialChoice.budgetText,
    country: initialChoice.country,
    discountCode: initialChoice.discountCode,
    phoneNumber: useMemo(() => readDraft(slug).phoneNumber, [slug]),
  });
  const values = form.values.value;
  const choiceOf = (typed: typeof values): BookingChoice => ({
    mode: typed.mode === 'phone' ? 'phone' : 'video',
    timing: typed.timing === 'now' && profile.availableNow ? 'now' : 'slot',
    slot: typed.slot,
    pricing: typed.pricing,
    budgetText: typed.budget,
    country: typed.country || 'FR',
    discountCode: typed.discountCode.trim(),
  });
  const choice = useMemo(() => choiceOf(values), [values, profile.availableNow]);
  const price = useBookingPrice(profile, choice);
  const [discountOpen, setDiscountOpen] = useState(initialChoice.discountCode !== '');
  const modes = offeredModes(profile);

  // A package of the other mode does not apply: the mode's own default does.
  useEffect(() => {
    const fixed = withMode(profile, choice, choice.mode);
    if (fixed.pricing !== choice.pricing) form.set('pricing', fixed.pricing);
  }, [choice.mode]);
  // Written as it changes (a subscription runs at once, an effect only after the next frame): a reload right after a choice keeps it.
  useEffect(
    () =>
      form.values.subscribe((typed) => {
        rememberChoice(slug, choiceOf(typed), 'offer');
        saveDraft(slug, { phoneNumber: typed.phoneNumber });
      }),
    [slug, profile.availableNow],
  );
  // TEL-6, BILL-8: the server reads the number; its country sets the surcharge shown (decided again at booking).
  const phone = usePhoneLookup(choice.mode === 'phone' ? values.phoneNumber : '');
  useEffect(() => {
    saveDraft(slug, { phoneE164: phone.state === 'valid' ? phone.e164 : '' });
    if (phone.state !== 'valid' || phone.country === form.values.value.country) return;
    if (countryOptions().some((option) => option.value === phone.country)) form.set('country', phone.country);
  }, [phone.state, phone.state === 'valid' ? phone.e164 : '']);
  useEffect(() => {
    if (price.state === 'invalid' && price.problem.field === 'discountCode') setDiscountOpen(true);
  }, [price]);

  const reservedMinutes = useLastDefined(price.state === 'ready' ? price.price.reservedMinutes : undefined);
  const slots = useFreeSlots(slug, choice.timing === 'slot' ? reservedMinutes : undefined);
  // A slot that is no longer free for this length is not kept chosen.
  useEffect(() => {
    if (slots.state === 'ready' && values.slot && !slots.slots.includes(values.slot)) form.set('slot', '');
  }, [slots]);

  if (modes.length === 0) {
    return (
      <section class="booking-panel card" aria-labelledby="booking-title">
        <h2 id="booking-title">{cm('panelTitle')}</h2>
        <p>{cm('noPricing')}</p>
      </section>
    );
  }

  const validate = (): FieldError[] => {
    const errors: FieldError[] = [];
    if (choice.timing === 'slot' && !choice.slot) errors.push({ name: 'slot', message: cm('error.slotRequired') });
    if (price.state === 'invalid') errors.push({ name: price.problem.field, message: problemMessage(price.problem) });
    if (choice.mode === 'phone' && phone.state === 'invalid') errors.push({ name: 'phoneNumber', message: cm('error.phoneNumber') });
    return errors;
  };

  return (
    <section class="booking-panel card" aria-labelledby="booking-title" data-testid="booking-panel">
      <h2 id="booking-title">{cm('panelTitle')}</h2>
      <Form
        form={form}
        label={cm('panelTitle')}
        submitLabel={choice.timing === 'now' ? cm('continueNow') : cm('continue')}
        submitClass="button button-primary button-block"
        validate={validate}
        onSubmit={async () => {
          // A number typed a moment ago: its check finishes first, so the next step has its E.164 form.
          if (choice.mode === 'phone' && (await phone.settled()).state === 'invalid') {
            form.showErrors([{ name: 'phoneNumber', message: cm('error.phoneNumber') }]);
            return;
          }
          onContinue(choice);
        }}
      >
        {modes.length > 1 ? (
          <RadioGroup
            form={form}
            name="mode"
            label={cm('mode')}
            class="segmented"
            choices={modes.map((mode) => ({ value: mode, label: cm(`mode.${mode}`) }))}
          />
        ) : (
          <p class="single-choice">
            {cm('mode')}
            {cm('colon')}
            <strong>{cm(`mode.${modes[0]!}`)}</strong>
          </p>
        )}
        {profile.availableNow ? (
          <RadioGroup
            form={form}
            name="timing"
            label={cm('when')}
            class="segmented"
            choices={[
              { value: 'now', label: cm('timing.now') },
              { value: 'slot', label: cm('timing.slot') },
            ]}
          />
        ) : (
          <p class="single-choice">{cm('timing.slotOnly')}</p>
        )}
        {choice.timing === 'slot' ? <SlotField form={form} slots={slots} /> : null}
        <PricingChoice form={form} profile={profile} mode={choice.mode} />
        {choice.pricing === BUDGET ? (
          <div class="budget-field">
            <TextField
              form={form}
              name="budget"
              label={cm('budget')}
              required
              inputMode="decimal"
              maxLength={BUDGET_TEXT_MAX_LENGTH}
              suffix="€"
              hint={cm('budgetHint', { max: formatMoney(MAX_FREE_RATE_BUDGET_CENTS) })}
            />
            <div class="quick-budgets" role="group" aria-label={cm('quickBudgets')}>
              {QUICK_BUDGETS_CENTS.map((cents) => (
                <button
                  key={cents}
                  type="button"
                  class="chip"
                  aria-pressed={parseEuros(values.budget) === cents ? 'true' : 'false'}
                  onClick={() => form.set('budget', String(cents / 100))}
                >
                  {wholeEuros(cents)}
                </button>
              ))}
            </div>
          </div>
        ) : null}
        {choice.mode === 'phone' ? (
          <>
            <TextField form={form} name="phoneNumber" label={cm('phoneNumber')} type="tel" required autocomplete="tel" hint={cm('phoneNumberHint')} />
            <GroupedSelectField form={form} name="country" label={cm('country')} hint={cm('countryHint')} groups={[{ options: countryOptions() }]} />
          </>
        ) : null}
        {discountOpen ? (
          <TextField form={form} name="discountCode" label={cm('discountCode')} maxLength={32} autocomplete="off" />
        ) : (
          <p>
            <button type="button" class="link-button inline-link" aria-expanded="false" onClick={() => setDiscountOpen(true)}>
              {cm('discountToggle')}
            </button>
          </p>
        )}
        <PriceSummary choice={choice} price={price} problem={price.state === 'invalid' ? problemMessage(price.problem) : undefined} />
      </Form>
      <StickyAction form={form.element} price={price} label={choice.timing === 'now' ? cm('continueNow') : cm('continue')} />
    </section>
  );
}

/** A budget at the rate, or one of the mode's packages; a single offer is stated, not offered as a choice. */
function PricingChoice({ form, profile, mode }: { form: Parameters<typeof RadioGroup>[0]['form']; profile: PublicProfile; mode: Mode }) {
  const rate = rateFor(profile, mode);
  const choices: Choice[] = [
    ...(rate !== null ? [{ value: BUDGET, label: cm('pricing.budget'), hint: cm('pricing.budgetHint', { rate: formatMoney(rate) }) }] : []),
    ...packagesFor(profile, mode).map((offer) => ({
      value: offer.id,
      label: cm('pricing.package', { minutes: offer.minutes, price: formatMoney(offer.priceCents) }),
    })),
  ];
  if (choices.length === 1) {
    return (
      <p class="single-choice">
        {cm('pricing')}
        {cm('colon')}
        <strong>{choices[0]!.label}</strong>
        {choices[0]!.hint ? <span class="hint">{choices[0]!.hint}</span> : null}
      </p>
    );
  }
  return <RadioGroup form={form} name="pricing" label={cm('pricing')} class="pricing-choices" choices={choices} />;
}

function SlotField({ form, slots }: { form: Parameters<typeof GroupedSelectField>[0]['form']; slots: ReturnType<typeof useFreeSlots> }) {
  const ready = slots.state === 'ready' && slots.slots.length > 0;
  const empty = slots.state === 'ready' && slots.slots.length === 0;
  return (
    <GroupedSelectField
      form={form}
      name="slot"
      label={cm('slot')}
      required
      hint={empty ? cm('noSlots', { days: SLOT_DAYS }) : slots.state === 'failed' ? cm('slotsFailed') : cm('slotHint', { zone: visitorTimeZone() })}
      placeholder={ready ? cm('chooseSlot') : slots.state === 'loading' || slots.state === 'idle' ? t('shell.loading') : cm('noSlotOption')}
      disabled={!ready}
      groups={
        ready
          ? slotsByDay(slots.slots, formatDay).map(({ day, slots: daySlots }) => ({
              label: day,
              options: daySlots.map((slot) => ({ value: slot, label: `${day}, ${formatTime(slot)}` })),
            }))
          : []
      }
    />
  );
}

/** On a phone, once the panel's own button has scrolled away, the main action stays at the bottom of the screen. */
function StickyAction({ form, price, label }: { form: { current: HTMLFormElement | null }; price: PriceState; label: string }) {
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const actions = form.current?.querySelector('.actions');
    if (!actions || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(([entry]) => setVisible(entry !== undefined && !entry.isIntersecting));
    observer.observe(actions);
    return () => observer.disconnect();
  }, [form.current]);
  return (
    <div class="booking-sticky" hidden={!visible} data-testid="sticky-action">
      <span class="sticky-price">{price.state === 'ready' ? cm('stickyHold', { amount: formatMoney(price.price.holdCents) }) : ''}</span>
      <button type="button" class="button button-primary" onClick={() => form.current?.requestSubmit()}>
        {label}
      </button>
    </div>
  );
}

/** "20 €" / "€20": a round budget on a small button. */
function wholeEuros(cents: number): string {
  return new Intl.NumberFormat(locale(), { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }).format(cents / 100);
}

/** The last value that was not undefined: the slot list keeps its length while a new quote loads. */
function useLastDefined<T>(value: T | undefined): T | undefined {
  const last = useRef<T | undefined>(value);
  if (value !== undefined) last.current = value;
  return last.current;
}

export function problemMessage(problem: PriceProblem): string {
  switch (problem.code) {
    case 'budget_format':
      return cm('error.budgetFormat');
    case 'budget_too_large':
      return cm('error.budgetTooLarge', { max: formatMoney(MAX_FREE_RATE_BUDGET_CENTS) });
    case 'budget_too_small':
      return cm('error.budgetTooSmall');
    case 'invalid_discount_code':
      return cm('error.discountCode');
    case 'unknown_package':
    case 'package_mode_mismatch':
      return cm('error.unknownPackage');
    default:
      return apiErrorMessage(problem.error);
  }
}
