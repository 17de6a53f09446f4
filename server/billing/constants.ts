/**
 * Every limit of the billing rules, as a named constant with its unit
 * (SPEC §3 and §6). Values that the admin configures (fee per minute,
 * surcharge table, referral percent) live in the database, not here.
 */

export const SECONDS_PER_MINUTE = 60;

/** BILL-1: a free-rate consultation can never exceed 50.00 € TTC. */
export const MAX_FREE_RATE_BUDGET_CENTS = 5000;

/** EXP-4: per-minute rates, VAT-inclusive. */
export const MIN_RATE_PER_MINUTE_CENTS = 50;
export const MAX_RATE_PER_MINUTE_CENTS = 5000;

/** EXP-5: package length and count. */
export const MIN_PACKAGE_MINUTES = 5;
export const MAX_PACKAGE_MINUTES = 90;
export const MAX_PACKAGES_PER_EXPERT = 10;

/**
 * Not in the SPEC (EXP-5 sets no ceiling): a package may not cost more per
 * minute than the highest allowed rate (EXP-4), so a typo cannot put a
 * 5-figure-euro hold on a client's card. This is the ceiling of the longest
 * package; `validatePricing` applies the per-minute one.
 */
export const MAX_PACKAGE_PRICE_CENTS = MAX_RATE_PER_MINUTE_CENTS * MAX_PACKAGE_MINUTES;

/**
 * Not in the SPEC: ceilings on the admin-configured fee and surcharges, so an
 * admin typo is refused and cents × seconds stays far below 2^53. A fee at
 * this level already leaves no valid rate above it (EXP-4).
 */
export const MAX_FEE_PER_MINUTE_CENTS = MAX_RATE_PER_MINUTE_CENTS;
export const MAX_SURCHARGE_PER_MINUTE_CENTS = MAX_RATE_PER_MINUTE_CENTS;

/** BILL-5: the one-third rule only exists for packages of at most this length. */
export const ONE_THIRD_RULE_MAX_PACKAGE_MINUTES = 60;

/** BILL-6 / EXP-7: a discount is a whole percentage; 100 makes the rate or price free. */
export const MAX_DISCOUNT_PERCENT = 100;

/** BILL-10: a client cancelling this many hours or more before the start pays nothing. */
export const LATE_CANCELLATION_HOURS = 48;

/** BOOK-5: a party still absent this long after the start is a no-show (for the booking state machine). */
export const NO_SHOW_MINUTES = 10;

/** BILL-10 / BILL-12: a late free-rate cancellation is priced as this many minutes. */
export const CANCELLATION_FREE_RATE_MINUTES = 10;

/** BILL-10 / BILL-12: a late package cancellation is priced as this percentage of the package. */
export const CANCELLATION_PACKAGE_PERCENT = 15;
