import { SECONDS_PER_MINUTE } from './constants.ts';
import { invariant } from './errors.ts';
import { multiply, roundHalfUpDiv } from './integer.ts';
import { discountedPackagePriceCents, validateTermsStructure, type ConsultationTerms } from './terms.ts';
import { validateBudget } from './budget.ts';

/**
 * BOOK-3: the card hold placed at booking: the most the consultation can cost. Free rate: the
 * budget (BILL-1, BILL-2 never charge more). Package: the discounted price plus the phone
 * surcharge of every package minute (BILL-5).
 */
export function holdAmountCents(terms: ConsultationTerms): number {
  validateTermsStructure(terms);
  if (terms.pricing === 'free_rate') {
    validateBudget(terms);
    return terms.budgetCents;
  }
  const surchargeCents = roundHalfUpDiv(multiply(terms.surchargePerMinuteCents, terms.packageMinutes * SECONDS_PER_MINUTE), SECONDS_PER_MINUTE);
  const holdCents = discountedPackagePriceCents(terms) + surchargeCents;
  invariant(holdCents >= 0, `negative hold ${holdCents}`);
  return holdCents;
}
