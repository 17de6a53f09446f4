import { InvariantViolation } from '../billing/index.ts';

/** BILL-9: French standard VAT rate, for VAT-registered experts. */
export const VAT_RATE_PERCENT = 20;
/** BILL-9: the mention printed when the expert is not VAT-registered. */
export const VAT_EXEMPTION_MENTION = 'TVA non applicable, art. 293 B du CGI';

/**
 * Splits a VAT-inclusive amount: excl. = round(TTC × 100 / 120), VAT = TTC − excl., so the two
 * printed lines always add up to the amount paid.
 */
export function vatBreakdown(amountInclVatCents: number): { amountExclVatCents: number; vatCents: number } {
  if (!Number.isSafeInteger(amountInclVatCents) || amountInclVatCents < 0) {
    throw new InvariantViolation(`VAT on ${amountInclVatCents} cents`);
  }
  const denominator = 100 + VAT_RATE_PERCENT;
  const amountExclVatCents = Math.floor((2 * amountInclVatCents * 100 + denominator) / (2 * denominator));
  return { amountExclVatCents, vatCents: amountInclVatCents - amountExclVatCents };
}
