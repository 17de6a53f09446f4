/**
 * PAY-7: Stripe.js, loaded from Stripe's own address as Stripe requires (card numbers are typed
 * into Stripe's frames, or come from the browser's wallet, and go to Stripe only), with types for
 * exactly the parts the booking uses: the Card Element, the Payment Request Button (Apple Pay,
 * Google Pay, Link), card setups and the bank's 3-D Secure step.
 */
import type { Language } from './i18n/index.ts';

const STRIPE_JS_URL = 'https://js.stripe.com/v3/';
/** A script still loading after this long is treated as blocked: the page says so instead of waiting forever. */
const STRIPE_LOAD_TIMEOUT_MS = 15_000;

/** Stripe's error object, as Stripe.js returns it (`type` is `card_error`, `validation_error`, …). */
export interface StripeError {
  type: string;
  code?: string;
  decline_code?: string;
  message?: string;
}

export interface CardElementChange {
  complete: boolean;
  empty: boolean;
  error?: StripeError;
}

export interface CardElement {
  mount(container: HTMLElement): void;
  on(event: 'change', handler: (event: CardElementChange) => void): void;
  unmount(): void;
  destroy(): void;
  focus(): void;
}

/** What the browser's wallet hands over: Stripe's token for the card, never its number. */
export interface WalletPaymentMethodEvent {
  paymentMethod: { id: string; card?: { brand: string; last4: string } };
  walletName?: string;
  /** Closes the wallet's sheet, saying whether the payment went through. */
  complete(status: 'success' | 'fail'): void;
}

export interface PaymentRequest {
  /** Null when the browser offers no wallet (no Apple Pay, Google Pay or Link here). */
  canMakePayment(): Promise<{ applePay?: boolean; googlePay?: boolean; link?: boolean } | null>;
  on(event: 'paymentmethod', handler: (event: WalletPaymentMethodEvent) => void): void;
  on(event: 'cancel', handler: () => void): void;
  update(options: { total: { label: string; amount: number } }): void;
}

export interface PaymentRequestButtonElement {
  mount(container: HTMLElement): void;
  /** Called before the wallet's sheet opens; `preventDefault()` keeps it closed (a box left unticked). */
  on(event: 'click', handler: (event: { preventDefault(): void }) => void): void;
  destroy(): void;
}

interface Elements {
  create(type: 'card', options: { hidePostalCode: boolean }): CardElement;
  create(type: 'paymentRequestButton', options: { paymentRequest: PaymentRequest }): PaymentRequestButtonElement;
}

interface IntentResult {
  id: string;
  status: string;
}

type SetupResult = { setupIntent: IntentResult; error?: undefined } | { setupIntent?: undefined; error: StripeError };

export interface StripeClient {
  elements(options: { locale: Language }): Elements;
  paymentRequest(options: {
    country: string;
    currency: string;
    total: { label: string; amount: number };
    requestPayerName: boolean;
    requestPayerEmail: boolean;
  }): PaymentRequest;
  /** A card typed into the Card Element, a wallet's PaymentMethod id, or (no data) the 3-D Secure step of a setup already confirmed. */
  confirmCardSetup(clientSecret: string, data?: { payment_method: { card: CardElement } | string }, options?: { handleActions: boolean }): Promise<SetupResult>;
  handleNextAction(options: {
    clientSecret: string;
  }): Promise<{ paymentIntent: IntentResult; error?: undefined } | { paymentIntent?: undefined; error: StripeError }>;
}

type StripeFactory = (publishableKey: string, options: { locale: Language }) => StripeClient;

declare global {
  interface Window {
    Stripe?: StripeFactory;
  }
}

let loading: Promise<StripeFactory> | undefined;
const clients = new Map<string, StripeClient>();

/** One Stripe client per key and language; the script is inserted once (again only after a failure). */
export async function stripeClient(publishableKey: string, locale: Language): Promise<StripeClient> {
  const factory = await loadStripeJs();
  const name = `${publishableKey}|${locale}`;
  let client = clients.get(name);
  if (!client) {
    client = factory(publishableKey, { locale });
    clients.set(name, client);
  }
  return client;
}

function loadStripeJs(): Promise<StripeFactory> {
  loading ??= new Promise<StripeFactory>((resolve, reject) => {
    if (window.Stripe) return resolve(window.Stripe);
    const script = document.createElement('script');
    script.src = STRIPE_JS_URL;
    script.async = true;
    const fail = (reason: string) => {
      clearTimeout(timer);
      script.remove();
      loading = undefined;
      reject(new Error(reason));
    };
    const timer = setTimeout(() => fail('Stripe.js took too long to load'), STRIPE_LOAD_TIMEOUT_MS);
    script.addEventListener('error', () => fail('Stripe.js could not be loaded'));
    script.addEventListener('load', () => {
      clearTimeout(timer);
      if (window.Stripe) resolve(window.Stripe);
      else fail('Stripe.js loaded without defining Stripe');
    });
    document.head.append(script);
  });
  return loading;
}
