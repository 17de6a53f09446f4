/**
 * PAY-7 with Stripe: the client's saved cards, a new card typed into Stripe's Card Element, or the
 * browser's wallet (Payment Request Button: Apple Pay, Google Pay, Link). A new card and a wallet's
 * card alike are saved through a SetupIntent and then booked with their token; our server only
 * ever sees Stripe's token, the brand, the last 4 digits and the expiry. The payment step renders
 * this object's state and sends it intents; nothing here draws.
 */
import { signal } from '@preact/signals';
import { apiCall } from '../../api.ts';
import type { Language } from '../../i18n/index.ts';
import {
  stripeClient,
  type CardElement,
  type CardElementChange,
  type PaymentRequest,
  type PaymentRequestButtonElement,
  type StripeClient,
  type StripeError,
  type WalletPaymentMethodEvent,
} from '../../stripe.ts';
import type { CardSetupStarted, SavedCard } from './booking-types.ts';

/** The choice that asks for a card not saved yet. */
export const NEW_CARD = 'new';
/** The Payment Request API's country of the merchant account: France (SPEC reference market). */
const MERCHANT_COUNTRY = 'FR';

export type CardOutcome = { token: string } | { problem: 'incomplete' | 'stripe'; error?: StripeError };

export interface WalletHandlers {
  /** Called when the wallet button is pressed; false keeps the wallet's sheet closed (a box left unticked). */
  canOpen: () => boolean;
  /** The wallet gave a card: book with `saveWalletCard(event)`'s token. */
  onPaymentMethod: (event: WalletPaymentMethodEvent) => void;
}

export class StripeCheckout {
  readonly status = signal<'loading' | 'ready' | 'blocked'>('loading');
  readonly savedCards = signal<SavedCard[]>([]);
  /** A saved card's token, or NEW_CARD. */
  readonly selected = signal<string>(NEW_CARD);
  /** The Card Element's own complaint (an impossible number), or a refusal to show next to the card. */
  readonly cardError = signal('');
  /** The browser offers Apple Pay, Google Pay or Link. */
  readonly walletAvailable = signal(false);

  readonly #publishableKey: string;
  readonly #locale: Language;
  #stripe: StripeClient | undefined;
  #card: CardElement | undefined;
  #cardState: CardElementChange = { complete: false, empty: true };
  #paymentRequest: PaymentRequest | undefined;
  #walletButton: PaymentRequestButtonElement | undefined;

  constructor(publishableKey: string, locale: Language) {
    this.#publishableKey = publishableKey;
    this.#locale = locale;
  }

  /** Loads Stripe.js and the saved cards; the first saved card is chosen, else a new card. */
  async start(): Promise<void> {
    try {
      const [stripe, cards] = await Promise.all([
        stripeClient(this.#publishableKey, this.#locale),
        // Saved cards only spare typing: without the list, a new card still books.
        apiCall<{ cards: SavedCard[] }>('GET', '/api/payments/cards').then(
          (answer) => answer.cards,
          () => [],
        ),
      ]);
      this.#stripe = stripe;
      this.savedCards.value = cards;
      this.selected.value = cards[0]?.paymentMethod ?? NEW_CARD;
      this.status.value = 'ready';
    } catch {
      this.status.value = 'blocked';
    }
  }

  choose(choice: string): void {
    this.selected.value = choice;
    this.cardError.value = '';
  }

  mountCard(container: HTMLElement): void {
    if (!this.#stripe || this.#card) return;
    const card = this.#stripe.elements({ locale: this.#locale }).create('card', { hidePostalCode: true });
    card.on('change', (change) => {
      this.#cardState = change;
      this.cardError.value = change.error?.message ?? '';
    });
    card.mount(container);
    this.#card = card;
  }

  unmountCard(): void {
    this.#card?.destroy();
    this.#card = undefined;
    this.#cardState = { complete: false, empty: true };
  }

  focusCard(): void {
    this.#card?.focus();
  }

  /** The token to book with: a saved card's, or a new card's once Stripe has saved it (SetupIntent). */
  async cardToken(): Promise<CardOutcome> {
    if (this.selected.value !== NEW_CARD) return { token: this.selected.value };
    if (!this.#stripe || !this.#card || !this.#cardState.complete)
      return { problem: 'incomplete', ...(this.#cardState.error ? { error: this.#cardState.error } : {}) };
    const setup = await apiCall<CardSetupStarted>('POST', '/api/payments/cards/setup');
    const confirmed = await this.#stripe.confirmCardSetup(setup.clientSecret, { payment_method: { card: this.#card } });
    if (confirmed.error) return { problem: 'stripe', error: confirmed.error };
    return { token: (await this.#keep(setup.setupRef)).paymentMethod };
  }

  /**
   * Shows the wallet's button when the browser has one. The amount is what the hold blocks, so the
   * wallet's sheet names the same sum as the page.
   */
  async offerWallet(container: HTMLElement, total: { label: string; amountCents: number }, handlers: WalletHandlers): Promise<void> {
    if (!this.#stripe || this.#paymentRequest) return;
    const paymentRequest = this.#stripe.paymentRequest({
      country: MERCHANT_COUNTRY,
      currency: 'eur',
      total: { label: total.label, amount: total.amountCents },
      requestPayerName: false,
      requestPayerEmail: false,
    });
    this.#paymentRequest = paymentRequest;
    const offered = await paymentRequest.canMakePayment().catch(() => null);
    if (!offered || this.#paymentRequest !== paymentRequest) return;
    const button = this.#stripe.elements({ locale: this.#locale }).create('paymentRequestButton', { paymentRequest });
    button.on('click', (event) => {
      if (!handlers.canOpen()) event.preventDefault();
    });
    paymentRequest.on('paymentmethod', handlers.onPaymentMethod);
    button.mount(container);
    this.#walletButton = button;
    this.walletAvailable.value = true;
  }

  updateWalletTotal(total: { label: string; amountCents: number }): void {
    this.#paymentRequest?.update({ total: { label: total.label, amount: total.amountCents } });
  }

  /**
   * The wallet's card, saved like a new card: confirmed on a SetupIntent without the bank's step,
   * the wallet's sheet closed, then the bank's step if it asks for one, then kept.
   */
  async saveWalletCard(event: WalletPaymentMethodEvent): Promise<CardOutcome> {
    const stripe = this.#stripe;
    if (!stripe) {
      event.complete('fail');
      return { problem: 'stripe' };
    }
    let setup: CardSetupStarted;
    try {
      setup = await apiCall<CardSetupStarted>('POST', '/api/payments/cards/setup');
    } catch (error) {
      event.complete('fail');
      throw error;
    }
    const confirmed = await stripe.confirmCardSetup(setup.clientSecret, { payment_method: event.paymentMethod.id }, { handleActions: false });
    if (confirmed.error) {
      event.complete('fail');
      return { problem: 'stripe', error: confirmed.error };
    }
    event.complete('success');
    if (confirmed.setupIntent.status === 'requires_action') {
      const authenticated = await stripe.confirmCardSetup(setup.clientSecret);
      if (authenticated.error) return { problem: 'stripe', error: authenticated.error };
    }
    return { token: (await this.#keep(setup.setupRef)).paymentMethod };
  }

  /** BOOK-3: the bank's step for the hold; its answer is not trusted here, the server reads the PaymentIntent. */
  async authenticate(clientSecret: string): Promise<void> {
    await this.#stripe?.handleNextAction({ clientSecret });
  }

  destroy(): void {
    this.unmountCard();
    this.#walletButton?.destroy();
    this.#walletButton = undefined;
    this.#paymentRequest = undefined;
    this.walletAvailable.value = false;
  }

  /** Once saved, the new card is one of the saved ones: a retry uses it instead of saving it again. */
  async #keep(setupRef: string): Promise<SavedCard> {
    const saved = await apiCall<SavedCard>('POST', '/api/payments/cards', { json: { setupRef } });
    this.savedCards.value = [saved, ...this.savedCards.value.filter((other) => other.id !== saved.id)];
    this.unmountCard();
    this.selected.value = saved.paymentMethod;
    return saved;
  }
}
