import { MAX_FREE_RATE_BUDGET_CENTS, SECONDS_PER_MINUTE } from './constants.ts';
import { BillingRuleError, invariant } from './errors.ts';
import { floorDiv, multiply } from './integer.ts';
import { clientPricePerMinuteCents, validateTermsStructure, type FreeRateTerms } from './terms.ts';

/**
 * BILL-1 with BILL-6: `B ≤ 5000` and `B ≥ r + s`, both in what the client
 * actually pays (the discounted rate plus the undiscounted surcharge).
 */
export function validateBudget(terms: FreeRateTerms): void {
  validateTermsStructure(terms);
  const { budgetCents } = terms;
  if (!Number.isSafeInteger(budgetCents)) {
    throw new BillingRuleError('invalid_amount', 'The budget is a whole number of cents.', 'budgetCents');
  }
  const pricePerMinuteCents = clientPricePerMinuteCents(terms);
  if (pricePerMinuteCents === 0) {
    // Only a 100 % discount on a video rate gets here: nothing would bound the duration (BILL-1, BILL-3).
    throw new BillingRuleError(
      'discount_too_large',
      'A 100 % discount leaves a free-rate consultation without a price per minute; it can apply to a package only.',
      'discountPercent',
    );
  }
  if (budgetCents > MAX_FREE_RATE_BUDGET_CENTS) {
    throw new BillingRuleError('budget_too_large', `A free-rate budget is at most ${MAX_FREE_RATE_BUDGET_CENTS} cents (BILL-1).`, 'budgetCents');
  }
  if (budgetCents < pricePerMinuteCents) {
    throw new BillingRuleError('budget_too_small', `The budget must pay for at least one minute: ${pricePerMinuteCents} cents (BILL-1).`, 'budgetCents');
  }
}

/** BILL-1: the longest connected time the budget buys, `floor(B × 60 / (r + s))` seconds. */
export function maxSecondsForBudget(terms: FreeRateTerms): number {
  validateBudget(terms);
  const pricePerMinuteCents = clientPricePerMinuteCents(terms);
  const maxSeconds = floorDiv(multiply(terms.budgetCents, SECONDS_PER_MINUTE), pricePerMinuteCents);
  // A valid budget buys at least one minute, and never more than it can pay for.
  invariant(maxSeconds >= SECONDS_PER_MINUTE, `budget ${terms.budgetCents} buys only ${maxSeconds} s`);
  invariant(
    multiply(maxSeconds, pricePerMinuteCents) <= multiply(terms.budgetCents, SECONDS_PER_MINUTE),
    `${maxSeconds} s at ${pricePerMinuteCents} cents/min exceed budget ${terms.budgetCents}`,
  );
  return maxSeconds;
}
