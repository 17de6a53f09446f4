import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, apiCall } from '../../api.ts';
import { needsEmailCode, verifyEmail } from '../../accounts/email-verification.ts';
import { formatMoney, language, t } from '../../i18n/index.ts';
import { navigate } from '../../router.ts';
import { currentUser, reloadCurrentUser } from '../../session.ts';
import type { StripeError, WalletPaymentMethodEvent } from '../../stripe.ts';
import { CheckboxField, Fieldset, Form, useForm, type FieldError } from '../../ui/form.tsx';
import { DEFERRED_HOLD_AFTER_DAYS } from '../../../../server/bookings/rules.ts';
import { EmailCodeField, emailCodeErrorMessage, emailCodeProblems } from '../signup/email-code.tsx';
import { BUDGET, bookingAddress, forgetDraft, parseEuros, readDraft, type BookingChoice } from './booking-choice.ts';
import { bm } from './booking-messages.ts';
import { BookingStepLayout } from './booking-step-layout.tsx';
import type { PaymentsConfig, PublicProfile } from './booking-types.ts';
import { LocalCardField, PAYMENT_FIELD, SimulatedBankDialog, StripePaymentField } from './payment-fields.tsx';
import { postBooking, type AuthenticationChallenge, type BookingRequest } from './post-booking.ts';
import { PriceSummary } from './price-summary.tsx';
import { problemMessage } from './booking-panel.tsx';
import { NEW_CARD, StripeCheckout, type CardOutcome } from './stripe-checkout.ts';
import { useBookingPrice } from './use-booking-price.ts';

const DAY_MS = 24 * 60 * 60_000;

type Field = 'payment' | 'choice' | '';

/** API error codes of a booking, with where the client fixes them. */
const BOOKING_ERRORS: Record<string, { key: Parameters<typeof bm>[0]; field: Field }> = {
  card_declined: { key: 'error.cardDeclined', field: 'payment' },
  invalid_payment_method: { key: 'error.cardDeclined', field: 'payment' },
  authentication_required: { key: 'error.authenticationRequired', field: 'payment' },
  authentication_failed: { key: 'error.authenticationFailed', field: 'payment' },
  authentication_expired: { key: 'error.authenticationExpired', field: '' },
  authentication_mismatch: { key: 'error.authenticationMismatch', field: '' },
  slot_taken: { key: 'error.slotTaken', field: 'choice' },
  outside_availability: { key: 'error.slotUnavailable', field: 'choice' },
  start_in_past: { key: 'error.slotUnavailable', field: 'choice' },
  start_too_far: { key: 'error.slotUnavailable', field: 'choice' },
  expert_not_available: { key: 'error.notAvailableNow', field: 'choice' },
  expert_busy: { key: 'error.expertBusy', field: 'choice' },
  budget_too_small: { key: 'error.budget', field: 'choice' },
  budget_too_large: { key: 'error.budget', field: 'choice' },
  invalid_discount_code: { key: 'error.discountCode', field: 'choice' },
  invalid_phone_number: { key: 'error.phoneNumber', field: 'choice' },
  unknown_package: { key: 'error.unknownPackage', field: 'choice' },
  signup_incomplete: { key: 'error.signupIncomplete', field: '' },
  email_not_verified: { key: 'error.emailNotVerified', field: '' },
  booking_refused: { key: 'error.refused', field: '' },
  expert_unavailable: { key: 'error.expertUnavailable', field: '' },
  page_not_published: { key: 'error.expertUnavailable', field: '' },
};

let paymentsConfig: Promise<PaymentsConfig | undefined> | undefined;

/** `GET /api/payments/config`, once per tab; a failure is asked again next time. */
function readPaymentsConfig(): Promise<PaymentsConfig | undefined> {
  paymentsConfig ??= apiCall<PaymentsConfig>('GET', '/api/payments/config', { auth: false }).catch(() => {
    paymentsConfig = undefined;
    return undefined;
  });
  return paymentsConfig;
}

interface PaymentStepProps {
  profile: PublicProfile;
  choice: BookingChoice;
  notice: string | undefined;
}

/**
 * BOOK-1…3, the last screen before "paid": the emailed code when the address is not confirmed yet
 * (ACC-10), BOOK-2's figures again, the two commitments, then the card (saved ones first, the
 * wallet, or a new one) and the hold. An immediate request then waits on its status page, an
 * appointment shows its confirmation there.
 */
export function PaymentStep({ profile, choice, notice }: PaymentStepProps) {
  const user = currentUser.value;
  const [config, setConfig] = useState<PaymentsConfig | undefined | 'loading'>('loading');
  useEffect(() => void readPaymentsConfig().then(setConfig), []);
  const price = useBookingPrice(profile, choice);
  const form = useForm({ emailCode: '', [PAYMENT_FIELD]: '', acceptTerms: false, waiveWithdrawal: false });
  const checkout = useMemo(
    () => (config !== 'loading' && config?.provider === 'stripe' && config.publishableKey ? new StripeCheckout(config.publishableKey, language()) : undefined),
    [config],
  );
  useEffect(() => {
    void checkout?.start();
    return () => checkout?.destroy();
  }, [checkout]);
  const localCards = config !== 'loading' && config?.provider === 'local' ? (config.testCards ?? []) : [];
  useEffect(() => {
    if (localCards.length > 0 && !form.values.value[PAYMENT_FIELD]) form.set(PAYMENT_FIELD, localCards[0]!);
  }, [localCards.length]);
  const [bank, setBank] = useState<{ amountCents: number | undefined; done: (outcome: 'succeeded' | 'failed') => void } | undefined>(undefined);
  const [choiceProblem, setChoiceProblem] = useState(false);
  const walletSlot = useRef<HTMLDivElement>(null);

  const holdCents = price.state === 'ready' ? price.price.holdCents : undefined;
  const deferred = choice.timing === 'slot' && choice.slot !== '' && Date.parse(choice.slot) - Date.now() > DEFERRED_HOLD_AFTER_DAYS * DAY_MS;
  const stripeStatus = checkout?.status.value;
  const usable = config !== 'loading' && (localCards.length > 0 || stripeStatus === 'ready');
  // BOOK-2: nothing is paid before the price, the duration and the cancellation terms are on screen.
  const priced = price.state === 'ready';
  const name = `${profile.firstName} ${profile.lastName}`;

  /** A slot or the number to call is missing (an address typed by hand): the way back to the choice shows. */
  const choiceIncomplete = (choice.timing === 'slot' && !choice.slot) || (choice.mode === 'phone' && !readDraft(profile.slug).phoneE164);

  /** What stops the booking before anything is sent, beyond the form's own required boxes. */
  const problems = (): FieldError[] => {
    const found: FieldError[] = [];
    if (needsEmailCode(currentUser.value)) found.push(...emailCodeProblems('emailCode', form.values.value.emailCode));
    if (choice.timing === 'slot' && !choice.slot) found.push({ name: '', message: bm('error.slotUnavailable') });
    if (choice.mode === 'phone' && !readDraft(profile.slug).phoneE164) found.push({ name: '', message: bm('error.phoneNumber') });
    if (price.state === 'invalid') found.push({ name: '', message: problemMessage(price.problem) });
    return found;
  };

  const bookingBody = (paymentMethod: string): BookingRequest => ({
    expertSlug: profile.slug,
    mode: choice.mode,
    startAt: choice.timing === 'now' ? null : choice.slot,
    ...(choice.pricing === BUDGET ? { budgetCents: parseEuros(choice.budgetText)! } : { packageId: choice.pricing }),
    ...(choice.mode === 'phone' ? { phoneNumber: readDraft(profile.slug).phoneE164 } : {}),
    ...(choice.discountCode ? { discountCode: choice.discountCode } : {}),
    paymentMethod,
    acceptTerms: true,
    waiveWithdrawal: true,
  });

  const showPaymentError = (message: string) => {
    if (!checkout) {
      form.showErrors([{ name: PAYMENT_FIELD, message }]);
      return;
    }
    // Said once, next to the card (its own live region), not again in the form's.
    form.showErrors([]);
    checkout.cardError.value = message;
    if (checkout.selected.value === NEW_CARD) checkout.focusCard();
    else form.element.current?.querySelector<HTMLInputElement>(`input[name="${PAYMENT_FIELD}"]:checked`)?.focus();
  };

  const showBookingError = (error: unknown) => {
    const known = error instanceof ApiError ? BOOKING_ERRORS[error.code] : undefined;
    if (!known) return form.showApiError(error);
    if (error instanceof ApiError && error.code === 'email_not_verified') void reloadCurrentUser();
    if (known.field === 'payment') return showPaymentError(bm(known.key));
    setChoiceProblem(known.field === 'choice');
    form.showErrors([{ name: '', message: bm(known.key) }]);
  };

  const tokenFrom = (outcome: CardOutcome): string | undefined => {
    if ('token' in outcome) return outcome.token;
    showPaymentError(outcome.problem === 'incomplete' ? (outcome.error?.message ?? bm('card.incomplete')) : stripeErrorMessage(outcome.error));
    return undefined;
  };

  const authenticate = async (challenge: AuthenticationChallenge) => {
    if (checkout) return checkout.authenticate(challenge.clientSecret);
    // The embedded provider: the simulated bank page, then its verdict to the provider.
    const outcome = await new Promise<'succeeded' | 'failed'>((resolve) => setBank({ amountCents: holdCents, done: resolve }));
    setBank(undefined);
    await apiCall('POST', `/api/payments/local/holds/${encodeURIComponent(challenge.holdRef)}/confirm`, { json: { outcome } });
  };

  /** Confirms the email if needed, gets the card's token (saving a new one), books, and shows where the consultation stands. */
  const book = async (wallet?: WalletPaymentMethodEvent): Promise<void> => {
    setChoiceProblem(false);
    if (needsEmailCode(currentUser.value)) {
      try {
        await verifyEmail(form.values.value.emailCode);
      } catch (error) {
        wallet?.complete('fail');
        form.showErrors([{ name: 'emailCode', message: emailCodeErrorMessage(error) }]);
        return;
      }
    }
    try {
      const token =
        wallet && checkout
          ? tokenFrom(await checkout.saveWalletCard(wallet))
          : checkout
            ? tokenFrom(await checkout.cardToken())
            : String(form.values.value[PAYMENT_FIELD]);
      if (!token) return;
      const booked = await postBooking(bookingBody(token), authenticate);
      forgetDraft();
      navigate(`/consultations/${encodeURIComponent(booked.id)}`);
    } catch (error) {
      showBookingError(error);
    }
  };

  // The wallet's button: shown once Stripe is ready and the amount known; its sheet names the hold.
  const latest = useRef({ book, problems });
  latest.current = { book, problems };
  useEffect(() => {
    if (!checkout || stripeStatus !== 'ready' || holdCents === undefined || !walletSlot.current) return;
    const total = { label: bm('payment.walletLabel', { name }), amountCents: holdCents };
    if (checkout.walletAvailable.value) return checkout.updateWalletTotal(total);
    void checkout.offerWallet(walletSlot.current, total, {
      canOpen: () => {
        const { acceptTerms, waiveWithdrawal } = form.values.value;
        const errors = [
          ...latest.current.problems(),
          ...(acceptTerms ? [] : [{ name: 'acceptTerms', message: t('error.mustTick') }]),
          ...(waiveWithdrawal ? [] : [{ name: 'waiveWithdrawal', message: t('error.mustTick') }]),
        ];
        if (errors.length > 0 || form.busy.value) {
          form.showErrors(errors);
          return false;
        }
        return true;
      },
      onPaymentMethod: (event) => {
        form.busy.value = true;
        void latest.current.book(event).finally(() => {
          form.busy.value = false;
        });
      },
    });
  }, [checkout, stripeStatus, holdCents]);

  const submitLabel = deferred ? bm('submitDeferred') : holdCents !== undefined ? bm('submit', { amount: formatMoney(holdCents) }) : bm('submitWithoutAmount');
  return (
    <BookingStepLayout profile={profile} choice={choice} step="payment" title={bm('payment.title')} notice={notice}>
      <Form
        form={form}
        label={bm('payment.title')}
        submitLabel={submitLabel}
        submitClass="button button-primary button-block"
        submitDisabled={!usable || !priced}
        validate={problems}
        onSubmit={() => book()}
      >
        {needsEmailCode(user) ? (
          <Fieldset legend={bm('payment.codeTitle')}>
            <EmailCodeField form={form} name="emailCode" email={user?.email ?? ''} justSignedUp={false} />
          </Fieldset>
        ) : null}
        <PriceSummary choice={choice} price={price} problem={price.state === 'invalid' ? problemMessage(price.problem) : undefined} headingLevel={2} />
        <Fieldset legend={bm('payment.commitments')}>
          <CheckboxField form={form} name="acceptTerms" label={bm('acceptTerms')} required />
          <CheckboxField form={form} name="waiveWithdrawal" label={bm('waiveWithdrawal')} required />
        </Fieldset>
        <Fieldset legend={bm('payment.method')}>
          {checkout ? (
            <StripePaymentField checkout={checkout} walletSlot={walletSlot} />
          ) : localCards.length > 0 ? (
            <LocalCardField form={form} testCards={localCards} />
          ) : config === 'loading' ? (
            <p class="hint">{bm('payment.loading')}</p>
          ) : (
            <p class="notice">{bm('payment.unavailable')}</p>
          )}
          <p class="hint secure-note">
            <LockIcon />
            {deferred ? bm('deferredHold') : bm('nothingCharged')}
          </p>
        </Fieldset>
        {choiceProblem || choiceIncomplete ? (
          <p>
            <a href={bookingAddress(profile.slug, choice, 'offer')}>{bm('error.fixChoice')}</a>
          </p>
        ) : null}
      </Form>
      {bank ? (
        <SimulatedBankDialog
          amountCents={bank.amountCents}
          onDone={(outcome) => {
            bank.done(outcome);
            // Back where the client was: the card they may want to change.
            form.element.current?.querySelector<HTMLElement>(`[name="${PAYMENT_FIELD}"]`)?.focus();
          }}
        />
      ) : null}
    </BookingStepLayout>
  );
}

/** A padlock beside the reassurance, drawn (no emoji font is needed). */
function LockIcon() {
  return (
    <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <rect x="2.5" y="7" width="11" height="8" rx="1.5" fill="currentColor" />
      <path d="M5 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" stroke-width="1.6" />
    </svg>
  );
}

/** Stripe localises its messages; the refusals the page already explains keep the page's wording. */
function stripeErrorMessage(error: StripeError | undefined): string {
  if (error?.code === 'card_declined') return bm('error.cardDeclined');
  if (error?.code === 'setup_intent_authentication_failure' || error?.code === 'payment_intent_authentication_failure') return bm('error.authenticationFailed');
  return error?.message ?? t('error.unexpected');
}
