/**
 * PAY-6 / PAY-7: how the client pays, drawn from state. With the embedded provider: its test
 * cards, clearly labelled as such, and a simulated bank page for 3-D Secure. With Stripe: the
 * wallet's button when the browser has one, the saved cards first, or a new card in Stripe's
 * Card Element.
 */
import { useEffect, useId, useRef } from 'preact/hooks';
import { formatMoney } from '../../i18n/index.ts';
import type { FormState, FormValues } from '../../ui/form.tsx';
import type { SavedCard } from './booking-types.ts';
import { GroupedSelectField } from './booking-fields.tsx';
import { bm } from './booking-messages.ts';
import { NEW_CARD, type StripeCheckout } from './stripe-checkout.ts';

/** The booking's field name for the token, as the API names it. */
export const PAYMENT_FIELD = 'paymentMethod';

const TEST_CARD_LABELS: Record<string, Parameters<typeof bm>[0]> = {
  pm_card_visa: 'testCard.visa',
  pm_card_chargeDeclined: 'testCard.declined',
  pm_card_authenticationRequired: 'testCard.authentication',
};

export function LocalCardField<Values extends FormValues>({ form, testCards }: { form: FormState<Values>; testCards: readonly string[] }) {
  return (
    <GroupedSelectField
      form={form}
      name={PAYMENT_FIELD}
      label={bm('testCard')}
      hint={bm('testCardHint')}
      groups={[{ options: testCards.map((card) => ({ value: card, label: TEST_CARD_LABELS[card] ? bm(TEST_CARD_LABELS[card]) : card })) }]}
    />
  );
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
  return bm('card.saved', {
    brand: CARD_BRANDS[saved.brand] ?? saved.brand,
    last4: saved.last4,
    month: twoDigits(saved.expMonth),
    year: twoDigits(saved.expYear),
  });
}

interface StripePaymentFieldProps {
  checkout: StripeCheckout;
  /** Where the wallet's button goes; the payment step sets it up once the amount is known. */
  walletSlot: { current: HTMLDivElement | null };
}

export function StripePaymentField({ checkout, walletSlot }: StripePaymentFieldProps) {
  const id = useId();
  const mountPoint = useRef<HTMLDivElement>(null);
  const status = checkout.status.value;
  const selected = checkout.selected.value;
  const saved = checkout.savedCards.value;
  const error = checkout.cardError.value;
  useEffect(() => {
    if (status === 'ready' && selected === NEW_CARD && mountPoint.current) checkout.mountCard(mountPoint.current);
  }, [status, selected]);
  if (status === 'blocked') return <p class="error-text payment-field">{bm('payment.stripeBlocked')}</p>;
  return (
    <div class="field payment-field">
      {status === 'loading' ? (
        <p class="hint" aria-live="polite">
          {bm('payment.loading')}
        </p>
      ) : null}
      <div class="wallet" hidden={!checkout.walletAvailable.value}>
        <div class="wallet-button" ref={walletSlot} data-testid="wallet-button" />
        <p class="wallet-or" aria-hidden="true">
          {bm('payment.walletOr')}
        </p>
      </div>
      {saved.length > 0 ? (
        <fieldset class="radio-group saved-cards" aria-describedby={`${id}-error`}>
          <legend>{bm('card.choice')}</legend>
          {[...saved.map((card) => ({ value: card.paymentMethod, label: savedCardLabel(card) })), { value: NEW_CARD, label: bm('card.other') }].map(
            (choice, index) => (
              <div class="radio-choice" key={choice.value}>
                <input
                  id={`${id}-${index}`}
                  type="radio"
                  name={PAYMENT_FIELD}
                  value={choice.value}
                  checked={selected === choice.value}
                  onChange={() => checkout.choose(choice.value)}
                />
                <label for={`${id}-${index}`}>
                  <span class="radio-label">{choice.label}</span>
                </label>
              </div>
            ),
          )}
        </fieldset>
      ) : null}
      <div class="card-entry" hidden={selected !== NEW_CARD || status !== 'ready'}>
        <p class="card-entry-label" id={`${id}-entry`}>
          {bm('card.new')}
        </p>
        <p class="hint" id={`${id}-entry-hint`}>
          {bm('card.newHint')}
        </p>
        <div class="card-element" ref={mountPoint} role="group" aria-labelledby={`${id}-entry`} aria-describedby={`${id}-entry-hint ${id}-error`} />
      </div>
      <p class="field-error" id={`${id}-error`} aria-live="polite" hidden={!error}>
        {error}
      </p>
    </div>
  );
}

/**
 * The embedded provider's stand-in for the bank's 3-D Secure page: a modal dialog that takes the
 * focus and answers `failed` when closed with Escape; the caller gives the focus back.
 */
export function SimulatedBankDialog({ amountCents, onDone }: { amountCents: number | undefined; onDone: (outcome: 'succeeded' | 'failed') => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const confirm = useRef<HTMLButtonElement>(null);
  const outcome = useRef<'succeeded' | 'failed'>('failed');
  const id = useId();
  useEffect(() => {
    dialog.current?.showModal();
    confirm.current?.focus();
  }, []);
  return (
    <dialog ref={dialog} class="secure-dialog" aria-labelledby={`${id}-title`} aria-describedby={`${id}-text`} onClose={() => onDone(outcome.current)}>
      <h2 id={`${id}-title`}>{amountCents === undefined ? bm('secure.titleWithoutAmount') : bm('secure.title', { amount: formatMoney(amountCents) })}</h2>
      <p id={`${id}-text`}>{bm('secure.text')}</p>
      <div class="actions">
        <button
          type="button"
          class="button button-primary"
          ref={confirm}
          onClick={() => {
            outcome.current = 'succeeded';
            dialog.current?.close();
          }}
        >
          {bm('secure.confirm')}
        </button>
        <button type="button" class="button button-secondary" onClick={() => dialog.current?.close()}>
          {bm('secure.refuse')}
        </button>
      </div>
    </dialog>
  );
}
