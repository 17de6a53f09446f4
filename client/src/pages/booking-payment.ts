/**
 * PAY-6 / PAY-7: the payment field of the booking form, and the bank's 3-D Secure step of a hold
 * (BOOK-3). With the embedded provider: the test cards, clearly labelled as such, and a simulated
 * bank page. With Stripe: the client's saved cards, or a new card typed into Stripe's Card Element
 * and saved through a SetupIntent; the card number goes from Stripe's frame to Stripe only, our
 * server keeps the token, brand, last 4 digits and expiry.
 */
import { h, uniqueId } from '../dom.ts';
import { language, t, type MessageKey } from '../i18n/index.ts';
import { apiCall } from '../api.ts';
import type { FieldError, FormHandle } from '../forms.ts';
import { stripeClient, type CardElement, type CardElementChange, type StripeClient, type StripeError } from '../stripe.ts';
import { radioGroup, radioValue, selectFieldWithoutEmpty } from './booking-controls.ts';
import { money, type CardSetupStarted, type PaymentsConfig, type SavedCard } from './booking-api.ts';

/** The booking's field name for the token, as the API names it. */
export const PAYMENT_FIELD = 'paymentMethod';
/** The radio that asks for a card not saved yet. */
const NEW_CARD = 'new';

/** A 402 `authentication_required` of the booking: the hold waiting for the bank, and its secret for the provider's script. */
export interface AuthenticationChallenge {
  holdRef: string;
  clientSecret: string;
}

export interface PaymentField {
  readonly element: HTMLElement;
  /** Settles once the field knows whether it can take a card at all; false keeps the booking disabled. */
  readonly usable: Promise<boolean>;
  /** What stops a booking before anything is sent (still loading, no way to pay). */
  problems(): FieldError[];
  /** The token to book with; a new card is saved with the provider first. Undefined once the field has said why not. */
  paymentMethod(handle: FormHandle): Promise<string | undefined>;
  /** BOOK-3: the bank's 3-D Secure step for the hold; the server then asks the provider how it ended. */
  authenticate(challenge: AuthenticationChallenge, amountCents: number | undefined): Promise<void>;
  showError(handle: FormHandle, message: string): void;
}

export function paymentField(config: PaymentsConfig | undefined): PaymentField {
  if (config?.provider === 'local' && config.testCards?.length) return localPaymentField(config.testCards);
  if (config?.provider === 'stripe' && config.publishableKey) return stripePaymentField(config.publishableKey);
  return unavailablePaymentField();
}

const TEST_CARD_LABELS: Record<string, MessageKey> = {
  pm_card_visa: 'booking.testCard.visa',
  pm_card_chargeDeclined: 'booking.testCard.declined',
  pm_card_authenticationRequired: 'booking.testCard.authentication',
};

/** The embedded provider: its test cards, and a simulated bank page for 3-D Secure. */
function localPaymentField(testCards: readonly string[]): PaymentField {
  const element = selectFieldWithoutEmpty(
    PAYMENT_FIELD,
    t('booking.testCard'),
    testCards.map((card) => ({ value: card, label: TEST_CARD_LABELS[card] ? t(TEST_CARD_LABELS[card]) : card })),
    testCards[0]!,
    t('booking.testCardHint'),
  );
  const select = element.querySelector('select')!;
  return {
    element,
    usable: Promise.resolve(true),
    problems: () => [],
    paymentMethod: async () => select.value,
    async authenticate(challenge, amountCents) {
      const outcome = await simulatedBankPage(amountCents, select);
      await apiCall('POST', `/api/payments/local/holds/${encodeURIComponent(challenge.holdRef)}/confirm`, { json: { outcome } });
    },
    showError: (handle, message) => handle.showErrors([{ name: PAYMENT_FIELD, message }]),
  };
}

function unavailablePaymentField(): PaymentField {
  const message = t('booking.payment.unavailable');
  return {
    element: h('p', { class: 'notice' }, message),
    usable: Promise.resolve(false),
    problems: () => [{ name: '', message }],
    paymentMethod: async () => undefined,
    authenticate: async () => undefined,
    showError: (handle, text) => handle.showErrors([{ name: '', message: text }]),
  };
}

/** Stripe: saved cards as radios, "another card" as Stripe's Card Element. */
function stripePaymentField(publishableKey: string): PaymentField {
  const locale = language();
  const errorSlot = h('p', { class: 'field-error', id: uniqueId('payment-error'), 'aria-live': 'polite', hidden: true });
  const choices = h('div', {});
  const entryLabelId = uniqueId('card-entry');
  const mountPoint = h('div', { class: 'card-element', role: 'group', 'aria-labelledby': entryLabelId, 'aria-describedby': `${entryLabelId}-hint ${errorSlot.id}` });
  const entry = h(
    'div',
    { class: 'card-entry', hidden: true },
    h('p', { class: 'card-entry-label', id: entryLabelId }, t('booking.card.new')),
    h('p', { class: 'hint', id: `${entryLabelId}-hint` }, t('booking.card.newHint')),
    mountPoint,
  );
  const status = h('p', { class: 'hint', 'aria-live': 'polite' }, t('booking.payment.loading'));
  const element = h('div', { class: 'field payment-field' }, status, choices, entry, errorSlot);

  let state: 'loading' | 'ready' | 'blocked' = 'loading';
  let stripe: StripeClient | undefined;
  let savedCards: SavedCard[] = [];
  let choice = NEW_CARD;
  let card: CardElement | undefined;
  let cardState: CardElementChange = { complete: false, empty: true };

  const setError = (message: string) => {
    errorSlot.textContent = message;
    errorSlot.hidden = message === '';
  };

  function drawChoices(): void {
    if (savedCards.length === 0) {
      choices.replaceChildren();
    } else {
      const group = radioGroup(
        PAYMENT_FIELD,
        t('booking.card.choice'),
        [...savedCards.map((saved) => ({ value: saved.paymentMethod, label: savedCardLabel(saved) })), { value: NEW_CARD, label: t('booking.card.other') }],
        choice,
      );
      group.setAttribute('aria-describedby', errorSlot.id);
      group.addEventListener('change', (event) => {
        choice = radioValue(event.target);
        setError('');
        showEntry();
      });
      choices.replaceChildren(group);
    }
    showEntry();
  }

  function showEntry(): void {
    entry.hidden = choice !== NEW_CARD;
    if (choice !== NEW_CARD || card || !stripe) return;
    card = stripe.elements({ locale }).create('card', { hidePostalCode: true });
    card.on('change', (change) => {
      cardState = change;
      setError(change.error?.message ?? '');
    });
    card.mount(mountPoint);
  }

  /** Once saved, the new card is one of the saved ones: a retry uses it instead of saving it again. */
  function keepSaved(saved: SavedCard): void {
    savedCards = [saved, ...savedCards.filter((other) => other.id !== saved.id)];
    choice = saved.paymentMethod;
    card?.destroy();
    card = undefined;
    cardState = { complete: false, empty: true };
    drawChoices();
  }

  const usable = (async () => {
    let cards: SavedCard[];
    try {
      [stripe, cards] = await Promise.all([
        stripeClient(publishableKey, locale),
        // Saved cards only spare typing: without the list, a new card still books.
        apiCall<{ cards: SavedCard[] }>('GET', '/api/payments/cards').then(
          (answer) => answer.cards,
          () => [],
        ),
      ]);
    } catch {
      state = 'blocked';
      status.className = 'error-text';
      status.textContent = t('booking.payment.stripeBlocked');
      return false;
    }
    state = 'ready';
    status.remove();
    savedCards = cards;
    choice = cards[0]?.paymentMethod ?? NEW_CARD;
    drawChoices();
    return true;
  })();

  const field: PaymentField = {
    element,
    usable,
    problems: () => {
      if (state === 'loading') return [{ name: '', message: t('booking.payment.loading') }];
      if (state === 'blocked') return [{ name: '', message: t('booking.payment.stripeBlocked') }];
      return [];
    },
    async paymentMethod(handle) {
      if (choice !== NEW_CARD) return choice;
      if (!stripe || !card) return undefined;
      if (!cardState.complete) {
        field.showError(handle, cardState.error?.message ?? t('booking.card.incomplete'));
        return undefined;
      }
      const setup = await apiCall<CardSetupStarted>('POST', '/api/payments/cards/setup');
      const confirmed = await stripe.confirmCardSetup(setup.clientSecret, { payment_method: { card } });
      if (confirmed.error) {
        field.showError(handle, stripeErrorMessage(confirmed.error));
        return undefined;
      }
      const saved = await apiCall<SavedCard>('POST', '/api/payments/cards', { json: { setupRef: setup.setupRef } });
      keepSaved(saved);
      return saved.paymentMethod;
    },
    async authenticate(challenge) {
      // Stripe shows the bank's page; its answer is not trusted here, the server reads the PaymentIntent.
      await stripe?.handleNextAction({ clientSecret: challenge.clientSecret });
    },
    showError(handle, message) {
      handle.showErrors([]);
      setError(message);
      if (choice === NEW_CARD) card?.focus();
      else choices.querySelector<HTMLInputElement>('input:checked')?.focus();
    },
  };
  return field;
}

const CARD_BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  cartes_bancaires: 'CB',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  unionpay: 'UnionPay',
};

/** "Visa •••• 4242, exp. 12/34". */
function savedCardLabel(saved: SavedCard): string {
  const twoDigits = (value: number) => String(value % 100).padStart(2, '0');
  return t('booking.card.saved', { brand: CARD_BRANDS[saved.brand] ?? saved.brand, last4: saved.last4, month: twoDigits(saved.expMonth), year: twoDigits(saved.expYear) });
}

/** Stripe localises its messages; the refusals the booking form already explains keep the form's wording. */
function stripeErrorMessage(error: StripeError): string {
  if (error.code === 'card_declined') return t('booking.error.cardDeclined');
  if (error.code === 'setup_intent_authentication_failure' || error.code === 'payment_intent_authentication_failure') return t('booking.error.authenticationFailed');
  return error.message ?? t('error.unexpected');
}

/**
 * The embedded provider's stand-in for the bank's 3-D Secure page: a modal dialog that takes the
 * focus, answers `failed` when closed with Escape, and gives the focus back to the card field.
 */
function simulatedBankPage(amountCents: number | undefined, returnFocus: HTMLElement): Promise<'succeeded' | 'failed'> {
  return new Promise((resolve) => {
    const titleId = uniqueId('secure-title');
    const confirm = h('button', { type: 'button', class: 'button button-primary' }, t('booking.secure.confirm'));
    const refuse = h('button', { type: 'button', class: 'button button-secondary' }, t('booking.secure.refuse'));
    const dialog = h(
      'dialog',
      { class: 'secure-dialog', 'aria-labelledby': titleId, 'aria-describedby': `${titleId}-text` },
      h('h2', { id: titleId }, amountCents === undefined ? t('booking.secure.titleWithoutAmount') : t('booking.secure.title', { amount: money(amountCents) })),
      h('p', { id: `${titleId}-text` }, t('booking.secure.text')),
      h('div', { class: 'actions' }, confirm, refuse),
    );
    let outcome: 'succeeded' | 'failed' = 'failed';
    confirm.addEventListener('click', () => {
      outcome = 'succeeded';
      dialog.close();
    });
    refuse.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      returnFocus.focus();
      resolve(outcome);
    });
    document.body.append(dialog);
    dialog.showModal();
    confirm.focus();
  });
}
