import { formatDuration, formatMoney } from '../../i18n/index.ts';
import { CANCELLATION_FREE_RATE_MINUTES, CANCELLATION_PACKAGE_PERCENT, LATE_CANCELLATION_HOURS } from '../../../../server/billing/constants.ts';
import type { BookingChoice } from './booking-choice.ts';
import { cm } from './consultation-messages.ts';
import type { BookingPrice, PriceState } from './use-booking-price.ts';

/**
 * BOOK-2 before paying: the per-minute price with any phone surcharge (BILL-8), the longest the
 * budget or package lasts, what the card hold blocks (BOOK-3) and the cancellation terms
 * (BILL-10), every amount from the quote route. Announced politely as the choice changes.
 */
export function PriceSummary({
  choice,
  price,
  problem,
  headingLevel = 3,
}: {
  choice: BookingChoice;
  price: PriceState;
  problem?: string;
  headingLevel?: 2 | 3;
}) {
  // Its headings sit one level under the section it is in: the panel's h2 on the expert's page, the step's h1 on the payment.
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <div class="price-summary" aria-live="polite" data-testid="price-summary">
      <Heading>{cm('priceTitle')}</Heading>
      {price.state === 'ready' ? (
        <PriceRows price={price.price} />
      ) : price.state === 'loading' ? (
        <p class="hint">{cm('priceLoading')}</p>
      ) : (
        <p class="error-text">{problem}</p>
      )}
      <Heading>{cm('cancellationTitle')}</Heading>
      <p class="cancellation-terms">{cancellationTerms(choice, price.state === 'ready' ? price.price : undefined)}</p>
    </div>
  );
}

function Row({ term, value, testId }: { term: string; value: string; testId?: string }) {
  return (
    <p class="summary-row" data-testid={testId}>
      <span>
        {term}
        {cm('colon')}
      </span>
      <strong>{value}</strong>
    </p>
  );
}

function PriceRows({ price }: { price: BookingPrice }) {
  return (
    <>
      {price.pricePerMinuteCents !== null ? <Row term={cm('perMinute')} value={formatMoney(price.pricePerMinuteCents)} testId="price-per-minute" /> : null}
      {price.pricePerMinuteCents !== null && price.surchargePerMinuteCents > 0 ? (
        <p class="hint">{cm('surchargeIncluded', { amount: formatMoney(price.surchargePerMinuteCents) })}</p>
      ) : null}
      {price.packageMinutes !== null && price.packagePriceCents !== null ? (
        <>
          <Row term={cm('package')} value={cm('packageLine', { minutes: price.packageMinutes, price: formatMoney(price.packagePriceCents) })} />
          {price.packageSurchargeCents > 0 ? <Row term={cm('surcharge')} value={formatMoney(price.packageSurchargeCents)} /> : null}
        </>
      ) : null}
      <Row term={cm('maxDuration')} value={formatDuration(price.maxSeconds)} testId="max-duration" />
      <Row term={cm('held')} value={formatMoney(price.holdCents)} testId="hold-amount" />
      <p class="hint">{price.packageMinutes !== null ? `${cm('holdExplained')} ${cm('oneThirdRule')}` : cm('holdExplained')}</p>
    </>
  );
}

/** BILL-10 / BILL-11 in words, with the amount a late cancellation would cost now. */
export function cancellationTerms(choice: BookingChoice, price: BookingPrice | undefined): string {
  if (choice.timing === 'now') return cm('cancellationImmediate');
  if (!price) return cm('cancellationGeneric', { hours: LATE_CANCELLATION_HOURS });
  const amount = formatMoney(price.lateCancellationCents);
  return price.packageMinutes !== null
    ? cm('cancellationPackage', { hours: LATE_CANCELLATION_HOURS, percent: CANCELLATION_PACKAGE_PERCENT, amount })
    : cm('cancellationFreeRate', { hours: LATE_CANCELLATION_HOURS, minutes: CANCELLATION_FREE_RATE_MINUTES, amount });
}
